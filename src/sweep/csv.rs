//! A sweep as CSV (`--csv`).

use std::io;

use super::{Sweep, Target};

/// Every configuration × statistic as CSV: the varied values (one column per
/// `--vary`, named as in `--vary`), `cost` (`cost_EUR` when the scenario names its
/// currency), `status` (`done`, `nothing measured` or `not run`), `meets_target`
/// (`true` when it meets every target, `false`, or empty without a target or when
/// not run), `replications`, then with several targets one `meets: TARGET` column
/// each (as written), then `METRIC_mean` and `METRIC_half_width` for every metric
/// (empty when not run, or for a cook the configuration does not have); a time's
/// columns name the scenario's unit, `p95_time_in_system_min_mean`.
///
/// # Errors
///
/// What the CSV writer returns: none in practice, as it writes to memory, but
/// returned rather than dropped.
pub fn csv<'t>(sweep: &Sweep, targets: impl IntoIterator<Item = &'t Target>) -> io::Result<String> {
    let targets: Vec<&Target> = targets.into_iter().collect();
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = sweep.varies.iter().map(|v| v.param.name()).collect();
    head.push(sweep.currency.as_ref().map_or("cost".into(), |c| format!("cost_{c}")));
    head.extend(["status", "meets_target", "replications"].map(String::from));
    if targets.len() > 1 {
        head.extend(targets.iter().map(|t| format!("meets: {}", t.text())));
    }
    for m in &sweep.metrics {
        let name = if m.is_time() { format!("{}_{}", m.name(), sweep.unit.name()) } else { m.name() };
        head.push(format!("{name}_mean"));
        head.push(format!("{name}_half_width"));
    }
    w.write_record(&head)?;
    for (i, row) in sweep.rows.iter().enumerate() {
        let mut rec: Vec<String> =
            sweep.varies.iter().zip(&row.values).map(|(v, &x)| v.param.show(x)).collect();
        rec.push(format!("{}", row.cost));
        rec.push(
            match (row.done(), row.measured_nothing) {
                (true, false) => "done",
                (true, true) => "nothing measured",
                (false, _) => "not run",
            }
            .into(),
        );
        let answered = !targets.is_empty() && row.done();
        rec.push(if answered {
            sweep.meets_all(i, targets.iter().copied()).to_string()
        } else {
            String::new()
        });
        rec.push(if row.done() { sweep.replications.to_string() } else { String::new() });
        if targets.len() > 1 {
            rec.extend(
                targets
                    .iter()
                    .map(|t| if row.done() { sweep.meets(i, t).to_string() } else { String::new() }),
            );
        }
        for e in &row.estimates {
            let num = |x: f64| if x.is_finite() { format!("{x}") } else { String::new() };
            match e {
                Some(e) => {
                    rec.push(num(e.mean));
                    rec.push(num(e.half_width_95));
                }
                None => rec.extend([String::new(), String::new()]),
            }
        }
        w.write_record(&rec)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
