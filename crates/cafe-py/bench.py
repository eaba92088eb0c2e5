"""The M/M/4 café three ways, in one run on one machine: SimPy 4.1.2 (the shared
reference script), this package's ``run`` and ``replicate``, and the ``cafe``
command, on the same model as benches/mmc.rs (λ 3.6, μ 1, 4 baristas).

    python crates/cafe-py/bench.py [--customers 1000000] [--cafe target/release/cafe]
        [--simpy ../shared/reference/perf/mmc_simpy.py] [--small]

Prints one line per contender (customers per second, best of three) and the
ratios the README quotes. ``--small`` runs 20,000 customers, the best of 5 (CI).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import async_cafe as ac

ROOT = pathlib.Path(__file__).resolve().parents[2]


def mmc_toml(n: int, lam: float = 3.6, mu: float = 1.0, c: int = 4) -> str:
    return f"""
[kitchen]
cooks = {c}
[recipes.coffee]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = {1.0 / mu} }} }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {n}
rate = {lam}
"""


def best(times: int, f) -> float:
    out = []
    for _ in range(times):
        start = time.perf_counter()
        f()
        out.append(time.perf_counter() - start)
    return min(out)


def tables(sc, n: int, times: int) -> None:
    """The orders table of a run into pandas: made again after the run (the default
    on the virtual clock), or recorded as the run goes (``record=["orders"]``);
    the best of ``times`` of each step."""
    try:
        import pandas  # noqa: F401
        import pyarrow
    except ImportError:
        print("pandas/pyarrow not installed: table timing skipped")
        return
    for record in (None, ["orders"]):
        best_run = best_made = best_pandas = best_arrow = float("inf")
        for _ in range(times):
            start = time.perf_counter()
            run = sc.run(record=record)
            ran = time.perf_counter()
            orders = run.orders
            made = time.perf_counter()
            df = orders.to_pandas()
            done = time.perf_counter()
            pyarrow.table(orders)
            best_arrow = min(best_arrow, time.perf_counter() - done)
            best_run, best_made, best_pandas = min(best_run, ran - start), min(best_made, made - ran), min(best_pandas, done - made)
            assert len(df) == n
        how = "run(record=['orders'])" if record else "run(), then made again"
        print(
            f"orders table of {n:,} rows, {how}: run {best_run:.3f} s, run.orders {best_made:.3f} s, "
            f".to_pandas() {best_pandas:.3f} s (pyarrow.table {best_arrow:.3f} s); "
            f"{best_made + best_pandas:.3f} s beyond the run",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--cafe", default=str(ROOT / "target" / "release" / "cafe"))
    ap.add_argument("--simpy", default=str(ROOT.parent / "shared" / "reference" / "perf" / "mmc_simpy.py"))
    ap.add_argument("--small", action="store_true", help="20,000 customers, best of 5 (a smoke test)")
    args = ap.parse_args()
    n = 20_000 if args.small else args.customers
    # The best of several: a single run of a few milliseconds is at the mercy of
    # the scheduler (one in ten took 15 times as long in CI).
    times = 5 if args.small else 3
    sc = ac.Scenario.from_toml(mmc_toml(n), name="mmc")
    rows = []

    def line(name: str, secs: float, customers: int) -> float:
        rate = customers / secs
        rows.append((name, secs, rate))
        print(f"{name:42} {secs:8.3f} s  {rate / 1e6:8.3f} M customers/s", flush=True)
        return rate

    simpy_rate = None
    if os.path.exists(args.simpy):
        try:
            import simpy  # noqa: F401

            def simpy_once() -> float:
                out = subprocess.run(
                    [sys.executable, args.simpy, "--lam", "3.6", "--mu", "1", "--c", "4", "--n", str(n)],
                    capture_output=True, text=True, check=True,
                )
                return json.loads(out.stdout)["wall_s"]

            secs = min(simpy_once() for _ in range(times))
            simpy_rate = line("SimPy 4.1.2 (env.run)", secs, n)
        except ImportError:
            print("SimPy: not installed (pip install simpy==4.1.2)")
    else:
        print(f"SimPy: {args.simpy} not found")

    py_rate = line("async_cafe: Scenario.run (full statistics)", best(times, sc.run), n)
    reps = 4
    rep_secs = best(times, lambda: sc.replicate(reps))
    line(f"async_cafe: Scenario.replicate({reps}), all cores", rep_secs, n * reps)

    cafe_rate = None
    if os.path.exists(args.cafe):
        with tempfile.TemporaryDirectory() as d:
            path = pathlib.Path(d) / "mmc.toml"
            path.write_text(mmc_toml(n))
            cmd = [args.cafe, "run", str(path), "--clock", "virtual"]
            cafe_rate = line("cafe run --clock virtual (the command)", best(times, lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)), n)
    else:
        print(f"cafe: {args.cafe} not found (cargo build --release -p cafe)")

    tables(sc, n, times)

    if cafe_rate:
        print(f"Python path / command: {cafe_rate / py_rate:.3f}× the command's time")
    if simpy_rate:
        print(f"Python path / SimPy: {py_rate / simpy_rate:.0f}× SimPy's customers per second")


if __name__ == "__main__":
    main()
