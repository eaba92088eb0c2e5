"""Async Café from Python: a café and kitchen simulator whose engine follows
asyncio's event-loop semantics exactly (the engine of the ``cafe`` command).

>>> import async_cafe as ac
>>> cafe = ac.Scenario.builtin("cafe")
>>> run = cafe.run()
>>> run.narrative[-1]
(5.0, 'Serving 2 customers took 5.00 seconds')
>>> ac.compare(cafe).speedup
2.0

See docs/python.md in the repository for the whole API.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Union

from . import _sweep
from ._convert import Estimate, Record
from ._native import (
    Comparison,
    Interrupted,
    OverrunError,
    Problem,
    Replication,
    Run,
    Scenario,
    ScenarioError,
    Sweep,
    SweepPlan,
    Table,
)

__all__ = [
    "Comparison",
    "Estimate",
    "Interrupted",
    "OverrunError",
    "Problem",
    "Record",
    "Replication",
    "Run",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "SweepPlan",
    "Table",
    "builtins",
    "compare",
    "replicate",
    "sweep",
]

__version__ = "0.1.0"


def builtins() -> Dict[str, str]:
    """The built-in scenarios: name → one-line summary, in ``cafe list``'s order."""
    from ._native import builtins as _b

    return dict(_b())


def compare(
    scenario: Scenario,
    seed: Optional[int] = None,
    policies: Union[str, Sequence[str], None] = None,
    order_lanes: bool = False,
) -> Comparison:
    """Both kitchens of ``scenario`` (or, with ``policies``, the asynchronous kitchen
    under each dispatch policy: a name, a comma-separated list of names or a list)
    on the virtual clock with the same seed; see ``Scenario.compare``."""
    return scenario.compare(seed=seed, policies=policies, order_lanes=order_lanes)


def replicate(scenario: Scenario, replications: int = 20, **kwargs: Any) -> Replication:
    """``scenario.replicate(replications, ...)``: independent replications with 95%
    confidence intervals."""
    return scenario.replicate(replications, **kwargs)


def sweep(
    scenario: Scenario,
    vary: Optional[Mapping[str, Any]] = None,
    replications: int = 20,
    target: Union[str, Sequence[str], None] = None,
    *,
    mode: str = "async",
    seed: Optional[int] = None,
    warmup: Optional[float] = None,
    threads: int = 0,
    executor: Any = None,
    progress: Optional[bool] = None,
) -> Sweep:
    """Runs ``scenario`` over a grid of kitchens and finds the cheapest meeting ``target``.

    ``vary`` maps what to vary to its values, as ``cafe sweep --vary`` takes them:
    ``{"cooks": range(3, 8), "equipment.espresso_machine": [1, 2],
    "arrivals.rate": [0.5, 1.0], "policy": ["fifo", "longest-chain"]}`` (a value may
    also be the command's text, ``"3..7"``). Each configuration runs ``replications``
    times on the virtual clock with the same derived seeds (common random numbers).
    ``target`` is ``"METRIC OP VALUE"`` (``"p95_time_in_system <= 8"``, in the
    scenario's unit), met with 95% confidence; or a list of them, all required
    (``["p95_time_in_system <= 5", "left_share <= 0.02"]``), as repeated
    ``cafe sweep --target`` takes them.

    Runs here on ``threads`` threads (0: one per core), or, with ``executor`` (any
    ``concurrent.futures.Executor``, or a ``dask.distributed.Client``), one task per
    run: the result is identical either way. ``progress``: True or False, show a
    tqdm bar or not (None: when tqdm is installed and on a terminal or in a
    notebook). Ctrl-C keeps the configurations that finished and raises
    ``Interrupted`` with the partial sweep as ``.result``; run here, it lets the
    runs in progress finish first.
    """
    specs = _sweep.vary_specs(vary)
    _sweep.check_progress(progress)
    if target is not None and not isinstance(target, str):
        try:
            target = list(target)
        except TypeError:
            raise TypeError(
                f"target must be a string or a list of strings (all required), not {type(target).__name__}"
            ) from None
    args = (specs, replications, target, mode, seed, warmup, threads)
    plan = SweepPlan(scenario, *args)
    if executor is None:
        return _sweep.run_local(plan, progress)
    return _sweep.run_executor(plan, scenario, args, executor, progress)
