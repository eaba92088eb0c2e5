"""Sweeps: the grid given as a dict, run here or through any executor.

Run here, every configuration × replication runs on the engine's own threads. Given
an executor (``concurrent.futures.ProcessPoolExecutor``, a ``dask.distributed.Client``
or anything with ``submit(fn, *args)`` returning a future), each run is one task;
the results are gathered in job order, so the sweep is exactly the local one (the
same derived seeds: common random numbers), whatever the workers.
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import operator
import pickle
import signal
import sys
import threading
from typing import Any, Iterable, Mapping, Optional, Union

from . import _native

VaryValues = Union[str, range, Iterable[Any]]


def vary_specs(vary: Optional[Mapping[str, VaryValues]]) -> list:
    """``{"cooks": range(3, 8)}`` as the command's ``--vary cooks=3..7``."""
    if vary is None:
        return []
    if not isinstance(vary, Mapping):
        raise TypeError(f"vary must be a dict of parameter → values, not {type(vary).__name__}")
    specs = []
    for name, values in vary.items():
        if not isinstance(name, str):
            raise TypeError(f"vary's keys are parameter names (str), not {type(name).__name__}")
        if isinstance(values, str):
            text = values
        elif isinstance(values, range) and values.step == 1 and len(values) > 0:
            text = f"{values.start}..{values.stop - 1}"
        elif _is_bool(values) or _is_number(values):
            text = _one(name, values)
        else:
            try:
                items = list(values)
            except TypeError:
                raise TypeError(
                    f"vary[{name!r}] must be a range, a list of values or a string like '1..4', "
                    f"not {type(values).__name__}"
                ) from None
            text = ",".join(_one(name, v) for v in items)
        specs.append(f"{name}={text}")
    return specs


def _is_bool(v: Any) -> bool:
    """A bool, Python's or numpy's (``numpy.bool``; ``numpy.bool_`` before numpy 2)."""
    return isinstance(v, bool) or type(v).__name__ in ("bool", "bool_")


def _is_number(v: Any) -> bool:
    """An int, a float, or a number like them (numpy's ``int64``, ``float64``...)."""
    if isinstance(v, numbers.Real):
        return True
    try:
        operator.index(v)
    except TypeError:
        return False
    return True


def _is_count(name: str) -> bool:
    """Whether ``name``'s values are counts (cooks, capacities), not rates."""
    return name == "cooks" or name.startswith("equipment.")


def _one(name: str, v: Any) -> str:
    """One value of ``vary[name]`` as ``--vary`` writes it: an integer (a numpy one
    too) as it is, a float by ``repr(float(v))`` (``numpy.float64(0.5)`` is ``0.5``),
    and a whole float of a count (``2.0`` cooks, from a float column) as the integer
    it is; a count that is not whole goes as it is, and the library says so."""
    if _is_bool(v):
        raise TypeError(f"a value to vary cannot be a bool ({v!r})")
    if isinstance(v, str):
        return v
    try:
        return str(operator.index(v))
    except TypeError:
        pass
    if isinstance(v, numbers.Real):
        x = float(v)
        if _is_count(name) and x.is_integer():
            return str(int(x))
        return repr(x)
    raise TypeError(f"a value to vary is a number or a policy's name, not {type(v).__name__}")


def check_progress(progress: Any) -> None:
    """``progress=``: True, False or None (a bar when one can be seen)."""
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, not {type(progress).__name__}")


def _progress_bar(progress: Optional[bool], total: int, desc: str):
    """A tqdm bar (terminal or notebook), or None."""
    check_progress(progress)
    if progress is False:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    if progress is None:
        interactive = hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
        in_notebook = "ipykernel" in sys.modules
        if not (interactive or in_notebook):
            return None
    return tqdm(total=total, desc=desc, unit="run")


def run_local(plan: "_native.SweepPlan", progress: Optional[bool]):
    bar = _progress_bar(progress, plan.jobs, "sweep")
    if bar is None:
        return plan.run()

    def update(done: int, total: int) -> None:
        bar.update(done - bar.n)

    try:
        return plan.run(update)
    finally:
        bar.close()


@functools.lru_cache(maxsize=8)
def _plan(key: bytes) -> "_native.SweepPlan":
    scenario, args = pickle.loads(key)
    return _native.SweepPlan(scenario, *args)


def run_job(scenario_and_args: bytes, k: int) -> bytes:
    """One run of a sweep, in a worker: job ``k`` of the plan (cached per process)."""
    return _plan(scenario_and_args).job(k)


@contextlib.contextmanager
def _ctrl_c_held():
    """Holds Ctrl-C (SIGINT) until the block ends, then raises it again for the
    handler that was there (Python's raises ``KeyboardInterrupt``). Yields a list
    that is not empty once Ctrl-C came, so that the block can end early.

    A ``KeyboardInterrupt`` inside an executor's ``submit`` can leave one of the
    executor's locks held (a ``with lock:`` is not atomic with respect to signals):
    CPython's ``ProcessPoolExecutor`` then never shuts down, and the end of its
    ``with`` block hangs. Only the main thread runs signal handlers; in another
    thread, or with a handler Python did not install, nothing is held.
    """
    came: list = []
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield came
        return
    signal.signal(signal.SIGINT, lambda signum, frame: came.append(signum))
    try:
        yield came
    finally:
        signal.signal(signal.SIGINT, previous)
        if came:
            signal.raise_signal(signal.SIGINT)


def run_executor(plan: "_native.SweepPlan", scenario, args: tuple, executor, progress: Optional[bool]):
    key = pickle.dumps((scenario, args))
    n = plan.jobs
    bar = _progress_bar(progress, n, "sweep")
    futures = []
    results: list = [None] * n
    try:
        # Each submit whole (Ctrl-C waits for the one in progress), and each one
        # known, so that a stop cancels every task submitted.
        with _ctrl_c_held() as ctrl_c:
            for k in range(n):
                futures.append(executor.submit(run_job, key, k))
                if ctrl_c:
                    break
        for k, f in enumerate(futures):
            results[k] = f.result()
            if bar is not None:
                bar.update(1)
    except BaseException as stop:
        # Whatever stopped the wait (Ctrl-C, another signal's handler, a task that
        # failed), the tasks not started are cancelled: an executor's shutdown
        # (the end of a ``with`` block) would otherwise run them all first.
        for f in futures:
            f.cancel()
        for k, f in enumerate(futures):
            if results[k] is None and f.done() and not f.cancelled():
                try:
                    results[k] = f.result()
                except BaseException:  # a cancelled or failed task: not run
                    pass
        if not isinstance(stop, KeyboardInterrupt):
            # As a sweep run here: raised as it came, the sweep so far as its
            # ``.result`` when it takes one and has none of its own.
            if not hasattr(stop, "result"):
                try:
                    stop.result = plan.gather(results)
                except Exception:
                    pass
            raise
        e = _native.Interrupted(
            "the sweep was interrupted; what had run by then is in this exception's .result"
        )
        e.result = plan.gather(results)
        raise e from None
    finally:
        if bar is not None:
            bar.close()
    return plan.gather(results)
