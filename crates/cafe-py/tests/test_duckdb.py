"""DuckDB reads a run's and a sweep's tables where they are (the Arrow PyCapsule
interface, `__arrow_c_stream__`): by name in SQL (a replacement scan of a Python
variable) and through `from_arrow`, with the run's own numbers."""

from __future__ import annotations

import pytest

import async_cafe as ac
from conftest import mmc_toml

duckdb = pytest.importorskip("duckdb")


def test_duckdb_queries_a_runs_orders_and_events_by_name():
    run = ac.Scenario.builtin("rush-hour").run(seed=5)
    orders, events = run.orders, run.events  # noqa: F841 (read by name in the SQL)
    stats = run.stats
    n, served, mean = duckdb.sql("select count(*), count(served_s), avg(time_in_system_s) from orders").fetchall()[0]
    assert n == stats.served + stats.left + stats.balked == len(orders)
    assert served == stats.served
    # The same mean as the library's statistic (summed in another order: the last bit may differ).
    assert mean == pytest.approx(stats.time_in_system.mean_s, rel=1e-12)
    (p95,) = duckdb.sql("select quantile_disc(time_in_system_s, 0.95) from orders where served_s is not null").fetchall()[0]
    assert p95 > mean
    kinds = dict(duckdb.sql("select kind, count(*) from events group by kind").fetchall())
    assert kinds["served"] == stats.served and kinds["left"] == stats.left and kinds["arrived"] == n
    # The column types as documented: seconds DOUBLE, ids BIGINT, names VARCHAR.
    types = {name: t for name, t, *_ in duckdb.sql("describe orders").fetchall()}
    assert (types["id"], types["customer"], types["served_s"]) == ("BIGINT", "VARCHAR", "DOUBLE")


def test_duckdb_reads_the_tables_through_from_arrow_on_a_connection():
    run = ac.Scenario.builtin("cafe").run(mode="sync")
    con = duckdb.connect()
    rows = con.from_arrow(run.orders).order("id").project("customer, served_s").fetchall()
    assert rows == [("Customer 1", 5.0), ("Customer 2", 10.0)]
    assert con.from_arrow(run.events).filter("kind = 'served'").count("*").fetchall()[0] == (2,)
    # A table is read afresh each time (DuckDB may ask for the stream more than once).
    assert duckdb.from_arrow(run.orders).count("*").fetchall()[0] == (2,)


def test_duckdb_queries_a_sweeps_table():
    mmc = ac.Scenario.from_toml(mmc_toml(count=2000), name="mmc")
    s = ac.sweep(mmc, vary={"cooks": range(4, 8)}, replications=5, target="p95_wait <= 2", progress=False)
    sweep_table = s.table  # noqa: F841
    assert duckdb.sql("select count(*) from sweep_table").fetchall()[0] == (4,)
    cooks, cost = duckdb.sql("select cooks, cost from sweep_table where meets_target order by cost limit 1").fetchall()[0]
    assert (cooks, cost) == (s.best.cooks, s.best.cost)
    # Replications' estimates, as the sweep's own table has them.
    means = duckdb.sql("select p95_wait_s_mean from sweep_table order by cooks").fetchall()
    assert [m for (m,) in means] == s.table.column("p95_wait_s_mean")


def test_the_docs_query_finds_the_cheapest_row_whatever_the_currency():
    """docs/python.md's query: the cost column is `cost_EUR` when the scenario names
    its currency."""
    euros = mmc_toml(count=1000).replace("cook_cost = 10", 'cook_cost = 10\ncurrency = "EUR"')
    mmc = ac.Scenario.from_toml(euros, name="mmc")
    s = ac.sweep(mmc, vary={"cooks": range(4, 8)}, replications=4, target="p95_wait <= 2", progress=False)
    sweep_table = s.table  # noqa: F841
    assert "cost_EUR" in s.table.column_names and "cost" not in s.table.column_names
    cheapest = duckdb.sql(
        "select cooks, columns('^cost') from sweep_table where meets_target order by 2 limit 1"
    ).fetchall()
    assert cheapest == [(s.best.cooks, s.best.cost)]
