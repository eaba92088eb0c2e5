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
