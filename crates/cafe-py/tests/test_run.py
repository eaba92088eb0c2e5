"""Runs: the narrative of every built-in as the command prints it, the statistics as
the JSON report has them, tables as the CSV exports, the notebook view, Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import threading
import time

import pytest

import async_cafe as ac
from conftest import ROOT, mmc_toml

MODES = ("async", "sync")


def stamped(scenario: ac.Scenario, run: ac.Run) -> str:
    """The narrative as the golden files have it: `[   12.500 s] line`."""
    u, us = scenario.unit, scenario.unit_seconds
    return "".join(f"[{t / us:>9.3f} {u}] {line}\n" for t, line in run.narrative)


@pytest.mark.parametrize("name", list(ac.builtins()))
@pytest.mark.parametrize("mode", MODES)
def test_every_builtin_narrates_as_its_golden_file(name, mode):
    sc = ac.Scenario.builtin(name)
    golden = (ROOT / "tests" / "golden" / f"{name}.{mode}.txt").read_text()
    assert stamped(sc, sc.run(mode=mode)) == golden


@pytest.mark.parametrize("name", list(ac.builtins()))
@pytest.mark.parametrize("mode", MODES)
def test_every_builtin_narrates_and_counts_as_the_command(name, mode, cafe):
    sc = ac.Scenario.builtin(name)
    run = sc.run(mode=mode)
    text = cafe("run", name, "--mode", mode, "--clock", "virtual").stdout
    assert run.text == text
    report = json.loads(cafe("run", name, "--mode", mode, "--clock", "virtual", "--format", "json").stdout)
    assert run.stats == report["stats"]
    assert run.makespan == report["makespan_s"]
    assert [list(p) for p in run.narrative] == [[r["t_s"], r["line"]] for r in report["narrative"]]


def test_tables_are_the_csv_exports(tmp_path, cafe):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    run = ac.Scenario.builtin("rush-hour").run(seed=5)
    cafe("run", "rush-hour", "--seed", "5", "--clock", "virtual", "--csv", str(tmp_path))
    for name in ("orders", "steps", "events"):
        ours = getattr(run, name).to_pandas()
        theirs = pd.read_csv(tmp_path / f"{name}.csv", keep_default_na=False, na_values=[""])
        assert list(ours.columns) == list(theirs.columns), name
        assert len(ours) == len(theirs) > 0, name
        for col in ours.columns:
            a, b = ours[col], theirs[col]
            if a.dtype == object or str(a.dtype).startswith("str"):
                assert a.fillna("").astype(str).tolist() == b.fillna("").astype(str).tolist(), (name, col)
            else:
                assert a.astype(float).fillna(-1).tolist() == b.astype(float).fillna(-1).tolist(), (name, col)


def test_tables_round_trip_into_pandas_polars_and_pyarrow():
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    pytest.importorskip("pandas")
    run = ac.Scenario.builtin("cafe").run(mode="sync")
    orders = run.orders
    assert orders.column_names[:4] == ["id", "customer", "item", "flavour"]
    assert orders.schema["served_s"] == "double" and orders.schema["id"] == "int64"
    t = pa.table(orders)
    assert t.column("served_s").to_pylist() == [5.0, 10.0]
    assert t.column("gone_s").null_count == 2
    df = orders.to_pandas()
    assert df["time_in_system_s"].tolist() == [5.0, 10.0]
    p = orders.to_polars()
    assert isinstance(p, pl.DataFrame) and p["outcome"].to_list() == ["served", "served"]
    assert pl.DataFrame(run.events)["kind"].to_list()[0] == "service_started"
    assert orders.column("customer") == ["Customer 1", "Customer 2"]
    assert len(run.steps) == 2


def test_tables_recorded_as_the_run_goes_are_those_made_again():
    pa = pytest.importorskip("pyarrow")
    shop = ac.Scenario.builtin("rush-hour")
    again = shop.run(seed=5)
    kept = shop.run(seed=5, record=["orders"])
    assert pa.table(kept.orders).equals(pa.table(again.orders))
    # A table not recorded is made again on the virtual clock, and a table is the
    # same object each time it is asked for.
    assert pa.table(kept.events).equals(pa.table(again.events))
    assert kept.orders is kept.orders
    everything = shop.run(seed=5, record=True)
    assert pa.table(everything.steps).equals(pa.table(again.steps))
    with pytest.raises(ValueError, match='not "order"'):
        shop.run(record=["order"])
    with pytest.raises(TypeError, match="list of table names"):
        shop.run(record="orders")


def test_the_notebook_view_shows_totals_and_the_timeline():
    run = ac.Scenario.builtin("cafe").run()
    html = run._repr_html_()
    assert "makespan 5.00 s" in html and "coffee_machine" in html
    # The statistics are the command's own text.
    assert run.stats_text().startswith("Statistics (times in s)")
    assert "orders served" in html and "customers waited" in html
    assert "▒" in run.timeline()
    page = run.report_html()
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    cmp = ac.compare(ac.Scenario.builtin("cafe"))
    assert cmp.speedup == 2.0 and "speedup 2.00" in cmp._repr_html_()
    assert [s.mode for s in cmp.sides] == ["sync", "async"]
    rep = ac.Scenario.builtin("coffee-shop").replicate(3)
    assert "<pre>" in rep._repr_html_()


def test_a_kitchen_that_cannot_keep_up_is_a_runtime_warning_as_the_command_says(cafe):
    """The takeaway counter: a customer a minute, each half a minute of the cook's
    hands and a minute's unattended brew. The synchronous cook, standing by through
    the brew, needs 1.5 cooks; the asynchronous one half a cook."""
    import warnings

    counter = ac.Scenario.builtin("takeaway")
    said = "the synchronous kitchen cannot keep up: its customers need 1.50 cooks busy all the time"

    def caught(call):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            call()
        return [(w.category, str(w.message)) for w in seen]

    # The command's words, on stderr there, without its "warning: ".
    theirs = cafe("compare", "takeaway", "--no-timeline").stderr
    assert theirs.startswith("warning: " + said) and theirs.count("warning:") == 1
    warned = [(RuntimeWarning, theirs.strip()[len("warning: "):])]
    assert caught(counter.compare) == warned
    assert caught(lambda: counter.run(mode="sync")) == warned
    # The asynchronous kitchen keeps up, under any policy.
    assert caught(counter.run) == []
    assert caught(lambda: counter.compare(policies=["fifo", "unattended-first"])) == []


def test_replications_estimate_as_the_command(cafe):
    rep = ac.Scenario.builtin("coffee-shop").replicate(replications=6, seed=2, warmup=1)
    theirs = json.loads(
        cafe("run", "coffee-shop", "--clock", "virtual", "--replications", "6", "--seed", "2", "--warmup", "1", "--format", "json").stdout
    )
    assert rep.estimates == theirs
    e = rep.time_in_system.mean_s
    assert e.low == e.mean - e.half_width_95 and e.high == e.mean + e.half_width_95
    assert len(rep.runs) == 6 and rep.replications == 6
    assert rep.render() == cafe(
        "run", "coffee-shop", "--clock", "virtual", "--replications", "6", "--seed", "2", "--warmup", "1"
    ).stdout


def test_replications_show_a_progress_bar_as_they_finish(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    shop = ac.Scenario.builtin("coffee-shop")
    quiet = shop.replicate(12, seed=5, progress=False)
    assert capsys.readouterr().err == ""
    shown = shop.replicate(12, seed=5, threads=2, progress=True)
    err = capsys.readouterr().err
    assert "replicate: 100%" in err and "12/12" in err, err
    # The numbers do not depend on it.
    assert shown.estimates == quiet.estimates
    # None: only on a terminal or in a notebook (pytest's stderr is neither; another
    # test may have imported ipykernel, which reads as a notebook).
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    ac.replicate(shop, 3, progress=None)
    assert capsys.readouterr().err == ""


def test_bad_arguments_are_value_errors_in_the_commands_words():
    cafe = ac.Scenario.builtin("cafe")
    with pytest.raises(ValueError, match="speed must be a positive number, not 0"):
        cafe.run(clock="real", speed=0)
    with pytest.raises(ValueError, match="mode must be 'async' or 'sync'"):
        cafe.run(mode="fast")
    with pytest.raises(ValueError, match="clock must be"):
        cafe.run(clock="wall")
    with pytest.raises(ValueError, match="warmup must be a time from 0"):
        cafe.run(warmup=-1)
    with pytest.raises(ValueError, match="leaves nothing to measure"):
        cafe.run(warmup=100)
    with pytest.raises(ValueError, match="replications must be at least 1"):
        cafe.replicate(0)


def test_the_engine_runs_without_the_gil():
    """Another Python thread keeps running while a long run is in the engine."""

    def run_counting(count: int) -> tuple[float, int]:
        """Seconds a run of `count` customers took, and the other thread's ticks."""
        big = ac.Scenario.from_toml(mmc_toml(count=count), name="mmc")
        ticks = []
        stop = threading.Event()

        def tick():
            while not stop.is_set():
                ticks.append(1)
                time.sleep(0.001)

        t = threading.Thread(target=tick)
        t.start()
        start = time.perf_counter()
        big.run()
        took = time.perf_counter() - start
        stop.set()
        t.join()
        return took, len(ticks)

    # A run long enough for the other thread to tick many times, however fast this
    # machine is: the run grows until it takes a tenth of a second.
    count = 200_000
    took, ticks = run_counting(count)
    while took < 0.1:
        count *= 2
        took, ticks = run_counting(count)
    # Holding the GIL, the engine would let the thread in only at the run's ends.
    assert ticks >= 10, (ticks, took, count)


def _interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_stops_a_real_run_cleanly_keeping_what_ran():
    shop = ac.Scenario.builtin("coffee-shop")  # about 20 s of scenario time at speed 1
    _interrupt_after(0.7)
    start = time.perf_counter()
    with pytest.raises(ac.Interrupted) as info:
        shop.run(clock="real", speed=4)
    assert time.perf_counter() - start < 3
    assert isinstance(info.value, KeyboardInterrupt)
    run = info.value.result
    assert run.stopped == "interrupted" and not run.finished
    assert 0 < run.makespan < shop.run().makespan
    assert run.narrative and run.narrative[-1][0] <= run.makespan
    # The tables hold everything up to that moment.
    assert len(run.events) > 0 and "service_ended" not in run.events.column("kind")


def test_ctrl_c_stops_replications_and_a_sweep():
    big = ac.Scenario.from_toml(mmc_toml(count=300_000), name="mmc")
    _interrupt_after(0.3)
    with pytest.raises(ac.Interrupted):
        big.replicate(40, threads=1)
    # With its progress bar too.
    pytest.importorskip("tqdm")
    _interrupt_after(0.3)
    start = time.perf_counter()
    with pytest.raises(ac.Interrupted):
        big.replicate(40, threads=1, progress=True)
    assert time.perf_counter() - start < 3
    _interrupt_after(0.3)
    with pytest.raises(ac.Interrupted) as info:
        ac.sweep(big, vary={"cooks": range(4, 8)}, replications=10, threads=1, progress=False)
    partial = info.value.result
    assert partial.interrupted
    done, = [partial.configurations[1]]
    assert done < 4
    assert partial.table.column("status").count("not run") == 4 - done


@contextlib.contextmanager
def _alarm_raising(exc: BaseException, seconds: float):
    """SIGALRM in `seconds`, whose handler (`on_alarm`) raises `exc`."""

    def on_alarm(signum, frame):
        raise exc

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_exception_a_signal_handler_raises_stops_the_work_and_comes_out_as_raised():
    """Not Ctrl-C: a SIGALRM handler's TimeoutError (or one's own exception) stops a
    run, replications and a sweep as Ctrl-C does, and comes out as the handler raised
    it, for `except TimeoutError` to catch: not an `Interrupted` (a KeyboardInterrupt),
    its traceback through the handler, and what had run as its `.result`."""
    shop = ac.Scenario.builtin("coffee-shop")  # about 20 s of scenario time at speed 1
    start = time.perf_counter()
    with _alarm_raising(TimeoutError("took too long"), 0.7):
        with pytest.raises(TimeoutError, match="^took too long$") as info:
            shop.run(clock="real", speed=4)
    assert time.perf_counter() - start < 3
    assert not isinstance(info.value, KeyboardInterrupt)
    assert any(entry.name == "on_alarm" for entry in info.traceback)
    run = info.value.result
    assert run.stopped == "interrupted" and not run.finished and run.narrative

    big = ac.Scenario.from_toml(mmc_toml(count=300_000), name="mmc")
    with _alarm_raising(TimeoutError("took too long"), 0.3):
        with pytest.raises(TimeoutError) as info:
            big.replicate(40, threads=1)
    assert info.value.result is None or isinstance(info.value.result, ac.Replication)

    class Mine(Exception):
        pass

    with _alarm_raising(Mine("mine"), 0.3):
        with pytest.raises(Mine) as info:
            ac.sweep(big, vary={"cooks": range(4, 8)}, replications=10, threads=1, progress=False)
    assert info.value.result.interrupted

    # An exception with a `result` of its own keeps it.
    class WithResult(Exception):
        result = "its own"

    with _alarm_raising(WithResult(), 0.3):
        with pytest.raises(WithResult) as info:
            big.replicate(40, threads=1)
    assert info.value.result == "its own"


def test_a_virtual_run_stopped_early_says_what_would_have_kept_each_part():
    """record= keeps tables only: the narrative, timeline and report of a virtual run
    stopped early point to the real clock, or to a run that ends; a table left out
    points to record=."""
    day = ac.Scenario.builtin("takeaway").to_toml()
    assert "until = 60\n" in day
    big = ac.Scenario.from_toml(day.replace("until = 60\n", "until = 3000000\n"), name="takeaway")
    _interrupt_after(0.3)
    with pytest.raises(ac.Interrupted) as info:
        big.run(record=["orders"])
    run = info.value.result
    assert run.stopped == "interrupted" and len(run.orders) > 0
    for what, ask in [
        ("narrative", lambda: run.narrative),
        ("narrative", lambda: run.text),
        ("timeline", run.timeline),
        ("report", run.report_html),
    ]:
        with pytest.raises(ValueError) as refused:
            ask()
        echo = "; echo=True prints each line as it happens" if what == "narrative" else ""
        assert str(refused.value) == (
            f"this run on the virtual clock was stopped before its end, so its {what} cannot be made: "
            "a virtual run makes it by running again to its end, and record= keeps only the tables. "
            'To have it, run on the real clock (clock="real", at any speed= up to 1,000,000), '
            "which keeps the narrative, timeline and report as it goes, or let the run end (a scenario "
            f"with a smaller until or fewer customers){echo}"
        )
    with pytest.raises(ValueError) as refused:
        run.steps
    assert str(refused.value) == (
        "this run on the virtual clock was stopped before its end, so its steps table cannot be made: "
        "a virtual run makes it by running again to its end. To keep it as the run goes, run with "
        'record=True (every table) or record=["steps"]'
    )
    # What the message says keeps them does: the real clock, as fast as it goes.
    _interrupt_after(0.3)
    with pytest.raises(ac.Interrupted) as info:
        big.run(clock="real", speed=1e6)
    fast = info.value.result
    assert fast.stopped == "interrupted" and fast.narrative and fast.text
    assert fast.timeline()


def test_a_stopped_real_run_s_report_says_why_of_the_orders_it_served():
    """The report's "why" is of the run as it went: the orders a real run stopped
    early served (it made it again, to the end of the day, on the virtual clock)."""
    rush = ac.Scenario.builtin("rush-hour")  # 180 min; 10 min a second at speed=600
    _interrupt_after(0.7)
    with pytest.raises(ac.Interrupted) as info:
        rush.run(clock="real", speed=600)
    run = info.value.result
    assert run.stopped == "interrupted"
    orders = run.orders
    above = {
        i: a
        for i, a, outcome in zip(
            orders.column("id"), orders.column("above_chain_s"), orders.column("outcome")
        )
        if outcome == "served" and a > 0
    }
    assert above, "some order of the first minutes took longer than its recipe"
    told = [int(i) for i in re.findall(r"Order (\d+) took", run.report_html())]
    assert told and set(told) <= set(above), (told, above)
    assert told == sorted(told, key=lambda i: (-above[i], i))[: len(told)]


SLOW = """
[recipes.c]
steps = [{ name = "brew", kind = "unattended", duration = 100 }]
[menu]
x = "c"
[customers]
list = [{ item = "x" }, { item = "x", arrival = 50 }]
"""


def test_ctrl_c_on_the_real_clock_gives_the_time_of_the_last_event_as_makespan():
    """Stopped while it waits for the second arrival (at 50 s), the run's last event
    is at 0 s: the arrival that never happened is not its makespan."""
    slow = ac.Scenario.from_toml(SLOW, name="slow")
    _interrupt_after(0.7)
    with pytest.raises(ac.Interrupted) as info:
        slow.run(clock="real", speed=1)
    run = info.value.result
    assert run.stopped == "interrupted"
    last = max(run.events.column("t_s"))
    assert run.makespan == run.stats.total_s == last == 0.0
    assert "served in 0.00 s (interrupted)" in repr(run)
    assert "makespan 0.00 s" in run._repr_html_()


def test_policies_to_compare_are_a_name_a_comma_list_or_a_list():
    bakery = ac.Scenario.builtin("bakery")
    both = bakery.compare(policies=["fifo", "longest-chain"])
    labels = [s.policy for s in both.sides]
    assert labels == ["fifo", "longest-chain"]
    for compare in (bakery.compare, lambda **kw: ac.compare(bakery, **kw)):
        assert [s.policy for s in compare(policies="fifo").sides] == ["fifo"]
        assert [s.policy for s in compare(policies="fifo, longest-chain").sides] == labels
        assert [s.policy for s in compare(policies=("fifo", "longest-chain")).sides] == labels
        assert compare(policies="fifo,longest-chain").table() == both.table()
        with pytest.raises(ValueError, match="unknown policy `fast`"):
            compare(policies="fifo,fast")
        with pytest.raises(TypeError, match="policies must be a policy's name, a comma-separated list"):
            compare(policies=3)
        with pytest.raises(TypeError, match="policies must be"):
            compare(policies=["fifo", 3])


def test_one_replication_has_no_interval():
    rep = ac.Scenario.builtin("takeaway").replicate(1)
    e = rep.time_in_system.p95_s
    assert e.half_width_95 is None and e.n == 1
    assert e.low is None and e.high is None
    more = ac.Scenario.builtin("takeaway").replicate(3).time_in_system.p95_s
    assert more.low < more.mean < more.high


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda s: s.run(seed=-1), "seed must be a whole number from 0 to 18446744073709551615, not -1"),
        (lambda s: s.run(seed=2**64), "seed must be a whole number from 0 to 18446744073709551615, not 18446744073709551616"),
        (lambda s: s.compare(seed=-1), "seed must be a whole number from 0"),
        (lambda s: s.plan(seed=-5), "seed must be a whole number from 0"),
        (lambda s: s.replicate(3, seed=-1), "seed must be a whole number from 0"),
        (lambda s: s.replicate(3, threads=-1), "threads must be a whole number from 0 to 18446744073709551615, not -1"),
        (lambda s: s.replicate(2**64), "replications must be a whole number from 1 to 4294967295, not 18446744073709551616"),
        (lambda s: s.replicate(10**12), "replications must be a whole number from 1 to 4294967295"),
        # In range, but more runs than a batch may have: refused before it starts.
        (lambda s: s.replicate(2**32 - 1), "4294967295 replications are more than the 200000 runs a batch may have"),
        (lambda s: s.run().timeline(width=-1), "width must be a whole number from 0 to 18446744073709551615, not -1"),
        (lambda s: ac.compare(s).timeline(width=-1), "width must be a whole number from 0"),
        (lambda s: ac.sweep(s, vary={"cooks": [1]}, seed=-1), "seed must be a whole number from 0"),
        (lambda s: ac.sweep(s, vary={"cooks": [1]}, threads=-2), "threads must be a whole number from 0"),
        (lambda s: ac.sweep(s, vary={"cooks": [1]}, replications=2**70), "replications must be a whole number from 1"),
        (lambda s: ac.SweepPlan(s, ["cooks=1"], 2).job(-1), "k must be a whole number from 0"),
        (lambda s: s.with_cooks(2**70), "at most 65535 cooks"),
    ],
)
def test_whole_numbers_out_of_range_are_value_errors_naming_the_argument(call, words):
    with pytest.raises(ValueError, match=words):
        call(ac.Scenario.builtin("cafe"))


def test_whole_number_arguments_of_the_wrong_type_are_type_errors_naming_them():
    cafe = ac.Scenario.builtin("cafe")
    with pytest.raises(TypeError, match="seed must be a whole number, not str"):
        cafe.run(seed="x")
    with pytest.raises(TypeError, match="threads must be a whole number, not float"):
        cafe.replicate(2, threads=1.5)
    with pytest.raises(TypeError, match="record must be True, False or a list of table names, not int"):
        cafe.run(record=1)
    with pytest.raises(TypeError, match="record must be True, False or a list of table names"):
        cafe.run(record=[1])
