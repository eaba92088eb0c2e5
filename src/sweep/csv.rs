//! A sweep as CSV (`--csv`).

use super::{Sweep, Target};

/// Every configuration × statistic as CSV: the varied values (one column per
/// `--vary`, named as in `--vary`), `cost`, `status` (`done`, `nothing measured` or
/// `not run`),
/// `meets_target` (`true`, `false`, or empty without a target or when not run),
/// `replications`, then `METRIC_mean` and `METRIC_half_width` for every metric
/// (empty when not run, or for a cook the configuration does not have).
pub fn csv(sweep: &Sweep, target: Option<&Target>) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = sweep.varies.iter().map(|v| v.param.name()).collect();
    head.extend(["cost", "status", "meets_target", "replications"].map(String::from));
    for m in &sweep.metrics {
        head.push(format!("{}_mean", m.name()));
        head.push(format!("{}_half_width", m.name()));
    }
    let _ = w.write_record(&head);
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
        rec.push(match (target, row.done()) {
            (Some(t), true) => sweep.meets(i, t).to_string(),
            _ => String::new(),
        });
        rec.push(if row.done() { sweep.replications.to_string() } else { String::new() });
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
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
