"""A non-editable install: the wheel is built and installed into a folder of its own, and a
researcher's `netkg import` in an empty folder is seen by `build`, `query` and `compare` run
from that folder or below it (issue 11: the imported municipality silently did not appear;
`build` refuses its facts, which no source supports, naming the project's file and line)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC = Path(__file__).parent / "entry" / "synthetic"

pytestmark = [pytest.mark.install, pytest.mark.external, pytest.mark.slow]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """netkg's wheel, built from this checkout and installed (without deps) into a folder."""
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (test extra)")
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(REPO)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("netkg-*.whl")
    site = base / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return site


def run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NETKG_ROOT", "COLUMNS")}
    env["PYTHONPATH"] = str(site)  # the installed copy, not this checkout's src/
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env,
        check=False,
    )  # fmt: skip


def test_import_then_build_query_and_compare_see_the_new_municipality(installed, tmp_path):
    where = run(installed, "-c", "import netkg; print(netkg.__file__)", cwd=tmp_path)
    assert where.stdout.strip() == str(installed / "netkg" / "__init__.py")

    imported = run(installed, "-m", "netkg", "import", str(SYNTHETIC), cwd=tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    written = tmp_path / "data" / "municipalities" / "9901-proevekommune.ttl"
    assert written.is_file()
    assert not (
        installed / "netkg" / "_resources" / "data" / "municipalities" / written.name
    ).exists()

    notes = tmp_path / "notes"
    notes.mkdir()  # a sub-folder of the project, as git would find its root
    built = run(installed, "-m", "netkg", "build", cwd=notes)
    # the synthetic municipality has no quotes: the build sees it and refuses its facts, each
    # named with the project's file and line (the shipped data's quotes are all found)
    assert built.returncode == 2, built.stdout + built.stderr
    assert (
        "data/municipalities/9901-proevekommune.ttl:204: doc:proevekommune-artikel "
        "dct:creator person:anna-forfatter is not supported"
    ) in built.stderr
    assert "not found verbatim" not in built.stderr
    assert not (notes / "dist").exists()  # dist/ is the project folder's, found like git's root
    assert not (tmp_path / "dist" / "build-report.json").exists()  # nothing written

    # without a fresh build, query and compare build in memory, where unsupported facts are
    # counted rather than refused: the new municipality is there beside the shipped ones

    counts = run(installed, "-m", "netkg", "query", "counts", "-p", "municipality=proevekommune",
                 "-f", "csv", cwd=tmp_path)  # fmt: skip
    assert counts.returncode == 0, counts.stderr
    assert "answering from an in-memory build (fast engine)" in counts.stderr  # no store
    assert "mun:proevekommune,networks," in counts.stdout  # CSV shows the names netkg prints

    compared = run(installed, "-m", "netkg", "compare", "proevekommune", "albertslund",
                   "--out", "cmp", cwd=tmp_path)  # fmt: skip
    assert compared.returncode == 0, compared.stderr
    assert "Test Municipality" in (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
