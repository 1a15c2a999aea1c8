#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine and run them: a virtualenv with netkg and
# its test extras, the Debian packages (scripts/install-system-deps.sh), then the checks a
# maintained project runs on every change — ruff (lint and format) and mypy on src/ — and pytest
# on two processes (pytest-xdist; tests that share a port, a global or a cache carry
# xdist_group marks, kept together by --dist loadgroup).
#
#   bash scripts/test.sh            everything (the README's test command; .ci/run calls it)
#   bash scripts/test.sh --quick    all but the `external` lane (Java, Virtuoso, Chromium, an
#                                   installed wheel, the notebook): the edit-test loop; the
#                                   virtualenv and Debian packages are set up only if missing
#
# Other arguments go to pytest, e.g. `bash scripts/test.sh --quick -k catalogue` or `-n 0` for
# one process.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=""
args=()
for arg in "$@"; do
    if [ "$arg" = "--quick" ]; then quick=1; else args+=("$arg"); fi
done

if [ -z "$quick" ] || [ ! -x .venv/bin/python ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
fi
if [ -z "$quick" ]; then
    bash scripts/install-system-deps.sh
fi
export PATH="$PWD/.venv/bin:$PATH"
echo "[test] ruff check" >&2
.venv/bin/ruff check src tests benchmarks
echo "[test] ruff format --check" >&2
.venv/bin/ruff format --check --quiet src tests benchmarks
echo "[test] mypy (src/)" >&2
.venv/bin/mypy
lane=()
if [ -n "$quick" ]; then lane=(-m "not external"); fi
echo "[test] pytest${quick:+ (quick: not external)}" >&2
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "${lane[@]}" "${args[@]}"
