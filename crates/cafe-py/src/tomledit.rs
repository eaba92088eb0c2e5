//! Writing a scenario's changes (`with_cooks`, ...) into its TOML text, keeping
//! everything else as it was written (comments, order, layout): `to_toml` of a
//! changed scenario loads as that scenario. The changes are `NAME=VALUE` as a sweep's
//! `--vary` names them, already checked against the scenario.

use toml_edit::{DocumentMut, Item, Table, TableLike, value};

/// The table at `path` (created as a standard table where missing).
fn table_at<'d>(doc: &'d mut DocumentMut, path: &[&str]) -> Result<&'d mut dyn TableLike, String> {
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
            .ok_or_else(|| format!("`{key}` is not a table in the scenario's TOML"))?;
    }
    Ok(t)
}

/// `text` with each of `edits` written in.
pub fn apply_edits(text: &str, edits: &[String]) -> Result<String, String> {
    if edits.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("the scenario's TOML: {e}"))?;
    for edit in edits {
        let (name, v) = edit.split_once('=').ok_or_else(|| format!("not NAME=VALUE: {edit}"))?;
        let whole = || v.parse::<i64>().map_err(|_| format!("not a whole number: {edit}"));
        match name {
            "cooks" => {
                table_at(&mut doc, &["kitchen"])?.insert("cooks", value(whole()?));
            }
            "policy" => {
                table_at(&mut doc, &["kitchen"])?.insert("policy", value(v));
            }
            "arrivals.rate" => {
                let rate: f64 = v.parse().map_err(|_| format!("not a number: {edit}"))?;
                let g = table_at(&mut doc, &["customers", "generate"])?;
                // A Poisson generator is written with `rate` or an exponential
                // `interarrival`: the one written gives way to the new `rate`.
                g.remove("interarrival");
                g.insert("rate", value(rate));
            }
            _ => {
                let Some(eq) = name.strip_prefix("equipment.") else {
                    return Err(format!("cannot write `{name}` into the scenario's TOML"));
                };
                let capacity = whole()?;
                let equipment = table_at(&mut doc, &["kitchen", "equipment"])?;
                match equipment.get_mut(eq).and_then(Item::as_table_like_mut) {
                    // `{ capacity = 1, cost = 5 }`: keep the cost.
                    Some(t) => {
                        t.insert("capacity", value(capacity));
                    }
                    None => {
                        equipment.insert(eq, value(capacity));
                    }
                }
            }
        }
    }
    Ok(doc.to_string())
}
