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
    /// The index of each item in `items`, by name: a customer's item is looked up,
    /// not searched for (a list or a replayed day of many customers, a `mix` of
    /// many items).
    pub(super) item_ix: HashMap<&'m str, ItemIx>,
    /// The index of each option in `options`, by name.
    pub(super) option_ix: HashMap<&'m str, usize>,
    /// The index of each value of each option, by value (the first, if listed twice).
    pub(super) value_ix: Vec<HashMap<&'m str, u16>>,
}

impl<'m> MenuCheck<'m> {
    /// The menu to check customers against, its names indexed.
    pub(super) fn new(
        items: Option<&'m [Item]>,
        broken_items: &'m [String],
        options: &'m [MenuOption],
        broken_options: &'m [String],
        recipes: &'m [(String, Option<Recipe>)],
    ) -> Self {
        let mut item_ix = HashMap::new();
        for (i, item) in items.unwrap_or_default().iter().enumerate() {
            item_ix.entry(item.name.as_str()).or_insert(i as ItemIx);
        }
        let mut option_ix = HashMap::new();
        for (i, o) in options.iter().enumerate() {
            option_ix.entry(o.name.as_str()).or_insert(i);
        }
        let value_ix = (options.iter())
            .map(|o| {
                let mut ix = HashMap::new();
                for (i, v) in o.values.iter().enumerate() {
                    ix.entry(v.as_str()).or_insert(i as u16);
                }
                ix
            })
            .collect();
        let step_ix = (recipes.iter())
            .map(|(_, r)| {
                r.iter().flat_map(|r| &r.steps).enumerate().map(|(i, s)| (s.name.as_str(), i)).collect()
            })
            .collect();
        MenuCheck {
            items,
            broken_items,
            options,
            broken_options,
            recipes,
            step_ix,
            item_ix,
            option_ix,
            value_ix,
        }
    }
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

    /// The index of the menu item called `name`, if it is on the menu.
    pub(super) fn item_named(&self, name: &str) -> Option<ItemIx> {
        self.items?;
        self.item_ix.get(name).copied()
    }

    /// The index of the option called `name`, if declared and read.
    pub(super) fn option_named(&self, name: &str) -> Option<usize> {
        self.option_ix.get(name).copied()
    }

    /// The index of value `s` of option `oi`, or what to say when it has no such
    /// value.
    pub(super) fn value_of(&self, oi: usize, s: &str) -> Result<u16, String> {
        match self.value_ix[oi].get(s) {
            Some(&v) => Ok(v),
            None => super::options::option_value(&self.options[oi], s),
        }
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
        // Looked up, not searched for: a menu of many items over many recipes.
        let mut recipe_ix: HashMap<&str, usize> = HashMap::new();
        for (ix, n) in recipe_names.iter().enumerate() {
            recipe_ix.entry(n).or_insert(ix);
        }
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
            match recipe_ix.get(r) {
                Some(&ix) => items.push(Item { name, recipe: ix as RecipeIx }),
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
