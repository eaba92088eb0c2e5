//! `[options]` (docs/scenario-format.md, "`[options]`"): the choices a customer makes,
//! each with its values.

use super::Loader;
use super::reader::Value;
use crate::model::*;
use crate::template::{self, Hook, Names};

/// The options as far as they could be read.
pub(super) struct OptionParts {
    pub(super) options: Vec<MenuOption>,
    /// Options whose values could not be read: not reported again where used.
    pub(super) broken: Vec<String>,
}

impl Loader<'_, '_, '_> {
    pub(super) fn options(&mut self, v: Option<&Value>) -> OptionParts {
        let mut out = OptionParts { options: Vec::new(), broken: Vec::new() };
        let Some(v) = v else { return out };
        let Some(t) = self.cx.table(v, "`options`", "[options]\nflavour = [\"Vanilla\", \"Caramel\"]") else {
            return out;
        };
        for (k, vals) in t.iter() {
            let what = format!("option `{}`", k.get_ref());
            let mut clean = self.cx.clean_name(k.get_ref(), k.span(), "an option's name");
            if is_placeholder(k.get_ref()) {
                // `{OPTION}` prints the option's value: it must not mean something else.
                self.cx.error(
                    k.span(),
                    format!("{what} has the name of a placeholder"),
                    "reserved name",
                    Some(format!(
                        "`{{{}}}` already prints something else in narrative lines: rename the option",
                        k.get_ref()
                    )),
                );
                out.broken.push(k.get_ref().to_string());
                continue;
            }
            let Some(arr) = self.cx.array(vals, &what, "flavour = [\"Vanilla\", \"Caramel\"]") else {
                out.broken.push(k.get_ref().to_string());
                continue;
            };
            if arr.is_empty() {
                self.cx.error(
                    vals.span(),
                    format!("{what} has no values"),
                    "empty",
                    Some("list at least one value, like `flavour = [\"Vanilla\"]`".into()),
                );
                out.broken.push(k.get_ref().to_string());
                continue;
            }
            let values: Vec<String> = arr
                .iter()
                .filter_map(|x| {
                    let s = self.cx.str(x, &format!("each value of {what}"), "\"Vanilla\"")?;
                    clean &= self.cx.clean_name(s, x.span(), &format!("a value of {what}"));
                    Some(s.to_string())
                })
                .collect();
            if values.len() == arr.len() && clean {
                out.options.push(MenuOption { name: k.get_ref().to_string(), values });
            } else {
                out.broken.push(k.get_ref().to_string());
            }
        }
        out
    }
}

/// Whether `name` is a built-in placeholder at some moment (so it cannot name an option).
fn is_placeholder(name: &str) -> bool {
    let none = Names { options: &[] };
    Hook::ALL.into_iter().any(|hook| template::available(hook, &none).iter().any(|n| n == name))
}

pub(super) fn option_value(opt: &MenuOption, s: &str) -> Result<u16, String> {
    match opt.values.iter().position(|v| v == s) {
        Some(i) => Ok(i as u16),
        None => Err(match crate::suggest::closest(s, opt.values.iter().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`? Values: {}", opt.values.join(", ")),
            None => format!("values: {}", opt.values.join(", ")),
        }),
    }
}
