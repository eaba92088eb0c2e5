//! `[narrative]` (docs/scenario-format.md, "`[narrative]`"): the lines printed at each
//! moment, and the `on_*` lines of recipes and steps.

use toml::de::DeTable;

use super::Loader;
use super::reader::{Value, get};
use crate::model::*;
use crate::template::{self, Hook, Lines, Names};

const NARRATIVE_KEYS: &[&str] = &[
    "service_start",
    "arrival",
    "step_start",
    "step_finish",
    "served",
    "left",
    "balked",
    "between",
    "service_end",
];

impl Loader<'_, '_, '_> {
    pub(super) fn lines(&mut self, v: &Value, what: &str, hook: Hook, names: &Names) -> Option<Lines> {
        let raw = self.cx.lines(v, what)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (text, map, whole) in raw {
            if !self.cx.clean_line(&text, map.as_deref(), whole.clone(), &format!("a line of {what}")) {
                ok = false;
                continue;
            }
            match template::parse(&text, hook, names) {
                Ok(t) => out.push(t),
                Err(errors) => {
                    ok = false;
                    for e in errors {
                        let span = match &map {
                            Some(map) => map[e.offset]..map[e.offset + e.len],
                            None => whole.clone(),
                        };
                        self.cx.error(span, e.message, "here", Some(e.help));
                    }
                }
            }
        }
        ok.then_some(Lines(out))
    }

    pub(super) fn optional_lines(
        &mut self,
        t: &DeTable,
        key: &str,
        what: &str,
        hook: Hook,
        names: &Names,
    ) -> Option<Option<Lines>> {
        match get(t, key) {
            None => Some(None),
            Some(v) => self.lines(v, what, hook, names).map(Some),
        }
    }

    pub(super) fn narrative(&mut self, v: Option<&Value>, names: &Names) -> Option<Narrative> {
        let mut n = Narrative::default();
        let Some(v) = v else { return Some(n) };
        let t = self.cx.table(v, "`narrative`", "[narrative]")?;
        self.cx.check_keys(t, NARRATIVE_KEYS, "[narrative]");
        let mut ok = true;
        let hooks = [
            (Hook::ServiceStart, &mut n.service_start),
            (Hook::Arrival, &mut n.arrival),
            (Hook::StepStart, &mut n.step_start),
            (Hook::StepFinish, &mut n.step_finish),
            (Hook::Served, &mut n.served),
            (Hook::Left, &mut n.left),
            (Hook::Balked, &mut n.balked),
            (Hook::Between, &mut n.between),
            (Hook::ServiceEnd, &mut n.service_end),
        ];
        for (hook, slot) in hooks {
            if let Some(lv) = get(t, hook.name()) {
                match self.lines(lv, &format!("`narrative.{}`", hook.name()), hook, names) {
                    Some(lines) => *slot = lines,
                    None => ok = false,
                }
            }
        }
        ok.then_some(n)
    }
}
