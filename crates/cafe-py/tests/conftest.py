"""Shared fixtures: the repository's root, the `cafe` command, scenario helpers."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


def cafe_binary():
    """The `cafe` command to compare with: $CAFE_BIN, else target/{debug,release}/cafe."""
    env = os.environ.get("CAFE_BIN")
    if env:
        return env
    for profile in ("debug", "release"):
        p = ROOT / "target" / profile / "cafe"
        if p.exists():
            return str(p)
    return shutil.which("cafe")


@pytest.fixture(scope="session")
def cafe():
    """Runs the `cafe` command and returns its stdout; skips when it is not built."""
    binary = cafe_binary()
    if binary is None:
        pytest.skip("the cafe command is not built (cargo build -p cafe), and CAFE_BIN is not set")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        # Without COLUMNS: the command would fit its tables to it, the library does not.
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        return subprocess.run([binary, *args], capture_output=True, text=True, check=check, env={**env, "NO_COLOR": "1"})

    return run


def mmc_toml(cooks: int = 4, rate: float = 3.6, count: int = 1000, seed: int = 1) -> str:
    """An M/M/c café, as benches/mmc.rs builds it."""
    return f"""
seed = {seed}
[kitchen]
cooks = {cooks}
cook_cost = 10
[recipes.coffee]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = 1.0 }} }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {count}
rate = {rate}
"""
