//! Writing changes into a scenario's TOML text, keeping everything else as it was
//! written (comments, order, layout): the edited text loads as the scenario with
//! those changes. A change is `NAME=VALUE`, named as a sweep's `--vary` names it
//! ([`crate::sweep::Param::name`]): `cooks=3`, `equipment.oven=2`,
//! `arrivals.rate=1.5`, `policy=fifo`. Check a change against the scenario first
//! with [`crate::sweep::parse_vary`] (unknown equipment, no cook, a number that
//! should be whole): this module only writes.
//!
//! Used by the Python package (`Scenario.with_cooks(...).to_toml()`) and the
//! studio's sliders (`POST /api/edit`).
//!
//! ```
//! use async_cafe::scenario::edit::apply_edits;
//!
//! let text = "name = \"tiny\"\n\n[kitchen]\ncooks = 1 # one barista\n";
//! let edited = apply_edits(text, &["cooks=3"]).unwrap();
//! assert_eq!(edited, "name = \"tiny\"\n\n[kitchen]\ncooks = 3 # one barista\n");
//! ```

use std::fmt;

use toml_edit::{DocumentMut, Item, Table, TableLike, Value};

/// Why a change cannot be written: the text is not TOML, a change is not
/// `NAME=VALUE` or names nothing that can be written, a value is not a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError(String);

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

/// The table at `path` (created as a standard table where missing).
fn table_at<'d>(doc: &'d mut DocumentMut, path: &[&str]) -> Result<&'d mut dyn TableLike, EditError> {
    let mut t: &mut dyn TableLike = doc.as_table_mut();
    for key in path {
        if !t.contains_key(key) {
            let mut fresh = Table::new();
            fresh.set_implicit(true);
            t.insert(key, Item::Table(fresh));
        }
        t = t
            .get_mut(key)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| EditError(format!("`{key}` is not a table in the scenario's TOML")))?;
    }
    Ok(t)
}

/// Sets `key` of `t` to `new`, keeping the old value's comment and spacing
/// (`cooks = 2 # two baristas`).
fn set(t: &mut dyn TableLike, key: &str, new: impl Into<Value>) {
    let mut new = new.into();
    match t.get_mut(key) {
        Some(Item::Value(old)) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        _ => {
            t.insert(key, Item::Value(new));
        }
    }
}

/// `text` with each of `edits` (`NAME=VALUE`) written in, in order; the rest of the
/// text as it was. A piece of equipment written `{ capacity = 1, cost = 5 }` keeps
/// its cost; a new `arrivals.rate` replaces an exponential `interarrival`.
pub fn apply_edits<S: AsRef<str>>(text: &str, edits: &[S]) -> Result<String, EditError> {
    if edits.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = text.parse().map_err(|e| EditError(format!("the scenario's TOML: {e}")))?;
    for edit in edits {
        let edit = edit.as_ref();
        let (name, v) = edit.split_once('=').ok_or_else(|| EditError(format!("not NAME=VALUE: {edit}")))?;
        let whole = || v.parse::<i64>().map_err(|_| EditError(format!("not a whole number: {edit}")));
        match name {
            "cooks" => {
                set(table_at(&mut doc, &["kitchen"])?, "cooks", whole()?);
            }
            "policy" => {
                set(table_at(&mut doc, &["kitchen"])?, "policy", v);
            }
            "arrivals.rate" => {
                let rate: f64 = v.parse().map_err(|_| EditError(format!("not a number: {edit}")))?;
                let g = table_at(&mut doc, &["customers", "generate"])?;
                // A Poisson generator is written with `rate` or an exponential
                // `interarrival`: the one written gives way to the new `rate`.
                g.remove("interarrival");
                set(g, "rate", rate);
            }
            _ => {
                let Some(eq) = name.strip_prefix("equipment.") else {
                    return Err(EditError(format!("cannot write `{name}` into the scenario's TOML")));
                };
                let capacity = whole()?;
                let equipment = table_at(&mut doc, &["kitchen", "equipment"])?;
                match equipment.get_mut(eq).and_then(Item::as_table_like_mut) {
                    // `{ capacity = 1, cost = 5 }`: keep the cost.
                    Some(t) => set(t, "capacity", capacity),
                    None => set(equipment, eq, capacity),
                }
            }
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;
    use crate::model::{Arrivals, Customers, Dist, Policy};
    use crate::scenario::load_str;

    fn builtin_text(name: &str) -> &'static str {
        builtin::find(name).expect("built-in").toml
    }

    #[test]
    fn no_change_is_the_text_as_it_was() {
        let text = builtin_text("rush-hour");
        assert_eq!(apply_edits::<&str>(text, &[]).unwrap(), text);
    }

    #[test]
    fn comments_and_layout_are_kept_and_only_the_changed_values_differ() {
        let text = builtin_text("rush-hour");
        let edited = apply_edits(text, &["cooks=4", "equipment.espresso_machine=3"]).unwrap();
        let changed: Vec<(&str, &str)> = text.lines().zip(edited.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(
            changed,
            [
                ("cooks = 2", "cooks = 4"),
                (
                    "equipment = { espresso_machine = { capacity = 1, cost = 12 } }",
                    "equipment = { espresso_machine = { capacity = 3, cost = 12 } }"
                ),
            ]
        );
        assert_eq!(text.lines().count(), edited.lines().count());
        assert!(edited.starts_with("# Not a seed: a morning at a café"));
    }

    #[test]
    fn the_edited_text_loads_as_the_changed_scenario() {
        let text = builtin_text("coffee-shop");
        let before = load_str("coffee-shop", text).unwrap();
        let edited = apply_edits(text, &["cooks=3", "policy=longest-chain"]).unwrap();
        let after = load_str("coffee-shop", &edited).unwrap();
        assert_eq!(after.kitchen.cooks, 3);
        assert_eq!(after.kitchen.policy, Policy::LongestChain);
        let units = |sc: &crate::model::Scenario| -> Vec<(String, u32)> {
            sc.kitchen.equipment.iter().map(|e| (e.name.clone(), e.capacity)).collect()
        };
        assert_eq!(units(&after), units(&before));
        assert_eq!(after.seed, before.seed);

        let bakery = builtin_text("bakery");
        let more = apply_edits(bakery, &["equipment.oven=2"]).unwrap();
        let sc = load_str("bakery", &more).unwrap();
        let oven = sc.kitchen.equipment.iter().find(|e| e.name == "oven").unwrap();
        assert_eq!(oven.capacity, 2);
    }

    #[test]
    fn a_kitchen_not_written_is_added_at_the_end() {
        // coffee-shop has no `[kitchen]`: its one cook is the default.
        let text = builtin_text("coffee-shop");
        let edited = apply_edits(text, &["cooks=3"]).unwrap();
        assert!(edited.starts_with(text.trim_end()), "the text before is as it was");
        assert!(edited.ends_with("[kitchen]\ncooks = 3\n"), "{edited}");
        assert_eq!(load_str("coffee-shop", &edited).unwrap().kitchen.cooks, 3);
    }

    #[test]
    fn a_new_rate_replaces_an_exponential_interarrival() {
        let text = "name = \"p\"\nunit = \"min\"\n[kitchen]\ncooks = 1\n[recipes.tea]\nsteps = [{ name = \"brew\", kind = \"hands-on\", duration = 1 }]\n[menu]\ntea = \"tea\"\n[customers.generate]\ncount = 5\ninterarrival = { dist = \"exponential\", mean = 2 }\n";
        load_str("p", text).unwrap();
        let edited = apply_edits(text, &["arrivals.rate=1.5"]).unwrap();
        assert!(!edited.contains("interarrival"), "{edited}");
        let sc = load_str("p", &edited).unwrap();
        let Customers::Generate(g) = &sc.customers else { panic!("generated") };
        let Arrivals::Interarrival(Dist::Exponential { .. }) = &g.arrivals else {
            panic!("{:?}", g.arrivals)
        };
    }

    #[test]
    fn what_cannot_be_written_is_an_error_that_says_why() {
        let text = builtin_text("cafe");
        let err = |edits: &[&str]| apply_edits(text, edits).unwrap_err().to_string();
        assert_eq!(err(&["cooks"]), "not NAME=VALUE: cooks");
        assert_eq!(err(&["cooks=2.5"]), "not a whole number: cooks=2.5");
        assert_eq!(err(&["equipment.coffee_machine=x"]), "not a whole number: equipment.coffee_machine=x");
        assert_eq!(err(&["arrivals.rate=fast"]), "not a number: arrivals.rate=fast");
        assert_eq!(err(&["seed=3"]), "cannot write `seed` into the scenario's TOML");
        let broken = apply_edits("name = ", &["cooks=2"]).unwrap_err().to_string();
        assert!(broken.starts_with("the scenario's TOML: "), "{broken}");
        let not_table = apply_edits("kitchen = 3\n", &["cooks=2"]).unwrap_err().to_string();
        assert_eq!(not_table, "`kitchen` is not a table in the scenario's TOML");
    }
}
