//! [`Scenario::check`]: the invariants documented on the model, for a scenario built
//! or changed in code. The loader reports a file's problems at their line and
//! column; a scenario that did not come from a file (or was changed since) is
//! checked here, by its fields, before a run relies on it.

use std::fmt;

use super::{Arrivals, Customers, Dist, Policy, Scenario};
use crate::scenario::generate::{
    MAX_AT_ONCE, MAX_GROUP, MAX_UNCOUNTED, at_once, expected_customers, whole_sizes,
};
use crate::time::{MAX_TICKS, TimeUnit};

/// A scenario built or changed in code that breaks the model's invariants: every
/// problem, each naming the field (`kitchen.cooks`, `recipes.lunch.steps[1].after`)
/// and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// The scenario's name.
    pub scenario: String,
    /// Each problem, in the order of the scenario's fields.
    pub problems: Vec<String>,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "the scenario `{}` cannot run: {n} problem{}",
            self.scenario,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ModelError {}

impl Scenario {
    /// Checks the invariants the model's documentation states and the engine relies
    /// on: names without control characters (a terminal would obey them); at least
    /// one cook; equipment of capacity 1 or more; a non-empty menu whose
    /// items name recipes that exist; recipes with steps, each `after` naming an
    /// earlier step and `uses` a piece of equipment that exists; distributions whose
    /// parameters make sense (finite, not negative, within the longest time a run can
    /// count); customers who order items that exist, with one value per option; and
    /// generators that stop and do not let in more customers at one instant than a
    /// run can hold.
    ///
    /// A scenario the loader made passes. One built or changed in code should be
    /// checked before it runs: the operations ([`crate::ops`]) check it and refuse it
    /// with this error; [`crate::engine::run`] does not, and may panic, loop for ever
    /// or give wrong numbers on a scenario that fails.
    ///
    /// ```
    /// use async_cafe::builtin;
    ///
    /// let mut lunch = builtin::find("lunch").unwrap().load().unwrap();
    /// assert!(lunch.check().is_ok());
    /// lunch.kitchen.cooks = 0;
    /// lunch.menu.recipes[0].steps[0].after = vec![0];
    /// let e = lunch.check().unwrap_err();
    /// assert_eq!(e.problems.len(), 2);
    /// assert_eq!(e.problems[0], "kitchen.cooks is 0: a kitchen needs at least one cook");
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ModelError`] with every problem found.
    pub fn check(&self) -> Result<(), ModelError> {
        let mut c = Checker { unit: self.unit, problems: Vec::new() };
        c.scenario(self);
        if c.problems.is_empty() {
            Ok(())
        } else {
            Err(ModelError { scenario: self.name.clone(), problems: c.problems })
        }
    }
}

struct Checker {
    unit: TimeUnit,
    problems: Vec<String>,
}

impl Checker {
    fn say(&mut self, problem: String) {
        self.problems.push(problem);
    }

    /// A name (`at`: where it is) with a control character in it, which a terminal
    /// would obey when the name is printed.
    fn name(&mut self, at: &str, name: &str) {
        if name.chars().any(crate::scenario::diag::forbidden) {
            let shown = crate::scenario::diag::printable(name);
            self.say(format!("{at} `{shown}` has a control character: a name is printed as it is, and a terminal would obey it"));
        }
    }

    fn names(&mut self, sc: &Scenario) {
        self.name("name", &sc.name);
        for (i, e) in sc.kitchen.equipment.iter().enumerate() {
            self.name(&format!("kitchen.equipment[{i}]"), &e.name);
        }
        for (i, item) in sc.menu.items.iter().enumerate() {
            self.name(&format!("menu.items[{i}]"), &item.name);
        }
        for (i, o) in sc.menu.options.iter().enumerate() {
            self.name(&format!("menu.options[{i}]"), &o.name);
            for (j, v) in o.values.iter().enumerate() {
                self.name(&format!("menu.options[{i}].values[{j}]"), v);
            }
        }
        for (i, r) in sc.menu.recipes.iter().enumerate() {
            self.name(&format!("recipes[{i}]"), &r.name);
            for (s, step) in r.steps.iter().enumerate() {
                self.name(&format!("recipes.{}.steps[{s}]", r.name), &step.name);
            }
        }
        if let Customers::List(list) = &sc.customers {
            for (i, c) in list.iter().enumerate() {
                if let Some(name) = &c.name {
                    self.name(&format!("customers[{i}].name"), name);
                }
            }
        }
    }

    fn scenario(&mut self, sc: &Scenario) {
        self.names(sc);
        if !(sc.speed.is_finite() && sc.speed > 0.0) {
            self.say(format!("speed is {}: it must be a positive number", sc.speed));
        }
        let k = &sc.kitchen;
        if k.cooks == 0 {
            self.say("kitchen.cooks is 0: a kitchen needs at least one cook".into());
        }
        if !(k.cook_cost.is_finite() && k.cook_cost >= 0.0) {
            self.say(format!("kitchen.cook_cost is {}: it must be a number of at least 0", k.cook_cost));
        }
        for (i, e) in k.equipment.iter().enumerate() {
            let at = format!("kitchen.equipment[{i}] (`{}`)", e.name);
            if e.capacity == 0 {
                self.say(format!("{at}.capacity is 0: no step could use it; give it at least 1"));
            }
            if !(e.cost.is_finite() && e.cost >= 0.0) {
                self.say(format!("{at}.cost is {}: it must be a number of at least 0", e.cost));
            }
            if k.equipment[..i].iter().any(|o| o.name == e.name) {
                self.say(format!("{at}: the name is given twice"));
            }
        }
        if k.policy == Policy::Planned && k.plan.is_none() {
            self.say("kitchen.policy is `planned` without a kitchen.plan to follow".into());
        }
        let menu = &sc.menu;
        if menu.items.is_empty() {
            self.say("menu.items is empty: customers need something to order".into());
        }
        for (i, item) in menu.items.iter().enumerate() {
            if usize::from(item.recipe) >= menu.recipes.len() {
                self.say(format!(
                    "menu.items[{i}] (`{}`).recipe is {}, but there are {} recipes",
                    item.name,
                    item.recipe,
                    menu.recipes.len()
                ));
            }
        }
        for (i, o) in menu.options.iter().enumerate() {
            if o.values.is_empty() {
                self.say(format!("menu.options[{i}] (`{}`) has no values", o.name));
            }
        }
        for r in &menu.recipes {
            if r.steps.is_empty() {
                self.say(format!("recipes.{}.steps is empty: a recipe needs a step", r.name));
            }
            for (s, step) in r.steps.iter().enumerate() {
                let at = format!("recipes.{}.steps[{s}] (`{}`)", r.name, step.name);
                for &a in &step.after {
                    if usize::from(a) >= s {
                        self.say(format!(
                            "{at}.after names step {a}: a step can only come after an earlier step of its recipe"
                        ));
                    }
                }
                if let Some(e) = step.uses.filter(|&e| usize::from(e) >= k.equipment.len()) {
                    self.say(format!(
                        "{at}.uses is {e}, but the kitchen has {} pieces of equipment",
                        k.equipment.len()
                    ));
                }
                self.dist(&format!("{at}.duration"), &step.duration, false);
            }
        }
        if let Some(p) = &sc.patience {
            self.dist("patience", p, false);
        }
        match &sc.customers {
            Customers::List(list) => {
                for (i, c) in list.iter().enumerate() {
                    let at = format!("customers[{i}]");
                    let Some(item) = menu.items.get(usize::from(c.item)) else {
                        self.say(format!(
                            "{at}.item is {}, but the menu has {} items",
                            c.item,
                            menu.items.len()
                        ));
                        continue;
                    };
                    if c.arrival > MAX_TICKS {
                        self.say(format!("{at}.arrival is past the longest time a run can count"));
                    }
                    if i > 0 && c.arrival < list[i - 1].arrival {
                        self.say(format!(
                            "{at}.arrival is before the customer listed before: the list is in arrival order"
                        ));
                    }
                    if c.options.len() != menu.options.len() {
                        self.say(format!(
                            "{at}.options has {} values for the menu's {} options",
                            c.options.len(),
                            menu.options.len()
                        ));
                    }
                    for (o, &v) in menu.options.iter().zip(&c.options) {
                        if usize::from(v) >= o.values.len() {
                            self.say(format!("{at}.options: `{}` has no value {v}", o.name));
                        }
                    }
                    let steps = menu.recipes.get(usize::from(item.recipe)).map_or(0, |r| r.steps.len());
                    for &(s, d) in &c.durations {
                        if usize::from(s) >= steps {
                            self.say(format!(
                                "{at}.durations names step {s}, but `{}` has {steps}",
                                item.name
                            ));
                        }
                        if d > MAX_TICKS {
                            self.say(format!(
                                "{at}.durations: step {s} ends past the longest time a run can count"
                            ));
                        }
                    }
                }
            }
            Customers::Generate(g) => {
                if g.count.is_none() && g.until.is_none() {
                    self.say(
                        "customers.generate has neither a count nor an until: it would never stop".into(),
                    );
                }
                if g.mix.is_empty() {
                    self.say("customers.generate.mix is empty: customers need something to order".into());
                }
                for &(item, w) in &g.mix {
                    if usize::from(item) >= menu.items.len() {
                        self.say(format!(
                            "customers.generate.mix names item {item}, but the menu has {}",
                            menu.items.len()
                        ));
                    }
                    if !(w.is_finite() && w > 0.0) {
                        self.say(format!(
                            "customers.generate.mix: a weight is {w}: it must be a positive number"
                        ));
                    }
                }
                match &g.arrivals {
                    Arrivals::Interarrival(d) => self.dist("customers.generate.interarrival", d, false),
                    Arrivals::Schedule(pieces) => {
                        if pieces.is_empty() {
                            self.say("customers.generate.schedule is empty".into());
                        }
                        for (i, p) in pieces.iter().enumerate() {
                            let at = format!("customers.generate.schedule[{i}]");
                            if !(p.rate.is_finite() && p.rate >= 0.0) {
                                self.say(format!(
                                    "{at}.rate is {}: it must be a number of at least 0",
                                    p.rate
                                ));
                            }
                            match (p.until, pieces.get(i + 1)) {
                                (None, Some(_)) => {
                                    self.say(format!("{at}.until is open, but a piece follows"))
                                }
                                (Some(u), Some(next)) if next.until.is_some_and(|n| n <= u) => {
                                    self.say(format!("{at}: the next piece's until is not later"));
                                }
                                _ => {}
                            }
                        }
                    }
                }
                if let Some(group) = &g.group {
                    self.dist("customers.generate.group", group, true);
                }
                if self.problems.is_empty() {
                    // The loader's limits on how many come: they stop, and fit in memory.
                    if let (None, Some(until)) = (g.count, g.until) {
                        let expected = expected_customers(
                            &g.arrivals,
                            g.group.as_ref(),
                            g.first_arrival,
                            until,
                            self.unit,
                        );
                        if expected.is_nan() || expected > MAX_UNCOUNTED {
                            self.say(format!(
                                "customers.generate: about {expected:.3e} customers are expected before `until`, more than the {MAX_UNCOUNTED:.0e} a generator without a `count` may let in"
                            ));
                        }
                    }
                    let (_, at_once) = at_once(g.count, &g.arrivals, g.group.as_ref(), self.unit);
                    if at_once > MAX_AT_ONCE as f64 {
                        self.say(format!(
                            "customers.generate: about {at_once:.3e} customers would come in at one instant, more than the {MAX_AT_ONCE} a run can hold at once"
                        ));
                    }
                }
            }
        }
    }

    /// A distribution's parameters: finite, not negative, means within the longest
    /// time a run can count (for times; `counts`: group sizes, whole and at least 1).
    fn dist(&mut self, at: &str, d: &Dist, counts: bool) {
        let max = if counts { MAX_GROUP as f64 } else { self.unit.max_amount() };
        let ok = |x: f64| x.is_finite() && (0.0..=max).contains(&x);
        let problem: Option<String> = match d {
            Dist::Fixed(x) if !ok(*x) => Some(format!("a fixed {x}")),
            Dist::UniformInt { min, max: hi } if *min < 0 || min > hi || !ok(*hi as f64) => {
                Some(format!("a whole number from {min} to {hi}"))
            }
            Dist::Uniform { min, max: hi } if !(ok(*min) && ok(*hi) && min <= hi) => {
                Some(format!("uniform from {min} to {hi}"))
            }
            Dist::Exponential { mean } if !(ok(*mean) && *mean > 0.0) => {
                Some(format!("exponential of mean {mean}"))
            }
            Dist::Normal { mean, sd } if !(ok(*mean) && sd.is_finite() && *sd >= 0.0) => {
                Some(format!("normal of mean {mean} and sd {sd}"))
            }
            Dist::LogNormal { mean, sd }
                if !(ok(*mean) && *mean > 0.0 && sd.is_finite() && *sd >= 0.0 && sd / mean <= 1e150) =>
            {
                Some(format!("lognormal of mean {mean} and sd {sd}"))
            }
            Dist::Triangular { min, mode, max: hi }
                if !(ok(*min) && ok(*hi) && min <= mode && mode <= hi) =>
            {
                Some(format!("triangular from {min} through {mode} to {hi}"))
            }
            Dist::Gamma { shape, scale }
                if !(shape.is_finite()
                    && *shape > 0.0
                    && scale.is_finite()
                    && *scale > 0.0
                    && ok(shape * scale)) =>
            {
                Some(format!("gamma of shape {shape} and scale {scale}"))
            }
            Dist::Empirical(e) => {
                let mut last = 0.0;
                let fine = !e.cumulative.is_empty()
                    && e.cumulative.iter().all(|&(v, c)| {
                        let up = c.is_finite() && c > last;
                        last = c;
                        ok(v) && up
                    });
                (!fine).then(|| {
                    "empirical with no values, a value out of range or a weight not positive".to_string()
                })
            }
            _ => None,
        };
        if let Some(p) = problem {
            let what = if counts {
                format!("whole numbers from 1 to {MAX_GROUP}")
            } else {
                "finite, not negative, and within the longest time a run can count".into()
            };
            self.say(format!("{at} is {p}: its parameters must be {what}"));
            return;
        }
        if counts && !whole_sizes(d) {
            self.say(format!(
                "{at}: a group size must be a whole number of at least 1 (fixed, uniform_int or empirical)"
            ));
        }
    }
}
