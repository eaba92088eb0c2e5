//! `[kitchen]` (docs/scenario-format.md, "`[kitchen]`"): cooks, equipment, costs and
//! the dispatch policy.

use std::collections::HashMap;

use toml::de::{DeTable, DeValue};

use super::Loader;
use super::diag::forbidden;
use super::reader::{Value, get};
use crate::model::*;

const KITCHEN_KEYS: &[&str] = &["cooks", "equipment", "cook_cost", "currency", "policy"];

/// The kitchen as far as it could be read.
pub(super) struct KitchenParts {
    pub(super) cooks: Option<u16>,
    /// What a cook costs; `None` after a problem.
    pub(super) cook_cost: Option<f64>,
    /// The costs' currency, if named; `None` after a problem.
    pub(super) currency: Option<Option<String>>,
    pub(super) policy: Option<Policy>,
    /// The equipment that could be read.
    pub(super) equipment: Vec<Equipment>,
    /// The index of each piece in `equipment`, by name: a step's `uses` is looked
    /// up, not searched for (many steps over many pieces).
    pub(super) equipment_ix: HashMap<String, EquipIx>,
    /// Whether every piece of equipment could be read.
    pub(super) complete: bool,
    /// The name of every piece of equipment declared, read or not; None when the
    /// equipment table itself could not be read. A step using a declared piece that
    /// could not be read is not reported (the kitchen's own problem is); one using a
    /// name declared nowhere is, whatever else is wrong with the kitchen.
    pub(super) declared: Option<Vec<String>>,
}

impl Loader<'_, '_, '_> {
    pub(super) fn kitchen(&mut self, v: Option<&Value>) -> KitchenParts {
        let mut parts = KitchenParts {
            cooks: Some(1),
            cook_cost: Some(0.0),
            currency: Some(None),
            policy: Some(Policy::Fifo),
            equipment: Vec::new(),
            equipment_ix: HashMap::new(),
            complete: true,
            declared: Some(Vec::new()),
        };
        let Some(v) = v else { return parts };
        let Some(t) = self.cx.table(v, "`kitchen`", "[kitchen]") else {
            return KitchenParts {
                cooks: None,
                cook_cost: None,
                currency: None,
                policy: None,
                equipment: Vec::new(),
                equipment_ix: HashMap::new(),
                complete: false,
                declared: None,
            };
        };
        self.cx.check_keys(t, KITCHEN_KEYS, "[kitchen]");
        if let Some(c) = get(t, "cooks") {
            parts.cooks = match c.get_ref() {
                DeValue::Integer(i) if i.as_str().trim_start_matches(['+', '-', '0', '_']).is_empty() => {
                    self.cx.error(
                        c.span(),
                        "a kitchen needs at least one cook",
                        "no cooks",
                        Some("write `cooks = 1` or more".into()),
                    );
                    None
                }
                _ => self.cx.int(c, "`cooks`", 1, u16::MAX as i64, "cooks = 2").map(|n| n as u16),
            };
        }
        if let Some(c) = get(t, "cook_cost") {
            parts.cook_cost = self.cost(c, "`cook_cost`", "cook_cost = 18");
        }
        if let Some(c) = get(t, "currency") {
            parts.currency = self.cx.str(c, "`currency`", "currency = \"EUR\"").and_then(|name| {
                let chars = name.chars().count();
                if (1..=12).contains(&chars) && !name.chars().any(|c| c.is_whitespace() || forbidden(c)) {
                    return Some(Some(name.to_string()));
                }
                self.cx.error(
                    c.span(),
                    format!("the currency `{}` is not a short name", name.escape_debug()),
                    "not a currency",
                    Some(
                        "give 1 to 12 characters with no spaces, like `currency = \"EUR\"` or `\"$\"`".into(),
                    ),
                );
                None
            });
        }
        if let Some(p) = get(t, "policy") {
            parts.policy = self.cx.str(p, "`policy`", "policy = \"unattended-first\"").and_then(|name| {
                let policy = Policy::from_name(name);
                if policy.is_none() {
                    let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
                    self.cx.error(
                        p.span(),
                        format!("unknown dispatch policy `{name}`"),
                        "unknown policy",
                        Some(format!("use one of {}", names.join(", "))),
                    );
                }
                policy
            });
        }
        let Some(ev) = get(t, "equipment") else { return parts };
        let Some(et) = self.cx.table(ev, "`equipment`", "equipment = { coffee_machine = 2 }") else {
            parts.complete = false;
            parts.declared = None;
            return parts;
        };
        self.equipment(et, &mut parts);
        parts
    }

    /// The pieces of `[kitchen.equipment]`, into `parts` (which is not `complete` when
    /// one cannot be read).
    fn equipment(&mut self, et: &DeTable, parts: &mut KitchenParts) {
        for (k, cap) in et.iter() {
            parts.declared.get_or_insert_with(Vec::new).push(k.get_ref().to_string());
            let clean = self.cx.clean_name(k.get_ref(), k.span(), "an equipment name");
            let mut cost = Some(0.0);
            let capacity = match cap.get_ref() {
                DeValue::Table(ct) => {
                    self.cx.check_keys(ct, &["capacity", "cost"], "a piece of equipment");
                    if let Some(c) = get(ct, "cost") {
                        let what = format!("the cost of `{}`", k.get_ref());
                        cost = self.cost(c, &what, "{ capacity = 2, cost = 5 }");
                    }
                    match get(ct, "capacity") {
                        Some(c) => self.cx.int(c, "`capacity`", 0, u32::MAX as i64, "capacity = 2"),
                        None => {
                            self.cx.error(
                                cap.span(),
                                format!("equipment `{}` has no capacity", k.get_ref()),
                                "missing `capacity`",
                                Some("write it like `{ capacity = 2 }`".into()),
                            );
                            None
                        }
                    }
                }
                _ => self.cx.int(
                    cap,
                    &format!("the capacity of `{}`", k.get_ref()),
                    0,
                    u32::MAX as i64,
                    &format!("{} = 2", k.get_ref()),
                ),
            };
            match (capacity, cost) {
                (Some(capacity), Some(cost)) if clean => parts.equipment.push(Equipment {
                    name: k.get_ref().to_string(),
                    capacity: capacity as u32,
                    cost,
                }),
                _ => parts.complete = false,
            }
        }
        for (ix, e) in parts.equipment.iter().enumerate() {
            parts.equipment_ix.entry(e.name.clone()).or_insert(ix as EquipIx);
        }
    }

    /// A cost: a finite number that is at least 0.
    fn cost(&mut self, v: &Value, what: &str, example: &str) -> Option<f64> {
        let x = self.cx.number(v, what, example)?;
        if x.is_finite() && x >= 0.0 {
            return Some(x);
        }
        self.cx.error(
            v.span(),
            format!("{what} must be a finite number of at least 0, found {}", self.cx.src[v.span()].trim()),
            "not a cost",
            Some(format!("write it like `{example}`")),
        );
        None
    }
}
