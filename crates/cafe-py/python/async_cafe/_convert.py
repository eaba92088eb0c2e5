"""Helpers of the native module: records, conversions and notebook views.

Nothing here computes a statistic: every number comes from the library, as JSON
or as an Arrow table.
"""

from __future__ import annotations

import html
import json
import warnings
from typing import Any, Optional


class Record(dict):
    """A dict whose keys also read as attributes: ``stats.wait.p95_s``."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no {name!r} here; the keys are {sorted(self)}") from None

    def __dir__(self):  # tab completion in notebooks
        return list(self.keys()) + list(dict.__dir__(self))


class Estimate(Record):
    """A statistic estimated over replications: ``mean``, ``sd``, ``half_width_95``
    and ``n`` as the library computes them, and ``low`` and ``high``, the ends of
    the 95% confidence interval ``mean ± half_width_95`` (None, as
    ``half_width_95`` is, when there is no interval: with one replication)."""

    __slots__ = ()

    @property
    def low(self) -> Optional[float]:
        mean, half = self["mean"], self["half_width_95"]
        return None if mean is None or half is None else mean - half

    @property
    def high(self) -> Optional[float]:
        mean, half = self["mean"], self["half_width_95"]
        return None if mean is None or half is None else mean + half

    def __repr__(self) -> str:
        return f"Estimate({self['mean']!r} ± {self['half_width_95']!r}, n={self['n']})"


_ESTIMATE_KEYS = {"mean", "sd", "half_width_95", "n"}


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        cls = Estimate if set(value) == _ESTIMATE_KEYS else Record
        return cls((k, _wrap(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def record(text: str) -> Any:
    """A JSON text as records (null becomes None, and a NaN of one replication too)."""
    return _wrap(json.loads(text))


def side(label: str, mode: str, policy: str, makespan: float, stats: str) -> Record:
    return Record(label=label, mode=mode, policy=policy, makespan=makespan, stats=record(stats))


def answer(rate, best, closest, passed_over) -> Record:
    def named(x):
        if x is None:
            return None
        values, cost = x
        r = Record((name, _value(v)) for name, v in values)
        r["cost"] = cost
        return r

    return Record(rate=rate, best=named(best), closest=named(closest), passed_over=named(passed_over))


def _value(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def warn(message: str) -> None:
    if message.startswith("warning: "):
        message = message[len("warning: "):]
    warnings.warn(message, RuntimeWarning, stacklevel=2)


def to_pandas(table):
    """An Arrow PyCapsule table as a pandas DataFrame (through pyarrow).

    Numbers are numpy ``int64``/``float64`` columns (a missing number is NaN, and
    a whole-number column with a missing value becomes ``float64``), strings
    pandas' string dtype (``str`` in pandas 3, ``object`` before). Each column
    stays a block of its own (``split_blocks``): pandas does not copy the float
    columns into one 2-D block, which took most of the time for a large table.
    """
    try:
        import pyarrow
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pyarrow and pandas: pip install pandas pyarrow") from e
    return pyarrow.table(table).to_pandas(split_blocks=True)


def to_polars(table):
    """An Arrow PyCapsule table as a polars DataFrame."""
    try:
        import polars
    except ImportError as e:  # pragma: no cover
        raise ImportError("to_polars() needs polars: pip install polars") from e
    return polars.DataFrame(table)


# Past this many orders the notebook view leaves the timeline out (it would run the
# scenario again); run.timeline() draws it on demand.
_TIMELINE_ORDERS = 100_000


def run_html(run) -> str:
    """What a Run shows in Jupyter: its totals, statistics and timeline."""
    s = run.stats
    # The statistics as the command prints them: the library lays them out, not this view.
    stats = f"<pre style='line-height:1.2'>{html.escape(run.stats_text())}</pre>"
    title = (
        f"<b>{html.escape(run.scenario)}</b>: {run.mode} kitchen, {run.clock} clock, seed {run.seed}, "
        f"makespan {run.makespan:.2f} s"
    )
    if run.stopped:
        title += f" ({html.escape(run.stopped)})"
    timeline = ""
    if run.finished or run.clock == "real":
        if s["served"] + s["left"] + s["balked"] <= _TIMELINE_ORDERS:
            try:
                timeline = f"<pre style='line-height:1.1'>{html.escape(run.timeline(width=100))}</pre>"
            except ValueError:
                timeline = ""
    return f"<div>{title}{stats}{timeline}</div>"


def comparison_html(cmp) -> str:
    return (
        f"<div><b>speedup {cmp.speedup:.2f}×</b>"
        f"<pre style='line-height:1.1'>{html.escape(cmp.timeline(width=100))}</pre>"
        f"<pre>{html.escape(cmp.table())}</pre></div>"
    )
