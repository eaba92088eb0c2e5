//! `[customers]` (docs/scenario-format.md, "`[customers]`"): who comes, written out in a
//! `list`, replayed or generated, and their patience.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::Loader;
use super::menu::MenuCheck;
use super::reader::{Value, get};
use crate::model::*;
use crate::time::TimeUnit;

const CUSTOMERS_KEYS: &[&str] = &["list", "replay", "generate", "patience", "balk"];
/// The keys of `[customers]` that say who comes: exactly one of them.
const WHO_KEYS: &[&str] = &["list", "replay", "generate"];
const CUSTOMER_KEYS: &[&str] = &["name", "arrival", "item", "options", "durations", "patience"];

impl Loader<'_, '_, '_> {
    pub(super) fn customers(
        &mut self,
        v: Option<&Value>,
        unit: TimeUnit,
        menu: &MenuCheck,
    ) -> Option<Customers> {
        let help = "add `[customers]` with `list = [...]`, `replay = \"day.csv\"` or `[customers.generate]`";
        let Some(v) = v else {
            self.cx.error_in_file("the scenario has no customers", Some(help.into()));
            return None;
        };
        let t = self.cx.table(v, "`customers`", "[customers]")?;
        self.cx.check_keys(t, CUSTOMERS_KEYS, "[customers]");
        let given: Vec<&str> = WHO_KEYS.iter().copied().filter(|k| get(t, k).is_some()).collect();
        if given.len() != 1 {
            let msg = if given.is_empty() {
                "[customers] says nothing about who comes".to_string()
            } else {
                format!("[customers] has both `{}` and `{}`", given[0], given[1])
            };
            self.cx.error(
                v.span(),
                msg,
                "choose one",
                Some("give exactly one of `list`, `replay` or `generate`".into()),
            );
            return None;
        }
        match given[0] {
            "list" => self.list(get(t, "list").expect("given"), unit, menu),
            #[cfg(feature = "replay")]
            "replay" => self.replay(get(t, "replay").expect("given"), unit, menu),
            #[cfg(not(feature = "replay"))]
            "replay" => {
                let v = get(t, "replay").expect("given");
                self.cx.error(
                    v.span(),
                    "this build of async-cafe reads no replayed day",
                    "`replay` not built in",
                    Some(
                        "build async-cafe with its `replay` feature (a default one) to read CSV files".into(),
                    ),
                );
                None
            }
            _ => self.generate(get(t, "generate").expect("given"), unit, menu),
        }
    }

    /// `list`: customers written out, in order of arrival.
    fn list(&mut self, lv: &Value, unit: TimeUnit, menu: &MenuCheck) -> Option<Customers> {
        let arr = self.cx.array(lv, "`list`", "list = [{ item = \"Latte\", arrival = 0 }]")?;
        let mut list = Vec::new();
        let mut ok = true;
        for c in arr.iter() {
            match self.customer(c, unit, menu) {
                Some(c) => list.push(c),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        list.sort_by_key(|c| c.arrival);
        Some(Customers::List(list))
    }

    /// `[customers]`'s `patience` and `balk` (the table itself is `customers`' to check).
    pub(super) fn patience(
        &mut self,
        v: Option<&Value>,
        unit: TimeUnit,
    ) -> Option<(Option<Dist>, Option<u32>)> {
        let Some(DeValue::Table(t)) = v.map(|v| v.get_ref()) else { return Some((None, None)) };
        let patience = match get(t, "patience") {
            Some(p) => self.dist(p, "patience", unit).map(Some),
            None => Some(None),
        };
        let balk = match get(t, "balk") {
            Some(b) => self.cx.int(b, "`balk`", 0, u32::MAX as i64, "balk = 5").map(|k| Some(k as u32)),
            None => Some(None),
        };
        Some((patience?, balk?))
    }

    /// The menu item called `name`. Not reported when the menu could not be read or
    /// the item's recipe is unknown: that problem is already reported.
    pub(super) fn item(&mut self, name: &str, span: Range<usize>, menu: &MenuCheck) -> Option<ItemIx> {
        let items = menu.items?;
        if let Some(ix) = menu.item_named(name) {
            return Some(ix);
        }
        if menu.broken_items.iter().any(|b| b == name) {
            return None;
        }
        let mut names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        names.extend(menu.broken_items.iter().map(String::as_str));
        let help = match crate::suggest::closest(name, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? The menu has: {}", names.join(", ")),
            None => format!(
                "the menu has: {}; to sell it, add `{} = \"RECIPE\"` to [menu]",
                names.join(", "),
                toml_key(name)
            ),
        };
        self.cx.error(span, format!("`{name}` is not on the menu"), "not on the menu", Some(help));
        None
    }

    fn customer(&mut self, v: &Value, unit: TimeUnit, menu: &MenuCheck) -> Option<CustomerSpec> {
        let t = self.cx.table(v, "a customer", "{ item = \"Latte\", arrival = 0 }")?;
        self.cx.check_keys(t, CUSTOMER_KEYS, "a customer");
        let name = match get(t, "name") {
            None => Some(None),
            Some(n) => (self.cx.str(n, "`name`", "name = \"Ada\""))
                .filter(|s| self.cx.clean_name(s, n.span(), "a customer's name"))
                .map(|s| Some(s.to_string())),
        };
        let arrival = match get(t, "arrival") {
            None => Some(0),
            Some(a) => self.cx.time(a, "`arrival`", unit, "arrival = 0").map(|x| unit.to_ticks(x)),
        };
        let patience = match get(t, "patience") {
            None => Some(None),
            Some(p) => self.cx.time(p, "`patience`", unit, "patience = 5").map(|x| Some(unit.to_ticks(x))),
        };
        let item = match get(t, "item") {
            Some(i) => {
                self.cx.str(i, "`item`", "item = \"Latte\"").and_then(|s| self.item(s, i.span(), menu))
            }
            None if crate::scenario::Cx::misspelled(t, CUSTOMER_KEYS, "item") => None,
            None => {
                self.cx.error(
                    v.span(),
                    "a customer has no `item`",
                    "missing `item`",
                    Some("say what they order, like `item = \"Latte\"`".into()),
                );
                None
            }
        };
        let options = self.chosen_options(v, t, menu);
        let durations = self.durations(t, item, unit, menu);
        Some(CustomerSpec {
            name: name?,
            arrival: arrival?,
            item: item?,
            options: options?,
            durations: durations?,
            patience: patience?,
        })
    }

    /// The value a customer (`v`, the table `t`) chooses of each option: every option
    /// once, each a value it has.
    fn chosen_options(&mut self, v: &Value, t: &DeTable, menu: &MenuCheck) -> Option<Vec<u16>> {
        let mut options = vec![None; menu.options.len()];
        let mut ok = true;
        if let Some(ov) = get(t, "options") {
            if let Some(ot) = self.cx.table(ov, "`options`", "options = { flavour = \"Vanilla\" }") {
                for (k, val) in ot.iter() {
                    let Some(oi) = menu.option_named(k.get_ref()) else {
                        ok = false;
                        if menu.broken_options.iter().any(|b| b == k.get_ref()) {
                            continue;
                        }
                        let names: Vec<&str> = menu.options.iter().map(|o| o.name.as_str()).collect();
                        let help = match crate::suggest::closest(k.get_ref(), names.iter().copied()) {
                            _ if names.is_empty() => "the scenario declares no [options]".to_string(),
                            Some(s) => format!("did you mean `{s}`? Options: {}", names.join(", ")),
                            None => format!("options: {}", names.join(", ")),
                        };
                        self.cx.error(
                            k.span(),
                            format!("unknown option `{}`", k.get_ref()),
                            "unknown option",
                            Some(help),
                        );
                        continue;
                    };
                    let Some(s) = self.cx.str(val, "an option value", "flavour = \"Vanilla\"") else {
                        ok = false;
                        continue;
                    };
                    match menu.value_of(oi, s) {
                        Ok(vi) => options[oi] = Some(vi),
                        Err(help) => {
                            self.cx.error(
                                val.span(),
                                format!("`{s}` is not a value of option `{}`", k.get_ref()),
                                "unknown value",
                                Some(help),
                            );
                            ok = false;
                        }
                    }
                }
            } else {
                ok = false;
            }
        }
        for (oi, o) in options.iter().enumerate() {
            if o.is_none() && ok {
                let opt = &menu.options[oi];
                self.cx.error(
                    v.span(),
                    format!("a customer does not choose option `{}`", opt.name),
                    "missing option",
                    Some(format!("add it, like `options = {{ {} = \"{}\" }}`", opt.name, opt.values[0])),
                );
                ok = false;
            }
        }
        ok.then(|| options.into_iter().map(|o| o.expect("checked")).collect())
    }

    /// The durations a customer (the table `t`) gives steps of the recipe of `item`.
    fn durations(
        &mut self,
        t: &DeTable,
        item: Option<ItemIx>,
        unit: TimeUnit,
        menu: &MenuCheck,
    ) -> Option<Vec<(StepIx, u64)>> {
        let mut ok = true;
        let mut durations = Vec::new();
        if let (Some(dv), Some((ix, recipe))) =
            (get(t, "durations"), item.and_then(|i| Some((i, menu.recipe(i)?))))
        {
            if let Some(dt) = self.cx.table(dv, "`durations`", "durations = { brew = 4 }") {
                for (k, d) in dt.iter() {
                    match menu.step_of(ix, k.get_ref()) {
                        Some(si) => match self.cx.time(
                            d,
                            &format!("the duration of `{}`", k.get_ref()),
                            unit,
                            &format!("{} = 4", k.get_ref()),
                        ) {
                            Some(x) => durations.push((si as StepIx, unit.to_ticks(x))),
                            None => ok = false,
                        },
                        None => {
                            let steps: Vec<&str> = recipe.steps.iter().map(|s| s.name.as_str()).collect();
                            self.cx.error(
                                k.span(),
                                format!("recipe `{}` has no step `{}`", recipe.name, k.get_ref()),
                                "no such step",
                                Some(format!("its steps: {}", steps.join(", "))),
                            );
                            ok = false;
                        }
                    }
                }
            } else {
                ok = false;
            }
        }
        ok.then_some(durations)
    }
}

/// `name` as a TOML key: bare when it can be, quoted otherwise.
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { name.to_string() } else { format!("{name:?}") }
}
