"""Same input, byte-identical output: dist/, the diagram, the site and the compare report.

Each command runs twice in fresh processes (so per-process hash salts and clocks differ) and
every file it wrote is compared by hash. The one field allowed to differ is build-report.json's
`timings_seconds`, which measures the run rather than describing its output. dist/store/ is a
database (Oxigraph's RocksDB files), not a document: its bytes carry the run's own ids, so it
is compared by its content — every quad it holds, blank nodes canonically labelled — instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def netkg(cwd: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    done = subprocess.run(
        [sys.executable, "-m", "netkg", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def digests(folder: Path) -> dict[str, str]:
    found = {}
    store = folder / "store"
    if (store / "CURRENT").is_file():
        import pyoxigraph as ox

        from netkg.rdf.store import serialize_canonical

        quads = serialize_canonical(ox.Store.read_only(str(store)), "nq")  # blank nodes labelled
        found["store (its quads)"] = hashlib.sha256(quads).hexdigest()
    files = [
        p for p in folder.rglob("*") if p.is_file() and "store" not in p.relative_to(folder).parts
    ]
    for path in sorted(files):
        data = path.read_bytes()
        if path.name == "build-report.json":
            report = json.loads(data)
            report.pop("timings_seconds")
            data = json.dumps(report, sort_keys=True).encode()
        found[str(path.relative_to(folder))] = hashlib.sha256(data).hexdigest()
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[Path]:
    """Two working folders, each holding the outputs of one run of every command."""
    folders = []
    for n in (1, 2):
        cwd = tmp_path_factory.mktemp(f"run{n}")
        netkg(cwd, "build")
        netkg(cwd, "diagram", "albertslund", "--out", "diagram/albertslund")
        netkg(cwd, "compare", "--out", "compare")
        netkg(cwd, "site", "site")
        folders.append(cwd)
    return folders


@pytest.mark.parametrize("output", ["dist", "diagram", "compare", "site"])
def test_two_runs_write_the_same_bytes(runs, output):
    first, second = (digests(run / output) for run in runs)
    assert first, f"{output} is empty"
    differing = sorted(
        name for name in first.keys() | second.keys() if first.get(name) != second.get(name)
    )
    assert not differing, f"{output}: these files differ between two runs: {differing[:10]}"
