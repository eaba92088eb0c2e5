"""Sweeps: the command's numbers, and the same numbers through any executor,
including a real Dask cluster that loses a worker mid-sweep."""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import threading
import time

import pytest

import async_cafe as ac
from conftest import mmc_toml

VARY = {"cooks": range(1, 3), "policy": ["fifo", "longest-chain"]}


def test_a_sweep_is_the_commands(cafe, tmp_path):
    shop = ac.Scenario.builtin("rush-hour")
    s = ac.sweep(shop, vary=VARY, replications=4, target="left_share <= 0.2", seed=3, progress=False)
    args = ["sweep", "rush-hour", "--vary", "cooks=1..2", "--vary", "policy=fifo,longest-chain",
            "--replications", "4", "--target", "left_share <= 0.2", "--seed", "3"]
    assert s.text == cafe(*args).stdout
    doc = json.loads(cafe(*args, "--format", "json").stdout)
    assert s.json() == doc
    cafe(*args, "--csv", str(tmp_path / "s.csv"))
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    ours, theirs = s.to_pandas(), pd.read_csv(tmp_path / "s.csv")
    assert list(ours.columns) == list(theirs.columns)
    assert ours["cost"].tolist() == theirs["cost"].tolist()
    assert ours["meets_target"].tolist() == theirs["meets_target"].tolist()
    assert s.table.schema["cooks"] == "int64" and s.table.schema["policy"] == "string"
    assert s.configurations == (4, 4)


def test_several_targets_are_all_required_as_the_command_has_them(cafe):
    shop = ac.Scenario.builtin("rush-hour")
    targets = ["p95_time_in_system <= 8", "left_share <= 0.2"]
    s = ac.sweep(shop, vary={"cooks": range(1, 4)}, replications=4, target=targets, seed=3, progress=False)
    args = ["sweep", "rush-hour", "--vary", "cooks=1..3", "--replications", "4", "--seed", "3"]
    for t in targets:
        args += ["--target", t]
    assert s.text == cafe(*args).stdout
    assert s.json() == json.loads(cafe(*args, "--format", "json").stdout)
    # A tuple is a list of targets too; one named twice is refused, in the command's words.
    assert ac.sweep(shop, vary={"cooks": range(1, 4)}, replications=4, target=tuple(targets), seed=3,
                    progress=False).text == s.text
    with pytest.raises(ValueError, match="given twice"):
        ac.sweep(shop, vary={"cooks": [1, 2]}, replications=2, target=[targets[0], targets[0]])
    with pytest.raises(TypeError, match="list of strings"):
        ac.sweep(shop, vary={"cooks": [1, 2]}, replications=2, target=[1, 2])


def test_the_cheapest_configuration_meeting_the_target():
    mmc = ac.Scenario.from_toml(mmc_toml(count=2000), name="mmc")
    s = ac.sweep(mmc, vary={"cooks": range(4, 8)}, replications=5, target="p95_wait <= 2", progress=False)
    assert s.best is not None and s.best.cooks >= 5
    assert s.best.cost == 10 * s.best.cooks
    assert s.answers[0].closest is None


def test_sweep_errors_are_value_errors_in_the_commands_words():
    cafe = ac.Scenario.builtin("cafe")
    with pytest.raises(ValueError, match="cooks"):
        ac.sweep(cafe, vary={"cooks": [0]})
    with pytest.raises(ValueError, match="equipment"):
        ac.sweep(cafe, vary={"equipment.oven": [1, 2]})
    with pytest.raises(ValueError, match="at least 2 replications"):
        ac.sweep(cafe, vary={"cooks": [1, 2]}, replications=1, target="p95_wait <= 1")
    with pytest.raises(ValueError, match="p95_wiat|metric|did you mean"):
        ac.sweep(cafe, vary={"cooks": [1, 2]}, replications=2, target="p95_wiat <= 1")


def test_every_problem_of_a_sweep_is_in_one_value_error():
    cafe = ac.Scenario.builtin("cafe")
    with pytest.raises(ValueError) as raised:
        ac.sweep(cafe, vary={"cooks": [0], "equipment.oven": [1]}, replications=2, target="p95_wiat <= 1")
    lines = str(raised.value).splitlines()
    assert len(lines) == 3, lines
    assert lines[0] == "--vary `cooks=0`: a kitchen needs at least one cook; start at 1"
    assert lines[1].startswith("--vary `equipment.oven=1`: the kitchen has no equipment `oven`")
    assert lines[2].startswith("--target `p95_wiat <= 1`")


def test_a_process_pool_gives_the_local_sweep():
    shop = ac.Scenario.builtin("rush-hour")
    local = ac.sweep(shop, vary=VARY, replications=3, target="left_share <= 0.2", progress=False)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        remote = ac.sweep(shop, vary=VARY, replications=3, target="left_share <= 0.2", executor=pool, progress=False)
    assert remote.json() == local.json()
    assert remote.text == local.text


def test_jobs_gathered_in_any_order_give_the_local_sweep():
    shop = ac.Scenario.builtin("coffee-shop")
    plan = ac.SweepPlan(shop, ["cooks=1..2"], 3)
    results = [None] * plan.jobs
    for k in reversed(range(plan.jobs)):
        results[k] = plan.job(k)
    assert plan.gather(results).json() == plan.run().json()
    results[0] = None
    partial = plan.gather(results)
    assert partial.interrupted and partial.configurations == (2, 1)
    with pytest.raises(ValueError):
        plan.gather(results[:-1])
    with pytest.raises(ValueError, match="corrupt|cut short|version"):
        plan.gather([b"\x01junk"] * plan.jobs)


class CountingExecutor:
    """Wraps an executor, keeping its futures (to know how far the sweep is)."""

    def __init__(self, inner):
        self.inner = inner
        self.futures = []

    def submit(self, fn, *args, **kwargs):
        f = self.inner.submit(fn, *args, **kwargs)
        self.futures.append(f)
        return f


def test_a_sweep_through_an_executor_stopped_by_a_signal_handler_cancels_its_tasks():
    """Stopped by a handler that raises something other than KeyboardInterrupt (a
    SIGALRM handler's TimeoutError), a sweep through an executor cancels the tasks
    not started, so that the end of the executor's `with` block does not run them
    all first, and raises the handler's exception with the sweep so far as its
    `.result`."""
    mmc = ac.Scenario.from_toml(mmc_toml(count=200_000), name="mmc")  # 20 to 150 ms a run

    def on_alarm(signum, frame):
        raise TimeoutError("took too long")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            counting = CountingExecutor(pool)
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(TimeoutError, match="^took too long$") as info:
                # 200 runs: 4 to 30 s, unless the runs not started are cancelled.
                ac.sweep(mmc, vary={"cooks": range(4, 8)}, replications=50, executor=counting, progress=False)
        took = time.perf_counter() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert took < 3, took
    assert len(counting.futures) == 200
    # At most the runs 0.3 s and the one under way allow were run (a fast machine
    # ran 52 of 60,000 customers each); every other was cancelled.
    assert sum(f.cancelled() for f in counting.futures) > 150
    assert all(f.cancelled() or f.done() for f in counting.futures)
    partial = info.value.result
    assert partial.interrupted and partial.configurations[1] < 4


class CtrlCWhileSubmitting(CountingExecutor):
    """Ctrl-C comes in the middle of the third `submit`, before it hands the task on."""

    def submit(self, fn, *args, **kwargs):
        if len(self.futures) == 2:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)  # Python runs the handler here, unless it is held.
        return super().submit(fn, *args, **kwargs)


def test_ctrl_c_while_a_sweep_submits_lets_that_submit_end_and_cancels_every_task():
    """A KeyboardInterrupt inside an executor's `submit` can leave the executor's locks
    held (CPython's ProcessPoolExecutor then never shuts down): the sweep holds Ctrl-C
    until the submit in progress returns, then stops, cancelling every task it
    submitted."""
    mmc = ac.Scenario.from_toml(mmc_toml(count=600_000), name="mmc")  # about 0.1 s a run
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        counting = CtrlCWhileSubmitting(pool)
        with pytest.raises(ac.Interrupted) as info:
            ac.sweep(mmc, vary={"cooks": range(4, 8)}, replications=50, executor=counting, progress=False)
    assert len(counting.futures) == 3, "the submit under way when Ctrl-C came did not end"
    assert all(f.done() for f in counting.futures)
    assert sum(f.cancelled() for f in counting.futures) >= 2
    assert info.value.result.interrupted
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_dask_cluster_gives_the_local_sweep_even_when_a_worker_dies():
    distributed = pytest.importorskip("distributed")
    # Runs of about 50 ms each: enough for a worker to die with runs pending.
    mmc = ac.Scenario.from_toml(mmc_toml(count=60_000), name="mmc")
    vary = {"cooks": range(4, 7)}
    local = ac.sweep(mmc, vary=vary, replications=12, target="p95_wait <= 2", progress=False)
    with distributed.LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1",
        dashboard_address=None, silence_logs=40,
    ) as cluster, distributed.Client(cluster) as client:
        # Plainly distributed: the same numbers.
        remote = ac.sweep(mmc, vary=vary, replications=12, target="p95_wait <= 2", executor=client, progress=False)
        assert remote.json() == local.json()

        # Now kill a worker (SIGKILL: no goodbye) once some runs are done: Dask runs
        # its tasks again elsewhere, and nothing is lost or counted twice.
        pids = list(client.run(os.getpid).values())
        assert len(pids) == 2
        counting = CountingExecutor(client)
        killed = {}

        def killer():
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                done = sum(f.done() for f in counting.futures)
                if done >= 4:
                    killed["done"] = done
                    killed["total"] = len(counting.futures)
                    os.kill(pids[0], signal.SIGKILL)
                    return
                time.sleep(0.005)

        t = threading.Thread(target=killer)
        t.start()
        again = ac.sweep(mmc, vary=vary, replications=12, target="p95_wait <= 2", executor=counting, progress=False)
        t.join()
        assert killed, "the sweep finished before a worker could be killed"
        assert killed["done"] < killed["total"] == 36
        assert again.json() == local.json()


def test_several_targets_give_a_bool_column_per_target(cafe, tmp_path):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    shop = ac.Scenario.builtin("rush-hour")
    targets = ["p95_time_in_system <= 8", "left_share <= 0.05"]
    s = ac.sweep(shop, vary={"cooks": [2, 3]}, replications=5, target=targets, seed=3, progress=False)
    columns = [f"meets: {t}" for t in targets]
    assert [s.table.schema[c] for c in columns] == ["bool", "bool"]
    args = ["sweep", "rush-hour", "--vary", "cooks=2,3", "--replications", "5", "--seed", "3",
            "--target", targets[0], "--target", targets[1], "--csv", str(tmp_path / "s.csv")]
    cafe(*args)
    theirs = pd.read_csv(tmp_path / "s.csv")
    ours = s.to_pandas()
    assert list(ours.columns) == list(theirs.columns)
    for c in columns + ["meets_target"]:
        assert ours[c].dtype == bool and ours[c].tolist() == theirs[c].tolist(), c
    assert s.to_polars()[columns[1]].dtype == pl.Boolean
    assert s.table.column(columns[0]) == ours[columns[0]].tolist()


def test_numpy_values_and_whole_floats_can_be_varied():
    np = pytest.importorskip("numpy")
    takeaway = ac.Scenario.builtin("takeaway")

    def rows(vary):
        return ac.sweep(takeaway, vary=vary, replications=2, progress=False).json()["sweep"]

    assert rows({"arrivals.rate": np.linspace(0.5, 1.0, 3)}) == rows({"arrivals.rate": [0.5, 0.75, 1.0]})
    assert rows({"arrivals.rate": np.float64(0.5)}) == rows({"arrivals.rate": [0.5]})
    cooks = rows({"cooks": [1, 2]})
    assert rows({"cooks": np.arange(1, 3)}) == cooks
    assert rows({"cooks": [np.int64(1), np.int32(2)]}) == cooks
    assert rows({"cooks": [1.0, 2.0]}) == cooks
    assert rows({"cooks": np.array([1.0, 2.0])}) == cooks
    assert rows({"cooks": np.int64(2)}) == rows({"cooks": [2]})
    # A count that is not whole is still refused, saying so.
    with pytest.raises(ValueError, match="`1.5` is not a whole number"):
        rows({"cooks": [1.5, 2]})
    with pytest.raises(TypeError, match="bool"):
        rows({"cooks": [np.True_]})
    # The changes take them too.
    assert takeaway.with_cooks(2.0).cooks == takeaway.with_cooks(np.int64(2)).cooks == 2
    with pytest.raises(ValueError, match="not a whole number"):
        takeaway.with_cooks(1.5)
    assert takeaway.replace(cooks=np.float64(3)).cooks == 3


def test_gather_refuses_results_of_another_plan_or_of_the_wrong_job():
    a = ac.SweepPlan(ac.Scenario.builtin("takeaway"), ["cooks=1..2"], 2)
    b = ac.SweepPlan(ac.Scenario.builtin("rush-hour"), ["cooks=1..2"], 2)
    theirs = [a.job(k) for k in range(a.jobs)]
    with pytest.raises(ValueError, match="result 0 is not a result of this sweep plan"):
        b.gather(theirs)
    # The same sweep but another seed is another plan too.
    reseeded = ac.SweepPlan(ac.Scenario.builtin("takeaway"), ["cooks=1..2"], 2, seed=9)
    with pytest.raises(ValueError, match="not a result of this sweep plan"):
        reseeded.gather(theirs)
    # In the wrong place: job 0's result given for every job.
    with pytest.raises(ValueError, match="result 1 is job 0's, not job 1's"):
        a.gather([a.job(0)] * a.jobs)
    with pytest.raises(ValueError, match="result 0 is job 3's, not job 0's"):
        a.gather(list(reversed(theirs)))
    # The same plan made again (as a worker makes it) takes them.
    again = ac.SweepPlan(ac.Scenario.builtin("takeaway"), ["cooks=1,2"], 2, threads=1)
    assert again.gather(theirs).json() == a.run().json()


def test_progress_and_target_of_the_wrong_type_are_type_errors_naming_them():
    import inspect

    cafe = ac.Scenario.builtin("cafe")
    for bad in ("no", 1):
        with pytest.raises(TypeError, match="progress must be True, False or None, not"):
            ac.sweep(cafe, vary={"cooks": [1, 2]}, replications=2, progress=bad)
        with pytest.raises(TypeError, match="progress must be True, False or None, not"):
            cafe.replicate(2, progress=bad)
    with pytest.raises(TypeError, match="target must be a string or a list of strings.*not int"):
        ac.sweep(cafe, vary={"cooks": [1, 2]}, replications=2, target=5)
    with pytest.raises(TypeError, match="target must be a string or a list of strings.*not int"):
        ac.SweepPlan(cafe, ["cooks=1..2"], 2, target=5)
    assert "mode='async'" in str(inspect.signature(ac.SweepPlan))
