//! `[recipes]` (docs/scenario-format.md, "`[recipes]`"): recipes and their steps, the
//! equipment steps use, and the order `after` gives them (with the cycle check).

use std::collections::HashMap;
use std::ops::Range;

use super::Loader;
use super::kitchen::KitchenParts;
use super::reader::{Cx, Value, get};
use crate::model::*;
use crate::template::{Hook, Names};
use crate::time::TimeUnit;

const RECIPE_KEYS: &[&str] = &["steps", "on_arrival", "on_served"];
/// The most steps a recipe can have: steps are numbered from 0 by a `StepIx`, and the
/// engine keeps its largest value to mean "no step".
const MAX_STEPS: usize = StepIx::MAX as usize;
const STEP_KEYS: &[&str] = &["name", "kind", "duration", "uses", "after", "result", "on_start", "on_finish"];
const RECIPE_MOVED: &[(&str, &str)] = &[
    ("name", "a step, under `[[recipes.NAME.steps]]`"),
    ("kind", "a step, under `[[recipes.NAME.steps]]`"),
    ("duration", "a step, under `[[recipes.NAME.steps]]`"),
    ("uses", "a step, under `[[recipes.NAME.steps]]`"),
    ("after", "a step, under `[[recipes.NAME.steps]]`"),
    ("result", "a step, under `[[recipes.NAME.steps]]`"),
    ("on_start", "a step, under `[[recipes.NAME.steps]]`"),
    ("on_finish", "a step, under `[[recipes.NAME.steps]]`"),
];
const STEP_MOVED: &[(&str, &str)] = &[
    ("on_arrival", "the recipe, under `[recipes.NAME]`"),
    ("on_served", "the recipe, under `[recipes.NAME]`"),
];

/// A recipe's steps as read, before `after` names are resolved.
struct RawStep<'v, 'i> {
    name: String,
    name_span: Range<usize>,
    after: Option<&'v Value<'i>>,
}

impl Loader<'_, '_, '_> {
    /// Every recipe by name, each read as far as it could be (None for one with
    /// problems); None when there is no `recipes` table at all.
    pub(super) fn recipes(
        &mut self,
        v: Option<&Value>,
        unit: TimeUnit,
        kitchen: &KitchenParts,
        names: &Names,
    ) -> Option<Vec<(String, Option<Recipe>)>> {
        let Some(v) = v else {
            self.cx.error_in_file(
                "the scenario has no recipes",
                Some(
                    "add a `[recipes.NAME]` table with `[[recipes.NAME.steps]]`; see docs/scenario-format.md"
                        .into(),
                ),
            );
            return None;
        };
        let t = self.cx.table(v, "`recipes`", "[recipes.coffee]")?;
        if t.is_empty() {
            self.cx.error(
                v.span(),
                "`recipes` is empty",
                "no recipes",
                Some("add a recipe, like `[recipes.coffee]` with `[[recipes.coffee.steps]]`".into()),
            );
            return None;
        }
        let mut out = Vec::new();
        for (k, rv) in t.iter() {
            let clean = self.cx.clean_name(k.get_ref(), k.span(), "a recipe's name");
            let recipe = self.recipe(k.get_ref(), rv, unit, kitchen, names);
            out.push((k.get_ref().to_string(), recipe.filter(|_| clean)));
        }
        Some(out)
    }

    fn recipe(
        &mut self,
        name: &str,
        v: &Value,
        unit: TimeUnit,
        kitchen: &KitchenParts,
        names: &Names,
    ) -> Option<Recipe> {
        let place = format!("recipe `{name}`");
        let t = self.cx.table(v, &format!("`recipes.{name}`"), &format!("[recipes.{name}]"))?;
        self.cx.check_keys_moved(t, RECIPE_KEYS, &place, RECIPE_MOVED);
        let on_arrival = self.optional_lines(t, "on_arrival", "`on_arrival`", Hook::Arrival, names);
        let on_served = self.optional_lines(t, "on_served", "`on_served`", Hook::Served, names);
        let Some(sv) = get(t, "steps") else {
            self.cx.error(
                v.span(),
                format!("{place} has no steps"),
                "no `steps`",
                Some(format!("add steps like `[[recipes.{name}.steps]]` with `name`, `kind` and `duration`")),
            );
            return None;
        };
        let arr = self.cx.array(sv, &format!("`steps` of {place}"), "[[recipes.coffee.steps]]")?;
        if arr.is_empty() {
            self.cx.error(
                sv.span(),
                format!("{place} has no steps"),
                "empty",
                Some("a recipe needs at least one step".into()),
            );
            return None;
        }
        if arr.len() > MAX_STEPS {
            self.cx.error(
                sv.span(),
                format!("{place} has {} steps, more than the {MAX_STEPS} a recipe can have", arr.len()),
                "too many steps",
                Some("split the work into fewer, longer steps, or into several recipes".into()),
            );
            return None;
        }
        let mut steps = Vec::new();
        let mut raw: Vec<Option<RawStep>> = Vec::new();
        let mut unique = true;
        let mut seen = std::collections::HashSet::new();
        for (i, st) in arr.iter().enumerate() {
            let (step, r) = self.step(name, i, st, unit, kitchen, names);
            if let Some(r) = &r {
                if !seen.insert(r.name.clone()) {
                    self.cx.error(
                        r.name_span.clone(),
                        format!("{place} has two steps named `{}`", r.name),
                        "duplicate name",
                        Some("give every step of a recipe its own name".into()),
                    );
                    unique = false;
                }
            }
            steps.push(step);
            raw.push(r);
        }
        // `after` is checked as soon as every step's name is known, even when a step
        // has other problems (or two steps have one name).
        let raw: Option<Vec<RawStep>> = raw.into_iter().collect();
        let afters = raw.and_then(|raw| self.resolve_after(&place, &raw, unique));
        let mut steps: Vec<Step> = steps.into_iter().collect::<Option<_>>()?;
        for (step, after) in steps.iter_mut().zip(afters?) {
            step.after = after;
        }
        Some(Recipe { name: name.to_string(), steps, on_arrival: on_arrival?, on_served: on_served? })
    }

    /// One step, and its name and `after` when they could be read (even if the step
    /// has other problems).
    fn step<'v, 'i>(
        &mut self,
        recipe: &str,
        index: usize,
        v: &'v Value<'i>,
        unit: TimeUnit,
        kitchen: &KitchenParts,
        names: &Names,
    ) -> (Option<Step>, Option<RawStep<'v, 'i>>) {
        let Some(t) = self.cx.table(v, "a step", "{ name = \"boil\", kind = \"unattended\", duration = 3 }")
        else {
            return (None, None);
        };
        let place = format!("step {} of recipe `{recipe}`", index + 1);
        self.cx.check_keys_moved(t, STEP_KEYS, &place, STEP_MOVED);
        let missing = |cx: &mut Cx, field: &str, example: &str| {
            if Cx::misspelled(t, STEP_KEYS, field) {
                return;
            }
            cx.error(
                v.span(),
                format!("{place} has no `{field}`"),
                format!("missing `{field}`"),
                Some(format!("add `{example}`")),
            );
        };
        let mut clean = true;
        let name = match get(t, "name") {
            Some(n) => self.cx.str(n, "`name`", "name = \"boil\"").map(|s| {
                clean = self.cx.clean_name(s, n.span(), "a step's name");
                (s.to_string(), n.span())
            }),
            None => {
                missing(self.cx, "name", "name = \"boil\"");
                None
            }
        };
        let kind = match get(t, "kind") {
            Some(k) => self.step_kind(k),
            None => {
                missing(self.cx, "kind", "kind = \"hands-on\"");
                None
            }
        };
        let duration = match get(t, "duration") {
            Some(d) => self.dist(d, "duration", unit),
            None => {
                missing(self.cx, "duration", "duration = 3");
                None
            }
        };
        let uses = match get(t, "uses") {
            None => Some(None),
            Some(u) => match self.cx.str(u, "`uses`", "uses = \"stove\"") {
                Some(e) => self.uses(e, u.span(), kitchen),
                None => None,
            },
        };
        let result = match get(t, "result") {
            None => Some(None),
            Some(r) => (self.cx.str(r, "`result`", "result = \"Boiled water\""))
                .filter(|s| self.cx.clean_name(s, r.span(), "a step's `result`"))
                .map(|s| Some(s.to_string())),
        };
        let on_start = self.optional_lines(t, "on_start", "`on_start`", Hook::StepStart, names);
        let on_finish = self.optional_lines(t, "on_finish", "`on_finish`", Hook::StepFinish, names);
        let raw = name.map(|(name, name_span)| RawStep { name, name_span, after: get(t, "after") });
        let step = (|| {
            clean.then_some(())?;
            Some(Step {
                name: raw.as_ref()?.name.clone(),
                kind: kind?,
                duration: duration?,
                uses: uses?,
                after: Vec::new(),
                result: result?,
                on_start: on_start?,
                on_finish: on_finish?,
            })
        })();
        (step, raw)
    }

    /// A step's `kind`: hands-on or unattended.
    fn step_kind(&mut self, k: &Value) -> Option<StepKind> {
        match self.cx.str(k, "`kind`", "kind = \"hands-on\"")? {
            "hands-on" => Some(StepKind::HandsOn),
            "unattended" => Some(StepKind::Unattended),
            other => {
                let help = match crate::suggest::closest(other, ["hands-on", "unattended"]) {
                    Some(s) => format!(
                        "did you mean `{s}`? A step is `hands-on` (it occupies a cook) or `unattended` (a machine or timer works)"
                    ),
                    None => {
                        "a step is `hands-on` (it occupies a cook) or `unattended` (a machine or timer works)"
                            .into()
                    }
                };
                self.cx.error(k.span(), format!("unknown step kind `{other}`"), "unknown kind", Some(help));
                None
            }
        }
    }

    /// The equipment a step `uses`: `Some(Some(ix))`, or None after a problem.
    fn uses(&mut self, e: &str, span: Range<usize>, kitchen: &KitchenParts) -> Option<Option<EquipIx>> {
        let equipment = &kitchen.equipment;
        if let Some(&ix) = kitchen.equipment_ix.get(e) {
            if equipment[ix as usize].capacity == 0 {
                self.cx.error(
                    span,
                    format!("`{e}` has capacity 0, so this step could never start"),
                    "no capacity",
                    Some(format!("give `{e}` a capacity of at least 1 in [kitchen.equipment]")),
                );
                return None;
            }
            return Some(Some(ix));
        }
        let Some(declared) = &kitchen.declared else {
            // The equipment table could not be read (that is reported): `e` may be in it.
            return None;
        };
        if declared.iter().any(|d| d == e) {
            // Declared, but its entry has a problem, which is reported.
            return None;
        }
        let names: Vec<&str> = declared.iter().map(String::as_str).collect();
        let help = match crate::suggest::closest(e, names.iter().copied()) {
            _ if names.is_empty() => format!("declare it in [kitchen], like `equipment = {{ {e} = 1 }}`"),
            Some(s) => format!(
                "did you mean `{s}`? The kitchen has: {}; or declare `{e}` in [kitchen.equipment]",
                names.join(", ")
            ),
            None => format!("the kitchen has: {}; or declare `{e}` in [kitchen.equipment]", names.join(", ")),
        };
        self.cx.error(span, format!("unknown equipment `{e}`"), "not in the kitchen", Some(help));
        None
    }

    /// Resolves `after` names into each step's dependencies; a step without `after`
    /// follows the previous one. When two steps share a name (`unique` is false, and
    /// that is reported), only names that are no step's are reported: which of the
    /// two an `after` means cannot be known, nor so the cycles and the order.
    fn resolve_after(&mut self, place: &str, raw: &[RawStep], unique: bool) -> Option<Vec<Vec<StepIx>>> {
        let index: HashMap<&str, usize> = raw.iter().enumerate().map(|(i, r)| (r.name.as_str(), i)).collect();
        let mut ok = true;
        // (after-name span) per edge, for messages.
        let mut edges: Vec<Vec<(usize, Range<usize>)>> = vec![Vec::new(); raw.len()];
        // `waits[j] == i + 1` when step `i` already waits for step `j`.
        let mut waits = vec![0; raw.len()];
        for (i, r) in raw.iter().enumerate() {
            let Some(av) = r.after else {
                if i > 0 {
                    edges[i].push((i - 1, r.name_span.clone()));
                }
                continue;
            };
            let Some(arr) = self.cx.array(av, "`after`", "after = [\"boil\", \"grind\"]") else {
                ok = false;
                continue;
            };
            for a in arr.iter() {
                let Some(name) = self.cx.str(a, "each name in `after`", "\"boil\"") else {
                    ok = false;
                    continue;
                };
                match index.get(name) {
                    // Which of the steps of that name is meant is not known.
                    Some(_) if !unique => {}
                    Some(&j) => {
                        if std::mem::replace(&mut waits[j], i + 1) == i + 1 {
                            self.cx.error(
                                a.span(),
                                format!("`{}` waits for `{name}` twice", r.name),
                                "repeated",
                                Some("name each step once in `after`".into()),
                            );
                            ok = false;
                        } else {
                            edges[i].push((j, a.span()));
                        }
                    }
                    None => {
                        let steps = raw.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ");
                        let help = match crate::suggest::closest(name, raw.iter().map(|r| r.name.as_str())) {
                            Some(s) => format!("did you mean `{s}`? The steps of {place} are: {steps}"),
                            None => format!("the steps of {place} are: {steps}"),
                        };
                        self.cx.error(
                            a.span(),
                            format!("`{}` waits for unknown step `{name}`", r.name),
                            "no such step",
                            Some(help),
                        );
                        ok = false;
                    }
                }
            }
        }
        if !unique {
            return None;
        }
        // Every cycle among the steps found (an unknown one is left out): each is
        // reported at the `after` name that looks forward, which is then left out to
        // look for the next, so that every problem is said at once.
        let mut cycles = false;
        while let Some(cycle) = find_cycle(&edges) {
            let (from, to) = self.report_cycle(place, raw, &edges, &cycle);
            edges[from].retain(|(j, _)| *j != to);
            cycles = true;
        }
        if cycles {
            // Each cycle's message says how to order its steps: the steps waiting
            // for later ones that are left are not said again, one by one.
            return None;
        }
        for (i, r) in raw.iter().enumerate() {
            for (j, span) in &edges[i] {
                if *j > i {
                    self.cx.error(
                        span.clone(),
                        format!("`{}` waits for `{}`, which comes later in the recipe", r.name, raw[*j].name),
                        "later step",
                        Some(format!(
                            "list `{}` before `{}` in the recipe: a step can only wait for steps listed before it",
                            raw[*j].name, r.name
                        )),
                    );
                    ok = false;
                }
            }
        }
        ok.then(|| edges.iter().map(|e| e.iter().map(|(j, _)| *j as StepIx).collect()).collect())
    }

    /// Reports a cycle of steps (`cycle[k]` waits for `cycle[k + 1]`, the last for the
    /// first), pointing at the `after` name that looks forward in the recipe: every
    /// cycle has one, since steps without `after` wait for the step before them.
    /// Returns that edge: (the step, the step it waits for).
    fn report_cycle(
        &mut self,
        place: &str,
        raw: &[RawStep],
        edges: &[Vec<(usize, Range<usize>)>],
        cycle: &[usize],
    ) -> (usize, usize) {
        let edge = |k: usize| (cycle[k], cycle[(k + 1) % cycle.len()]);
        let (from, to) = (0..cycle.len()).map(edge).find(|(i, j)| j >= i).expect("a cycle looks forward");
        let span = edges[from].iter().find(|(j, _)| *j == to).map(|(_, s)| s.clone()).expect("an edge");
        if from == to {
            let name = &raw[from].name;
            self.cx.error(
                span,
                format!("step `{name}` of {place} waits for itself"),
                "itself",
                Some(format!("remove `{name}` from its own `after`")),
            );
            return (from, to);
        }
        let mut chain: Vec<String> = cycle.iter().map(|&i| format!("`{}`", raw[i].name)).collect();
        chain.push(chain[0].clone());
        let implicit: Vec<String> = cycle
            .iter()
            .filter(|&&i| raw[i].after.is_none())
            .map(|&i| format!("`{}`", raw[i].name))
            .collect();
        let note = match implicit.len() {
            0 => String::new(),
            1 => format!("; {} has no `after`, so it waits for the step before it", implicit[0]),
            _ => format!("; {} have no `after`, so each waits for the step before it", and_list(&implicit)),
        };
        let (a, b) = (&raw[from].name, &raw[to].name);
        self.cx.error(
            span,
            format!("the steps of {place} wait for each other in a cycle: {}", chain.join(" → ")),
            format!("`{b}` comes later in the recipe"),
            Some(format!(
                "→ means \"waits for\"{note}. Remove `{b}` from the `after` of `{a}`, or list `{b}` before `{a}`: a step can only wait for earlier steps"
            )),
        );
        (from, to)
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A cycle in the `after` graph (`edges[i]` = steps `i` waits for), as step indices.
/// Depth-first with a stack of its own, not recursion: a recipe of 65,535 steps
/// waiting for each other would overflow the thread's stack.
fn find_cycle(edges: &[Vec<(usize, Range<usize>)>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Closed,
    }
    let mut marks = vec![Mark::New; edges.len()];
    // The open steps, each with how many of its edges have been followed.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..edges.len() {
        if marks[root] != Mark::New {
            continue;
        }
        marks[root] = Mark::Open;
        stack.push((root, 0));
        while let Some((i, next)) = stack.last_mut() {
            let i = *i;
            let Some((j, _)) = edges[i].get(*next) else {
                marks[i] = Mark::Closed;
                stack.pop();
                continue;
            };
            *next += 1;
            match marks[*j] {
                Mark::Open => {
                    let from = stack.iter().position(|(s, _)| s == j).expect("open nodes are on the stack");
                    return Some(stack[from..].iter().map(|(s, _)| *s).collect());
                }
                Mark::New => {
                    marks[*j] = Mark::Open;
                    stack.push((*j, 0));
                }
                Mark::Closed => {}
            }
        }
    }
    None
}
