//! `[menu]` (docs/scenario-format.md, "`[menu]`"): the items sold and their recipes,
//! and what of them customers are checked against.

use std::collections::HashMap;

use super::Loader;
use super::reader::Value;
use crate::model::*;

/// The menu as far as it could be read, to check the customers against: what could
/// not be read is not checked (its own problem is already reported), so that one
/// mistake gives one message.
pub(super) struct MenuCheck<'m> {
    /// None when the menu could not be read at all.
    pub(super) items: Option<&'m [Item]>,
    /// Items whose recipe could not be found.
    pub(super) broken_items: &'m [String],
    pub(super) options: &'m [MenuOption],
    pub(super) broken_options: &'m [String],
    /// Every recipe by name (what [`Item::recipe`] indexes), when it could be read.
    pub(super) recipes: &'m [(String, Option<Recipe>)],
    /// The index of each step of each recipe, by name.
    pub(super) step_ix: Vec<HashMap<&'m str, usize>>,
}

impl MenuCheck<'_> {
    /// The recipe of item `ix`, when it could be read.
    pub(super) fn recipe(&self, ix: ItemIx) -> Option<&Recipe> {
        let item = self.items?.get(ix as usize)?;
        self.recipes.get(item.recipe as usize)?.1.as_ref()
    }

    /// The index of step `name` in the recipe of item `ix`.
    pub(super) fn step_of(&self, ix: ItemIx, name: &str) -> Option<usize> {
        let item = self.items?.get(ix as usize)?;
        self.step_ix.get(item.recipe as usize)?.get(name).copied()
    }

    /// Whether every recipe could be read (so every step name is known).
    #[cfg(feature = "replay")]
    pub(super) fn all_recipes(&self) -> bool {
        self.items.is_some() && self.recipes.iter().all(|(_, r)| r.is_some())
    }
}

impl Loader<'_, '_, '_> {
    /// The menu's items (None when the menu cannot be read at all), and the names of
    /// items whose recipe is unknown.
    pub(super) fn menu(
        &mut self,
        v: Option<&Value>,
        recipes: Option<&[(String, Option<Recipe>)]>,
    ) -> (Option<Vec<Item>>, Vec<String>) {
        let help = "add `[menu]` with one `ITEM = \"RECIPE\"` line per item, like `Latte = \"coffee\"`";
        let Some(v) = v else {
            self.cx.error_in_file("the scenario has no menu", Some(help.into()));
            return (None, Vec::new());
        };
        let Some(t) = self.cx.table(v, "`menu`", "[menu]") else { return (None, Vec::new()) };
        if t.is_empty() {
            self.cx.error(v.span(), "the menu is empty", "empty menu", Some(help.into()));
            return (None, Vec::new());
        }
        let recipe_names: Vec<&str> = recipes.unwrap_or_default().iter().map(|(n, _)| n.as_str()).collect();
        let mut items = Vec::new();
        let mut broken = Vec::new();
        for (k, rv) in t.iter() {
            let name = k.get_ref().to_string();
            if !self.cx.clean_name(&name, k.span(), "a menu item's name") {
                broken.push(name);
                continue;
            }
            let Some(r) = self.cx.str(rv, &format!("the recipe of `{name}`"), "Latte = \"coffee\"") else {
                broken.push(name);
                continue;
            };
            match recipe_names.iter().position(|n| *n == r) {
                Some(ix) => items.push(Item { name, recipe: ix as RecipeIx }),
                None => {
                    if recipes.is_some() {
                        let help = match crate::suggest::closest(r, recipe_names.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`? Recipes: {}", recipe_names.join(", ")),
                            None => format!("recipes: {}", recipe_names.join(", ")),
                        };
                        self.cx.error(
                            rv.span(),
                            format!("unknown recipe `{r}`"),
                            "no such recipe",
                            Some(help),
                        );
                    }
                    broken.push(name);
                }
            }
        }
        (Some(items), broken)
    }
}
