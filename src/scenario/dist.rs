//! Durations and distributions (docs/scenario-format.md, "Durations and
//! distributions"): a fixed number or a distribution table, and times in the
//! scenario's unit.

use toml::de::{DeTable, DeValue};

use super::Loader;
use super::reader::{self, Cx, Value, get};
use crate::model::*;
use crate::time::{TimeUnit, short};

/// The largest sd / mean of a lognormal: beyond it, (sd / mean)² is not finite.
const MAX_LOGNORMAL_CV: f64 = 1e150;

/// Every distribution: its name, its parameters (`?`: optional), and an example.
const DISTRIBUTIONS: &[(&str, &[&str], &str)] = &[
    ("uniform_int", &["min", "max"], "{ dist = \"uniform_int\", min = 1, max = 5 }"),
    ("uniform", &["min", "max"], "{ dist = \"uniform\", min = 0.5, max = 1.5 }"),
    ("exponential", &["mean"], "{ dist = \"exponential\", mean = 2 }"),
    ("normal", &["mean", "sd"], "{ dist = \"normal\", mean = 3, sd = 0.5 }"),
    ("lognormal", &["mean", "sd"], "{ dist = \"lognormal\", mean = 3, sd = 1 }"),
    ("triangular", &["min", "mode", "max"], "{ dist = \"triangular\", min = 1, mode = 2, max = 4 }"),
    ("gamma", &["shape", "scale"], "{ dist = \"gamma\", shape = 2, scale = 1.5 }"),
    (
        "empirical",
        &["values", "weights?"],
        "{ dist = \"empirical\", values = [1, 2, 5], weights = [5, 3, 1] }",
    ),
];

impl Loader<'_, '_, '_> {
    /// A duration or interarrival time (field `key`): a number, or a distribution table.
    pub(super) fn dist(&mut self, v: &Value, key: &str, unit: TimeUnit) -> Option<Dist> {
        let what = &format!("`{key}`");
        let example = "{ dist = \"uniform_int\", min = 1, max = 5 }";
        let counts = key == "group";
        if let DeValue::Table(t) = v.get_ref() {
            let Some(kind_v) = get(t, "dist") else {
                self.cx.error(
                    v.span(),
                    format!("{what} has no `dist`"),
                    "missing `dist`",
                    Some(format!("write a fixed number, or a distribution like `{example}`")),
                );
                return None;
            };
            let kind = self.cx.str(kind_v, "`dist`", "dist = \"uniform\"")?;
            let Some(&(_, params, example)) = DISTRIBUTIONS.iter().find(|d| d.0 == kind) else {
                let names: Vec<&str> = DISTRIBUTIONS.iter().map(|d| d.0).collect();
                let help = match crate::suggest::closest(kind, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? Distributions: {}", names.join(", ")),
                    None => format!("distributions: {}", names.join(", ")),
                };
                self.cx.error(kind_v.span(), format!("unknown distribution `{kind}`"), "unknown", Some(help));
                return None;
            };
            let mut keys = vec!["dist"];
            keys.extend(params.iter().map(|p| p.trim_end_matches('?')));
            self.cx.check_keys(t, &keys, &format!("a `{kind}` distribution"));
            let mut ok = true;
            let mut num = |cx: &mut Cx, key: &str| -> Option<f64> {
                let optional = params.iter().any(|p| *p == format!("{key}?"));
                match get(t, key) {
                    // `shape` has no unit; everything else is a time.
                    Some(b) if key == "shape" => match cx.number(b, "`shape`", "shape = 2") {
                        Some(x) if x.is_finite() && x > 0.0 => Some(x),
                        Some(_) => {
                            cx.error(
                                b.span(),
                                "`shape` must be a positive number",
                                "not positive",
                                Some(format!("write it like `{example}`")),
                            );
                            ok = false;
                            None
                        }
                        None => {
                            ok = false;
                            None
                        }
                    },
                    // Group sizes are counts (`group` checks their bounds).
                    Some(b) if counts => {
                        let x = cx.amount(b, &format!("`{key}`"), unit, &format!("{key} = 1"));
                        ok &= x.is_some();
                        x
                    }
                    Some(b) => {
                        let x = cx.time(b, &format!("`{key}`"), unit, &format!("{key} = 1"));
                        ok &= x.is_some();
                        x
                    }
                    None if optional => None,
                    None => {
                        cx.error(
                            v.span(),
                            format!("a `{kind}` distribution needs `{key}`"),
                            format!("missing `{key}`"),
                            Some(format!("write it like `{example}`")),
                        );
                        ok = false;
                        None
                    }
                }
            };
            let bad = |cx: &mut Cx, message: String, help: &str| {
                cx.error(
                    v.span(),
                    format!("{what}: {message}"),
                    "impossible distribution",
                    Some(help.to_string()),
                );
                None
            };
            match kind {
                "uniform_int" | "uniform" => {
                    let (min, max) = (num(self.cx, "min"), num(self.cx, "max"));
                    let (min, max) = (min?, max?);
                    if min > max {
                        return bad(
                            self.cx,
                            format!("`min` ({min}) is greater than `max` ({max})"),
                            "swap them",
                        );
                    }
                    if kind == "uniform" {
                        return Some(Dist::Uniform { min, max });
                    }
                    if min.fract() != 0.0 || max.fract() != 0.0 {
                        self.cx.error(
                            v.span(),
                            format!("{what}: a `uniform_int` distribution needs whole-number bounds"),
                            "not whole numbers",
                            Some("use `dist = \"uniform\"` for real numbers".into()),
                        );
                        return None;
                    }
                    Some(Dist::UniformInt { min: min as i64, max: max as i64 })
                }
                "exponential" => {
                    let mean = num(self.cx, "mean")?;
                    if mean == 0.0 {
                        return bad(
                            self.cx,
                            "an exponential distribution needs a mean above 0".into(),
                            "for always 0, write `0`",
                        );
                    }
                    Some(Dist::Exponential { mean })
                }
                "normal" | "lognormal" => {
                    let (mean, sd) = (num(self.cx, "mean"), num(self.cx, "sd"));
                    let (mean, sd) = (mean?, sd?);
                    if kind == "normal" {
                        return Some(Dist::Normal { mean, sd });
                    }
                    if mean == 0.0 {
                        return bad(
                            self.cx,
                            "a lognormal distribution needs a mean above 0".into(),
                            "for always 0, write `0`",
                        );
                    }
                    // The logarithm's spread is ln(1 + (sd/mean)²): finite only when
                    // the square is.
                    if sd / mean > MAX_LOGNORMAL_CV {
                        return bad(
                            self.cx,
                            format!(
                                "a lognormal distribution's sd ({}) is too large beside its mean ({})",
                                short(sd),
                                short(mean)
                            ),
                            "its sd can be at most 1e150 times its mean (beyond that its spread is not a number)",
                        );
                    }
                    Some(Dist::LogNormal { mean, sd })
                }
                "triangular" => {
                    let (min, mode, max) = (num(self.cx, "min"), num(self.cx, "mode"), num(self.cx, "max"));
                    let (min, mode, max) = (min?, mode?, max?);
                    if !(min <= mode && mode <= max) {
                        return bad(
                            self.cx,
                            format!(
                                "a triangular distribution needs min ≤ mode ≤ max, found {min}, {mode}, {max}"
                            ),
                            "put the mode (the most likely value) between min and max",
                        );
                    }
                    Some(Dist::Triangular { min, mode, max })
                }
                "gamma" => {
                    let (shape, scale) = (num(self.cx, "shape"), num(self.cx, "scale"));
                    let (shape, scale) = (shape?, scale?);
                    if scale == 0.0 {
                        return bad(
                            self.cx,
                            "a gamma distribution needs a scale above 0".into(),
                            "its mean is shape × scale",
                        );
                    }
                    if shape * scale > unit.max_amount() && !counts {
                        return bad(
                            self.cx,
                            format!(
                                "a gamma distribution's mean (shape × scale = {}) is more than {}, the longest time a run can count",
                                short(shape * scale),
                                unit.max_text()
                            ),
                            "its mean is shape × scale: make one of them smaller",
                        );
                    }
                    Some(Dist::Gamma { shape, scale })
                }
                _ => {
                    // "empirical": values, optional weights.
                    let values = self.amounts(t, "values", v, key, unit, true)?;
                    let weights = match get(t, "weights") {
                        None => None,
                        Some(w) => {
                            let arr = self.cx.array(w, "`weights`", "weights = [3, 1]")?;
                            let mut ws = Vec::new();
                            for x in arr.iter() {
                                match self.cx.number(x, "a weight", "weights = [3, 1]") {
                                    Some(n) if n.is_finite() && n > 0.0 => ws.push(n),
                                    Some(_) => {
                                        self.cx.error(
                                            x.span(),
                                            "a weight must be a positive number",
                                            "not a weight",
                                            Some("write it like `weights = [3, 1]`".into()),
                                        );
                                        return None;
                                    }
                                    None => return None,
                                }
                            }
                            if !ws.iter().sum::<f64>().is_finite() {
                                self.cx.error(
                                    w.span(),
                                    "the weights add up to more than the largest number (about 1.8e308)",
                                    "too large",
                                    Some(
                                        "only their ratios matter: scale them down, like `weights = [3, 1]`"
                                            .into(),
                                    ),
                                );
                                return None;
                            }
                            if ws.len() != values.len() {
                                self.cx.error(
                                    w.span(),
                                    format!("{} weights for {} values", ws.len(), values.len()),
                                    "one weight per value",
                                    Some(
                                        "give one weight per value, or leave `weights` out for equal weights"
                                            .into(),
                                    ),
                                );
                                return None;
                            }
                            Some(ws)
                        }
                    };
                    Some(Dist::Empirical(Empirical::new(&values, weights.as_deref())))
                }
            }
        } else if matches!(v.get_ref(), DeValue::Integer(_) | DeValue::Float(_)) {
            if counts {
                self.cx.amount(v, what, unit, &format!("{key} = 3")).map(Dist::Fixed)
            } else {
                self.cx.time(v, what, unit, &format!("{key} = 3")).map(Dist::Fixed)
            }
        } else {
            self.cx.error(
                v.span(),
                format!(
                    "{what} must be a number of {} or a distribution, found {}",
                    reader::unit_words(unit),
                    reader::describe(v.get_ref())
                ),
                "expected a number or a distribution",
                Some(format!("write it like `{key} = 3`, or draw it at random: `{key} = {example}`")),
            );
            None
        }
    }

    /// A non-empty array of times (`values` of an empirical distribution).
    fn amounts(
        &mut self,
        t: &DeTable,
        key: &str,
        owner: &Value,
        owner_key: &str,
        unit: TimeUnit,
        required: bool,
    ) -> Option<Vec<f64>> {
        let Some(a) = get(t, key) else {
            if required {
                self.cx.error(
                    owner.span(),
                    format!("an `empirical` distribution needs `{key}`"),
                    format!("missing `{key}`"),
                    Some(
                        "write it like `{ dist = \"empirical\", values = [1, 2, 5], weights = [5, 3, 1] }`"
                            .into(),
                    ),
                );
            }
            return None;
        };
        let arr = self.cx.array(a, &format!("`{key}`"), "values = [1, 2, 5]")?;
        if arr.is_empty() {
            self.cx.error(
                a.span(),
                format!("`{key}` is empty"),
                "empty",
                Some("list at least one value".into()),
            );
            return None;
        }
        let mut out = Vec::new();
        for x in arr.iter() {
            let value = match owner_key == "group" {
                true => self.cx.amount(x, "each value", unit, "values = [1, 2, 5]"),
                false => self.cx.time(x, "each value", unit, "values = [1, 2, 5]"),
            };
            out.push(value?);
        }
        Some(out)
    }
}

impl Cx<'_> {
    /// A time: a finite amount of `unit` from 0 to the longest time a run can count
    /// ([`MAX_TICKS`](crate::time::MAX_TICKS)).
    pub(super) fn time(&mut self, v: &Value, what: &str, unit: TimeUnit, example: &str) -> Option<f64> {
        let x = self.amount(v, what, unit, example)?;
        if x <= unit.max_amount() {
            return Some(x);
        }
        self.error(
            v.span(),
            format!(
                "{what} must be at most {}, the longest time a run can count, found {}",
                unit.max_text(),
                self.src[v.span()].trim()
            ),
            "too long",
            Some(format!(
                "a run counts time in nanoseconds up to {} (about 28 years): write a shorter time",
                TimeUnit::Hours.max_text()
            )),
        );
        None
    }
}
