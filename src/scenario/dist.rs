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

/// A distribution the format knows: its name, its parameters (`?`: optional), an
/// example, and how to read it from its table.
struct Kind {
    name: &'static str,
    params: &'static [&'static str],
    example: &'static str,
    read: fn(&mut Cx, &Params) -> Option<Dist>,
}

/// Every distribution, in the order messages list them.
const DISTRIBUTIONS: &[Kind] = &[
    Kind {
        name: "uniform_int",
        params: &["min", "max"],
        example: "{ dist = \"uniform_int\", min = 1, max = 5 }",
        read: uniform_int,
    },
    Kind {
        name: "uniform",
        params: &["min", "max"],
        example: "{ dist = \"uniform\", min = 0.5, max = 1.5 }",
        read: uniform,
    },
    Kind {
        name: "exponential",
        params: &["mean"],
        example: "{ dist = \"exponential\", mean = 2 }",
        read: exponential,
    },
    Kind {
        name: "normal",
        params: &["mean", "sd"],
        example: "{ dist = \"normal\", mean = 3, sd = 0.5 }",
        read: normal,
    },
    Kind {
        name: "lognormal",
        params: &["mean", "sd"],
        example: "{ dist = \"lognormal\", mean = 3, sd = 1 }",
        read: lognormal,
    },
    Kind {
        name: "triangular",
        params: &["min", "mode", "max"],
        example: "{ dist = \"triangular\", min = 1, mode = 2, max = 4 }",
        read: triangular,
    },
    Kind {
        name: "gamma",
        params: &["shape", "scale"],
        example: "{ dist = \"gamma\", shape = 2, scale = 1.5 }",
        read: gamma,
    },
    Kind {
        name: "empirical",
        params: &["values", "weights?"],
        example: "{ dist = \"empirical\", values = [1, 2, 5], weights = [5, 3, 1] }",
        read: empirical,
    },
];

impl Loader<'_, '_, '_> {
    /// A duration or interarrival time (field `key`): a number, or a distribution table.
    pub(super) fn dist(&mut self, v: &Value, key: &str, unit: TimeUnit) -> Option<Dist> {
        let what = &format!("`{key}`");
        let example = "{ dist = \"uniform_int\", min = 1, max = 5 }";
        let counts = key == "group";
        match v.get_ref() {
            DeValue::Table(t) => self.dist_table(v, t, key, unit),
            DeValue::Integer(_) | DeValue::Float(_) if counts => {
                self.cx.amount(v, what, unit, &format!("{key} = 3")).map(Dist::Fixed)
            }
            DeValue::Integer(_) | DeValue::Float(_) => {
                self.cx.time(v, what, unit, &format!("{key} = 3")).map(Dist::Fixed)
            }
            _ => {
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
    }

    /// A distribution table `t` (the value `v` of field `key`): its `dist`, then its
    /// parameters, read by the distribution's own function.
    fn dist_table(&mut self, v: &Value, t: &DeTable, key: &str, unit: TimeUnit) -> Option<Dist> {
        let what = &format!("`{key}`");
        let Some(kind_v) = get(t, "dist") else {
            let example = "{ dist = \"uniform_int\", min = 1, max = 5 }";
            self.cx.error(
                v.span(),
                format!("{what} has no `dist`"),
                "missing `dist`",
                Some(format!("write a fixed number, or a distribution like `{example}`")),
            );
            return None;
        };
        let kind = self.cx.str(kind_v, "`dist`", "dist = \"uniform\"")?;
        let Some(kind) = DISTRIBUTIONS.iter().find(|d| d.name == kind) else {
            let names: Vec<&str> = DISTRIBUTIONS.iter().map(|d| d.name).collect();
            let help = match crate::suggest::closest(kind, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Distributions: {}", names.join(", ")),
                None => format!("distributions: {}", names.join(", ")),
            };
            self.cx.error(kind_v.span(), format!("unknown distribution `{kind}`"), "unknown", Some(help));
            return None;
        };
        let mut keys = vec!["dist"];
        keys.extend(kind.params.iter().map(|p| p.trim_end_matches('?')));
        self.cx.check_keys(t, &keys, &format!("a `{}` distribution", kind.name));
        let params = Params { v, t, what, kind, counts: key == "group", unit };
        (kind.read)(self.cx, &params)
    }
}

/// A distribution table being read.
struct Params<'a, 'i> {
    /// The table as a value (problems with the whole distribution point at it).
    v: &'a Value<'i>,
    t: &'a DeTable<'i>,
    /// The field it is the value of, as messages name it: "`duration`".
    what: &'a str,
    kind: &'a Kind,
    /// Whether it draws counts (group sizes, whose bounds `group` checks), not times.
    counts: bool,
    unit: TimeUnit,
}

impl Params<'_, '_> {
    /// Parameter `key`: `shape` is a positive number, every other one a time (or a
    /// count). None when it is missing (reported unless optional) or wrong (reported).
    fn num(&self, cx: &mut Cx, key: &str) -> Option<f64> {
        let example = self.kind.example;
        let optional = self.kind.params.iter().any(|p| *p == format!("{key}?"));
        match get(self.t, key) {
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
                    None
                }
                None => None,
            },
            // Group sizes are counts (`group` checks their bounds).
            Some(b) if self.counts => cx.amount(b, &format!("`{key}`"), self.unit, &format!("{key} = 1")),
            Some(b) => cx.time(b, &format!("`{key}`"), self.unit, &format!("{key} = 1")),
            None if optional => None,
            None => {
                cx.error(
                    self.v.span(),
                    format!("a `{}` distribution needs `{key}`", self.kind.name),
                    format!("missing `{key}`"),
                    Some(format!("write it like `{example}`")),
                );
                None
            }
        }
    }

    /// Reports parameters that make the distribution impossible.
    fn bad(&self, cx: &mut Cx, message: String, help: &str) -> Option<Dist> {
        cx.error(
            self.v.span(),
            format!("{}: {message}", self.what),
            "impossible distribution",
            Some(help.to_string()),
        );
        None
    }

    /// `min` and `max`, with `min` at most `max`.
    fn min_max(&self, cx: &mut Cx) -> Option<(f64, f64)> {
        let (min, max) = (self.num(cx, "min"), self.num(cx, "max"));
        let (min, max) = (min?, max?);
        if min > max {
            self.bad(cx, format!("`min` ({min}) is greater than `max` ({max})"), "swap them");
            return None;
        }
        Some((min, max))
    }
}

fn uniform(cx: &mut Cx, p: &Params) -> Option<Dist> {
    let (min, max) = p.min_max(cx)?;
    Some(Dist::Uniform { min, max })
}

fn uniform_int(cx: &mut Cx, p: &Params) -> Option<Dist> {
    let (min, max) = p.min_max(cx)?;
    if min.fract() != 0.0 || max.fract() != 0.0 {
        cx.error(
            p.v.span(),
            format!("{}: a `uniform_int` distribution needs whole-number bounds", p.what),
            "not whole numbers",
            Some("use `dist = \"uniform\"` for real numbers".into()),
        );
        return None;
    }
    Some(Dist::UniformInt { min: min as i64, max: max as i64 })
}

fn exponential(cx: &mut Cx, p: &Params) -> Option<Dist> {
    let mean = p.num(cx, "mean")?;
    if mean == 0.0 {
        return p.bad(
            cx,
            "an exponential distribution needs a mean above 0".into(),
            "for always 0, write `0`",
        );
    }
    Some(Dist::Exponential { mean })
}

fn normal(cx: &mut Cx, p: &Params) -> Option<Dist> {
    let (mean, sd) = (p.num(cx, "mean"), p.num(cx, "sd"));
    Some(Dist::Normal { mean: mean?, sd: sd? })
}

fn lognormal(cx: &mut Cx, p: &Params) -> Option<Dist> {
    let (mean, sd) = (p.num(cx, "mean"), p.num(cx, "sd"));
    let (mean, sd) = (mean?, sd?);
    if mean == 0.0 {
        return p.bad(cx, "a lognormal distribution needs a mean above 0".into(), "for always 0, write `0`");
    }
    // The logarithm's spread is ln(1 + (sd/mean)²): finite only when the square is.
    if sd / mean > MAX_LOGNORMAL_CV {
        return p.bad(
            cx,
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

fn triangular(cx: &mut Cx, p: &Params) -> Option<Dist> {
    let (min, mode, max) = (p.num(cx, "min"), p.num(cx, "mode"), p.num(cx, "max"));
    let (min, mode, max) = (min?, mode?, max?);
    if !(min <= mode && mode <= max) {
        return p.bad(
            cx,
            format!("a triangular distribution needs min ≤ mode ≤ max, found {min}, {mode}, {max}"),
            "put the mode (the most likely value) between min and max",
        );
    }
    Some(Dist::Triangular { min, mode, max })
}

fn gamma(cx: &mut Cx, p: &Params) -> Option<Dist> {
    let (shape, scale) = (p.num(cx, "shape"), p.num(cx, "scale"));
    let (shape, scale) = (shape?, scale?);
    if scale == 0.0 {
        return p.bad(cx, "a gamma distribution needs a scale above 0".into(), "its mean is shape × scale");
    }
    if shape * scale > p.unit.max_amount() && !p.counts {
        return p.bad(
            cx,
            format!(
                "a gamma distribution's mean (shape × scale = {}) is more than {}, the longest time a run can count",
                short(shape * scale),
                p.unit.max_text()
            ),
            "its mean is shape × scale: make one of them smaller",
        );
    }
    Some(Dist::Gamma { shape, scale })
}

/// `values`, and optional `weights`.
fn empirical(cx: &mut Cx, p: &Params) -> Option<Dist> {
    let values = values(cx, p)?;
    let weights = match get(p.t, "weights") {
        None => None,
        Some(w) => Some(weights(cx, w, values.len())?),
    };
    Some(Dist::Empirical(Empirical::new(&values, weights.as_deref())))
}

/// The non-empty array of times (or counts) `values` of an empirical distribution.
fn values(cx: &mut Cx, p: &Params) -> Option<Vec<f64>> {
    let key = "values";
    let Some(a) = get(p.t, key) else {
        cx.error(
            p.v.span(),
            format!("an `empirical` distribution needs `{key}`"),
            format!("missing `{key}`"),
            Some("write it like `{ dist = \"empirical\", values = [1, 2, 5], weights = [5, 3, 1] }`".into()),
        );
        return None;
    };
    let arr = cx.array(a, &format!("`{key}`"), "values = [1, 2, 5]")?;
    if arr.is_empty() {
        cx.error(a.span(), format!("`{key}` is empty"), "empty", Some("list at least one value".into()));
        return None;
    }
    let mut out = Vec::new();
    for x in arr.iter() {
        let value = match p.counts {
            true => cx.amount(x, "each value", p.unit, "values = [1, 2, 5]"),
            false => cx.time(x, "each value", p.unit, "values = [1, 2, 5]"),
        };
        out.push(value?);
    }
    Some(out)
}

/// The `weights` `w` of an empirical distribution of `count` values: one positive
/// number per value, with a finite sum.
fn weights(cx: &mut Cx, w: &Value, count: usize) -> Option<Vec<f64>> {
    let arr = cx.array(w, "`weights`", "weights = [3, 1]")?;
    let mut ws = Vec::new();
    for x in arr.iter() {
        match cx.number(x, "a weight", "weights = [3, 1]") {
            Some(n) if n.is_finite() && n > 0.0 => ws.push(n),
            Some(_) => {
                cx.error(
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
        cx.error(
            w.span(),
            "the weights add up to more than the largest number (about 1.8e308)",
            "too large",
            Some("only their ratios matter: scale them down, like `weights = [3, 1]`".into()),
        );
        return None;
    }
    if ws.len() != count {
        cx.error(
            w.span(),
            format!("{} weights for {count} values", ws.len()),
            "one weight per value",
            Some("give one weight per value, or leave `weights` out for equal weights".into()),
        );
        return None;
    }
    Some(ws)
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
