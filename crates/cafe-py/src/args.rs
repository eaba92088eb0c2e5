//! The arguments of the package's functions as Python gives them: whole numbers
//! (ints, numpy integers, whole floats for counts) with their ranges, and
//! `policies=`; a wrong type is a `TypeError` and a value out of range a
//! `ValueError`, each naming the argument.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;

/// The name of `arg`'s type, for messages.
pub(crate) fn type_name(arg: &Bound<'_, PyAny>) -> String {
    arg.get_type().name().map_or_else(|_| "?".to_string(), |n| n.to_string())
}

/// A whole-number argument called `name`, from `lo` to `hi`: an int (or anything
/// with `__index__`, a numpy integer), else a `TypeError` naming it; outside the
/// range, a `ValueError` naming it and the range.
pub(crate) fn whole(arg: &Bound<'_, PyAny>, name: &str, lo: i128, hi: i128) -> PyResult<i128> {
    let out_of_range = || {
        let shown = arg.str().map_or_else(|_| "?".to_string(), |s| s.to_string());
        PyValueError::new_err(format!("{name} must be a whole number from {lo} to {hi}, not {shown}"))
    };
    match arg.extract::<i128>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        Ok(_) => Err(out_of_range()),
        Err(e) if e.is_instance_of::<PyOverflowError>(arg.py()) => Err(out_of_range()),
        Err(_) => Err(PyTypeError::new_err(format!("{name} must be a whole number, not {}", type_name(arg)))),
    }
}

/// "a list holding an int": what a list that should hold strings holds instead.
pub(crate) fn holding(item: &Bound<'_, PyAny>) -> String {
    let t = type_name(item);
    let a = if t.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("a list holding {a} {t}")
}

/// A `usize` argument called `name`.
pub(crate) fn whole_usize(arg: &Bound<'_, PyAny>, name: &str) -> PyResult<usize> {
    let hi = i128::try_from(usize::MAX).unwrap_or(i128::MAX);
    whole(arg, name, 0, hi).map(|v| usize::try_from(v).expect("in range"))
}

/// `seed=`: None (the scenario's), or a whole number from 0 to 2^64 - 1.
pub(crate) fn seed_arg(arg: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if arg.is_none() {
        return Ok(None);
    }
    whole(arg, "seed", 0, i128::from(u64::MAX)).map(|v| Some(u64::try_from(v).expect("in range")))
}

/// `threads=`: worker threads (0: one per core).
pub(crate) fn threads_arg(arg: &Bound<'_, PyAny>) -> PyResult<usize> {
    whole_usize(arg, "threads")
}

/// `width=`: a timeline's columns (clamped to 20..=1000).
pub(crate) fn width_arg(arg: &Bound<'_, PyAny>) -> PyResult<usize> {
    whole_usize(arg, "width")
}

/// `k=`: a sweep's job.
pub(crate) fn job_arg(arg: &Bound<'_, PyAny>) -> PyResult<usize> {
    whole_usize(arg, "k")
}

/// Replications: from 1 to 2^32 - 1. Zero or fewer is left to the library, whose
/// message (`--replications must be at least 1`) says so in the command's words.
pub(crate) fn replications_arg(arg: &Bound<'_, PyAny>) -> PyResult<u32> {
    match whole(arg, "replications", 1, i128::from(u32::MAX)) {
        Ok(v) => Ok(u32::try_from(v).expect("in range")),
        Err(_) if arg.extract::<i128>().is_ok_and(|v| v < 1) => Ok(0),
        Err(e) => Err(e),
    }
}

/// A count (cooks, an equipment's capacity) as `--vary` writes it: an int (or a
/// numpy integer), or a whole float (`2.0`) written as the int it is; a float that is
/// not whole is written as it is, and the library says it is not a whole number.
pub(crate) fn count_arg(arg: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if matches!(type_name(arg).as_str(), "bool" | "bool_") {
        return Err(PyTypeError::new_err(format!("{name} must be a whole number, not a bool")));
    }
    if let Ok(i) = arg.extract::<i128>() {
        return Ok(i.to_string());
    }
    if let Ok(big) = arg.py().import("operator").and_then(|op| op.call_method1("index", (arg,))) {
        return Ok(big.str()?.to_string());
    }
    match arg.extract::<f64>() {
        Ok(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e18 => Ok(format!("{x:.0}")),
        Ok(x) => Ok(format!("{x}")),
        Err(_) => Err(PyTypeError::new_err(format!("{name} must be a whole number, not {}", type_name(arg)))),
    }
}

/// `policies=`: a policy's name, a comma-separated list of them, or a list (any
/// iterable) of names.
pub(crate) fn policies_arg(arg: &Bound<'_, PyAny>) -> PyResult<Option<Vec<String>>> {
    if arg.is_none() {
        return Ok(None);
    }
    let wrong = |what: String| {
        PyTypeError::new_err(format!(
            "policies must be a policy's name, a comma-separated list of them (\"fifo,longest-chain\") or a list of names, not {what}"
        ))
    };
    if arg.is_instance_of::<pyo3::types::PyString>() {
        let text: String = arg.extract()?;
        return Ok(Some(
            text.split(',').map(str::trim).filter(|n| !n.is_empty()).map(String::from).collect(),
        ));
    }
    let items = arg.try_iter().map_err(|_| wrong(type_name(arg)))?;
    let mut names = Vec::new();
    for item in items {
        let item = item?;
        let name: String = item.extract().map_err(|_| wrong(holding(&item)))?;
        names.push(name);
    }
    Ok(Some(names))
}
