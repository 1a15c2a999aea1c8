"""dist/ under faults: one whole build whenever a reader looks, and no debris after a crash.

The faults are real: the build is killed (SIGKILL) or stopped (SIGTERM) at each point of the
writer that netkg.faults names (NETKG_FAULT, so the moment is known, not guessed), the disk is
really full or really read-only (a small tmpfs, mounted where the tests run as root; skipped
where mounting is not allowed), and `netkg serve` is really killed. After each, dist/ must hold
one build, old or new: TriG, N-Quads, inferred.ttl, the store and the reports of the same
generation, with the same triple counts.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from netkg.faults import WRITER_POINTS
from netkg.pipeline.inputs.layout import root

EXTRA = "data/municipalities/9902-ekstra.ttl"  # a second build differs by this file
EXTRA_TEXT = """@prefix nkg: <https://w3id.org/netkg/ontology#> .
@prefix syn: <https://w3id.org/netkg/synthetic/test/> .
syn:ekstra a nkg:Note .
"""
# the points after which the new build is the one readers see
NEW_FROM = WRITER_POINTS.index("switched")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A private copy of the inputs, built once (NETKG_ROOT points at it)."""
    copy = tmp_path_factory.mktemp("project")
    for part in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(root() / part, copy / part)
    done = netkg("build", project=copy)
    assert done.returncode == 0, done.stderr
    return copy


def netkg(*args: str, project: Path, fault: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netkg", *args],
        cwd=project,
        env=_env(project, fault, **env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _env(project: Path, fault: str = "", **extra: str) -> dict[str, str]:
    env = dict(os.environ, NETKG_ROOT=str(project), **extra)
    env.pop("NETKG_FAULT", None)
    if fault:
        env["NETKG_FAULT"] = fault
    return env


def whole_build(dist: Path) -> dict:
    """Check that dist/ shows one build; what it holds (its input files, its quads)."""
    current = dist / os.readlink(dist / "current")
    assert current.parent.name == "builds" and current.is_dir()
    for name in ("netkg.trig", "netkg.nq", "inferred.ttl", "store", "build-report.json"):
        assert Path(os.path.realpath(dist / name)).parent == Path(os.path.realpath(current)), name
    report = json.loads((dist / "build-report.json").read_text())
    assert report["ok"] is True
    quads = sum(report["graphs"].values())
    nq = sum(1 for line in (dist / "netkg.nq").read_bytes().splitlines() if line.strip())
    trig = sum(1 for _ in ox.parse(path=str(dist / "netkg.trig"), format=ox.RdfFormat.TRIG))
    inferred = sum(1 for _ in ox.parse(path=str(dist / "inferred.ttl"), format=ox.RdfFormat.TURTLE))
    store = len(ox.Store.read_only(os.path.realpath(dist / "store")))
    assert nq == trig == store == quads, (nq, trig, store, quads)
    assert inferred == report["graphs"]["https://w3id.org/netkg/graph/inferred"]
    text = (dist / "validation-report.txt").read_text()
    assert text.startswith("conforms"), text
    return {"extra": EXTRA in report["files"], "quads": quads}


def debris(dist: Path) -> list[str]:
    """Hidden temporary entries, and builds other than the current one and one before it."""
    left = [p.name for p in dist.iterdir() if p.name.startswith(".") and p.name != ".lock"]
    current = int(Path(os.readlink(dist / "current")).name)
    builds = sorted(int(p.name) for p in (dist / "builds").iterdir())
    extra = [b for b in builds if b > current] + [b for b in builds if b < current][:-1]
    return left + [f"builds/{b}" for b in extra]


def _toggle(project: Path, present: bool) -> None:
    extra = project / EXTRA
    if present:
        extra.write_text(EXTRA_TEXT, encoding="utf-8")
    else:
        extra.unlink(missing_ok=True)


@pytest.mark.parametrize("point", WRITER_POINTS)
def test_a_kill_at_any_write_stage_leaves_one_whole_build(project, point):
    dist = project / "dist"
    before = whole_build(dist)
    _toggle(project, not before["extra"])  # the killed build differs from the current one
    killed = netkg("build", project=project, fault=f"{point}:kill")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after = whole_build(dist)
    if WRITER_POINTS.index(point) < NEW_FROM:
        assert after == before  # the old build, whole
    else:
        assert after["extra"] is not before["extra"]  # the new build, whole
        assert after["quads"] != before["quads"]


def test_a_build_removes_what_killed_builds_left(project):
    dist = project / "dist"
    _toggle(project, not whole_build(dist)["extra"])
    for point in ("store-loaded", "reports-written", "renamed"):
        killed = netkg("build", project=project, fault=f"{point}:kill")
        assert killed.returncode == -signal.SIGKILL
    assert debris(dist), "the kills left nothing to clean up"
    done = netkg("build", project=project)
    assert done.returncode == 0, done.stderr
    assert debris(dist) == []
    assert len(list((dist / "builds").iterdir())) == 2  # the current build and the previous
    whole_build(dist)


def test_staging_of_a_running_build_is_kept_and_of_a_dead_one_removed(project):
    dist = project / "dist"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    try:
        running = dist / f".build.{sleeper.pid}.0123abcd.tmp"
        dead = dist / f".build.{gone.pid}.0123abcd.tmp"
        for folder in (running, dead):
            (folder / "store").mkdir(parents=True)
        done = netkg("build", project=project)
        assert done.returncode == 0, done.stderr
        assert running.is_dir() and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
        shutil.rmtree(dist / f".build.{sleeper.pid}.0123abcd.tmp", ignore_errors=True)


def test_a_dist_of_an_earlier_netkg_becomes_links_and_loses_its_debris(project, tmp_path):
    """An earlier netkg wrote dist/ files in place and left hidden debris when killed."""
    out = tmp_path / "dist"
    (out / "store").mkdir(parents=True)
    (out / "store" / "CURRENT").write_text("MANIFEST-000001\n")
    (out / "netkg.trig").write_text("# an earlier build\n")
    for leftover in (".build.a1b2c3d4.tmp", ".store.old.x9y8z7w6"):
        (out / leftover / "store").mkdir(parents=True)
    (out / ".build-report.json.k3j4h5g6.tmp").write_text("{")
    done = netkg("build", "--out", str(out), project=project)
    assert done.returncode == 0, done.stderr
    assert all((out / name).is_symlink() for name in ("netkg.trig", "store", "current"))
    assert debris(out) == []
    whole_build(out)


@pytest.mark.parametrize("point", ["reports-written", "linked"])
def test_sigterm_cleans_up_as_ctrl_c_does(project, point):
    dist = project / "dist"
    before = whole_build(dist)
    _toggle(project, not before["extra"])
    process = subprocess.Popen(
        [sys.executable, "-m", "netkg", "build"],
        cwd=project,
        env=_env(project, f"{point}:wait"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()  # the build is at the point now
    assert f"fault point {point} reached" in line, line
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 143, rest
    assert rest.strip().splitlines()[-1] == "netkg: terminated"
    assert debris(dist) == []
    assert whole_build(dist) == before


def test_a_reader_polling_through_repeated_switches_never_misses_the_store(
    project, tmp_path, monkeypatch
):
    from netkg.pipeline.flow.build import build
    from netkg.pipeline.flow.write import write

    dist = project / "dist"
    monkeypatch.setenv("NETKG_ROOT", str(project))
    result = build()
    write(result, dist)
    expected = whole_build(dist)["quads"]
    stop = tmp_path / "stop"
    poller = subprocess.Popen(
        [sys.executable, "-c", _POLLER, str(dist), str(stop), str(expected)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(6):
            write(result, dist)
    finally:
        stop.touch()
        out, err = poller.communicate(timeout=60)
    assert poller.returncode == 0, err
    checks, misses = map(int, out.split())
    assert checks > 50, "the reader did not poll during the switches"
    assert misses == 0, f"{misses} of {checks} reads missed the store or saw another build"
    assert debris(dist) == []


_POLLER = """
import json, os, sys, pyoxigraph as ox
from pathlib import Path
dist, stop, expected = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
checks = misses = 0
while not stop.exists():
    checks += 1
    try:
        if not (dist / "store" / "CURRENT").is_file():
            misses += 1
            continue
        report = json.loads((dist / "build-report.json").read_text())
        store = ox.Store.read_only(os.path.realpath(dist / "store"))
        if len(store) != expected or sum(report["graphs"].values()) != expected:
            misses += 1
        del store
    except (OSError, ValueError):
        misses += 1
print(checks, misses)
"""


# --- a full disk and a read-only dist/ -------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path) -> Iterator[Path]:
    """A 192 MB tmpfs (root only; skipped where mounting is not allowed): room for two builds
    of the shipped data (about 35 MB each, the current and the previous one) and a third staged."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=192m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _one_line_error(done: subprocess.CompletedProcess, cause: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("netkg: cannot write ") and cause in lines[0], lines[0]
    assert "the previous build is kept" in lines[0]


def test_a_full_disk_is_one_line_exit_2_and_keeps_the_build(project, small_disk):
    out = small_disk / "dist"
    assert netkg("build", "--out", str(out), project=project).returncode == 0
    before = whole_build(out)
    _toggle(project, not before["extra"])
    filler = small_disk / "filler"
    with filler.open("wb") as handle:  # fill the disk but for 256 kB
        free = shutil.disk_usage(small_disk).free
        handle.write(b"\0" * max(0, free - (256 << 10)))
    done = netkg("build", "--out", str(out), project=project)
    _one_line_error(done, "No space left on device")
    assert str(out) in done.stderr
    assert whole_build(out) == before
    assert debris(out) == []
    filler.unlink()
    assert netkg("build", "--out", str(out), project=project).returncode == 0
    assert whole_build(out)["extra"] is not before["extra"]


def test_a_read_only_dist_is_one_line_exit_2_and_keeps_the_build(project, small_disk):
    out = small_disk / "dist"
    assert netkg("build", "--out", str(out), project=project).returncode == 0
    before = whole_build(out)
    _toggle(project, not before["extra"])
    remount = ["mount", "-o", "remount,ro", str(small_disk)]
    assert subprocess.run(remount, check=False).returncode == 0
    done = netkg("build", "--out", str(out), project=project)
    _one_line_error(done, "Read-only file system")
    assert whole_build(out) == before


def test_enospc_at_each_write_stage_keeps_the_build(project):
    """The same without a real disk: the writer's fault points raise ENOSPC."""
    dist = project / "dist"
    before = whole_build(dist)
    _toggle(project, not before["extra"])
    for point in ("store-loaded", "reports-written", "linked"):  # each thread, and publish()
        done = netkg("build", project=project, fault=f"{point}:enospc")
        _one_line_error(done, "No space left on device")
        assert whole_build(dist) == before, point
        assert debris(dist) == [], point


# --- serve killed outright --------------------------------------------------------------------


def _serve(project: Path, temporary: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "netkg",
            "serve",
            "--port",
            "0",
            "--quiet",
            "--workers",
            "1",
            "--store",
            str(project / "dist" / "store"),
        ],
        cwd=project,
        env=_env(project, TMPDIR=str(temporary)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its query workers in its group, to kill them all
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("netkg serve: http"), line + (process.stderr.read() or "")
    return process


def test_serve_removes_the_copies_of_killed_servers(project, tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    first = _serve(project, temporary)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    left = [p.name for p in temporary.iterdir()]
    assert left and all(name.startswith(f"netkg-serve-{first.pid}.") for name in left), left
    second = _serve(project, temporary)
    try:
        now = [p.name for p in temporary.iterdir()]
        assert now and all(name.startswith(f"netkg-serve-{second.pid}.") for name in now), now
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=30)
    assert second.returncode == 0
    assert list(temporary.iterdir()) == []


def test_a_serve_copy_of_a_running_server_is_kept(project, tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        theirs = temporary / f"netkg-serve-{sleeper.pid}.0123abcd"
        theirs.mkdir()
        server = _serve(project, temporary)
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
        assert [p.name for p in temporary.iterdir()] == [theirs.name]
    finally:
        sleeper.kill()
        sleeper.wait()
