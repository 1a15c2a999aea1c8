#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine and run them: a virtualenv with netkg and
# its test extras, the Debian packages (scripts/install-system-deps.sh), then the checks a
# maintained project runs on every change — ruff (lint and format) and mypy on src/ — and pytest.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k catalogue`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
bash scripts/install-system-deps.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "[test] ruff check" >&2
.venv/bin/ruff check src tests benchmarks
echo "[test] ruff format --check" >&2
.venv/bin/ruff format --check --quiet src tests benchmarks
echo "[test] mypy (src/)" >&2
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
