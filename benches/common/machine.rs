//! The machine a benchmark ran on, for its figures: the same model of CPU can run
//! SimPy and the engine at different ratios (a newer core speeds CPython up more).

/// The processor as `/proc/cpuinfo` names it, with its family and model numbers
/// (which tell apart the generations that share a name such as "AMD EPYC"), and the
/// cores this process may use.
pub fn processor() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map_or("?", |(_, v)| v.trim())
            .to_string()
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{} (family {}, model {}), {cores} cores",
        field("model name"),
        field("cpu family"),
        field("model")
    )
}
