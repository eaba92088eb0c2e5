"""The Python examples and the notebook under examples/python, run for real."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT

EXAMPLES = ROOT / "examples" / "python"


def run(*args: str) -> str:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_coffee_shop_prints_its_day_as_it_happens():
    # At 20× its real speed: the day of about 20 s takes about a second.
    out = run(str(EXAMPLES / "coffee_shop.py"), "--speed", "20")
    import async_cafe as ac

    want = ac.Scenario.builtin("coffee-shop").run().text
    # The measured total of the real clock may differ in the last digit.
    lines = out.splitlines()
    assert lines[: len(want.splitlines()) - 1] == want.splitlines()[:-1]
    assert "customers served in" in out


def test_the_staffing_sweep_answers_and_plots(tmp_path):
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    plot = tmp_path / "rush.png"
    out = run(str(EXAMPLES / "staffing_sweep.py"), "--replications", "5", "--plot", str(plot))
    assert "cheapest configuration" in out or "no kitchen" in out
    assert plot.stat().st_size > 1000


def test_the_notebook_runs():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(EXAMPLES / "quickstart.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("text/html" in o.get("data", {}) for o in shown)
