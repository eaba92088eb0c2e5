#!/usr/bin/env bash
# The Python package's tests: builds `async-cafe` into a virtual environment with
# maturin (release profile, as `pip install ./crates/cafe-py` does), then runs the
# pytest suite (crates/cafe-py/tests: every built-in against the command and the
# goldens, errors, tables into pandas, polars and DuckDB, the notebook view, Ctrl-C, sweeps
# through a process pool and a real two-worker Dask cluster, the examples and the
# notebook under examples/python, the benchmark in its small mode).
#
#   bash crates/cafe-py/ci.sh            # from anywhere in the repository
#
# CAFE_PY_VENV: where the environment lives (default target/py-venv, reused);
# CAFE_PYTHON: the interpreter that makes it (default python3, 3.9 or later).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${CAFE_PY_VENV:-$root/target/py-venv}
python=${CAFE_PYTHON:-python3}

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q "maturin>=1.9.4,<2" pytest pandas pyarrow polars "duckdb>=1.1" "dask[distributed]" \
  tqdm nbclient nbformat ipykernel matplotlib simpy==4.1.2

# The command the tests compare with.
(cd "$root" && cargo build -q -p cafe)
export CAFE_BIN="$root/target/debug/cafe"

# Build and install the package (an editable install of the release build).
(cd "$here" && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" PYO3_PYTHON="$venv/bin/python" \
  maturin develop --release -q)

# Outside the source tree, so that the installed package is the one imported.
cd "$root/target"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$here/tests"
cafe="$root/target/release/cafe"; [ -x "$cafe" ] || cafe="$root/target/debug/cafe"
"$venv/bin/python" "$here/bench.py" --small --cafe "$cafe"
