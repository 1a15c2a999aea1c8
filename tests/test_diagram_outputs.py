"""`netkg diagram`'s outputs (issue 22, item 9 and the cosmetic list): a drawing as of a day is
named with the day, netkg replaces the drawings it wrote itself without --force but never a
file of the user's, and the labels default to English, as in query and compare."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from netkg.report.diagram import MARK, default_stem, written_by_netkg
from support.cli import netkg_cli


def diagram(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`netkg diagram ARGS` in `cwd` (in this process: support.cli)."""
    return netkg_cli("diagram", *args, cwd=cwd)


@pytest.fixture
def folder(tmp_path: Path, graph_file: Path) -> Path:
    (tmp_path / "graph.trig").symlink_to(graph_file)
    return tmp_path


def test_the_default_name_carries_the_day():
    assert default_stem("albertslund") == Path("albertslund-organisation")
    assert default_stem("mun:albertslund", "2012-12-31") == Path(
        "albertslund-organisation-2012-12-31"
    )


def test_netkg_replaces_its_own_drawings_and_refuses_the_users(folder):
    graph = ("--graph", "graph.trig")
    first = diagram("albertslund", *graph, cwd=folder)
    assert first.returncode == 0, first.stderr
    dated = diagram("albertslund", "--as-of", "2012-12-31", *graph, cwd=folder)
    assert dated.returncode == 0, dated.stderr
    assert "wrote albertslund-organisation-2012-12-31.svg" in dated.stdout
    again = diagram("albertslund", *graph, cwd=folder)  # its own drawing: replaced, no --force
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in folder.glob("albertslund-*")) == [
        "albertslund-organisation-2012-12-31.png",
        "albertslund-organisation-2012-12-31.svg",
        "albertslund-organisation.png",
        "albertslund-organisation.svg",
    ]
    for path in folder.glob("albertslund-*"):
        assert written_by_netkg(path), path
    mine = folder / "mine.png"
    mine.write_bytes(b"a picture of my own")
    refused = diagram("albertslund", "--out", "mine", *graph, cwd=folder)
    assert refused.returncode == 2
    assert "mine.png exists (file); use --force to replace it" in refused.stderr
    assert mine.read_bytes() == b"a picture of my own"
    forced = diagram("albertslund", "--out", "mine", "--force", *graph, cwd=folder)
    assert forced.returncode == 0 and written_by_netkg(mine)


def test_the_marks_keep_the_files_valid(folder):
    from PIL import Image

    done = diagram("albertslund", "--graph", "graph.trig", cwd=folder)
    assert done.returncode == 0, done.stderr
    image = Image.open(folder / "albertslund-organisation.png")
    image.load()  # a broken chunk (CRC) would raise here
    assert image.info["Software"] == MARK
    svg = (folder / "albertslund-organisation.svg").read_text(encoding="utf-8")
    assert svg.splitlines()[1] == f"<!-- {MARK} -->"


def test_labels_default_to_english(folder):
    done = diagram("albertslund", "--graph", "graph.trig", cwd=folder)
    assert done.returncode == 0, done.stderr
    svg = (folder / "albertslund-organisation.svg").read_text(encoding="utf-8")
    assert "Pillar: " in svg and "Søjle: " not in svg
    danish = diagram(
        "albertslund", "--graph", "graph.trig", "--lang", "da", "--out", "da", cwd=folder
    )
    assert danish.returncode == 0, danish.stderr
    assert "Søjle: " in (folder / "da.svg").read_text(encoding="utf-8")
