"""A built graph on disk: the on-disk Oxigraph store, the canonical dumps and the reports of one
build, staged, then switched in as a whole.

Writing the on-disk store (RocksDB, nine indexes) is the costliest step of a large build, so it
can start as soon as the sources are loaded: the asserted quads go to disk on another thread
(Oxigraph works outside Python's lock, so on two cores both run at once) while the build
reasons and validates; `derived_ready()` hands over the graphs the build adds, and the dumps are
written last, once the shapes have given their verdict.

Every build gets a folder of its own. It is staged in a hidden folder of the output folder,
`.build.<pid>.<random>.tmp` (netkg.owned: the name says which process writes it), and when it is
complete `publish()` renames it to `builds/<generation>` (generations count up) and switches the
symbolic link `current` to it with one rename, which is atomic. The names users know are fixed
links through `current` (`netkg.trig -> current/netkg.trig`, `store -> current/store`), so
whenever a reader looks it sees one whole build: resolving a path (`current_build`, or
`resolved` as a store is opened) reads `current` once, and a store's files are then read from
that build's folder. The previous build is kept until the next switch, so a reader that
resolved the link just before a switch can still read what it resolved; older builds, builds
that were never switched in and staging left by processes that are gone are removed. Switches
hold a lock on the `builds` folder, so concurrent builds never remove each other's work.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from netkg.faults import fault
from netkg.owned import is_debris, make_owned_dir, owned_name, owner, remove
from netkg.rdf.store import OxigraphStore, canonical_blocks, serialize_blocks


@dataclass(frozen=True)
class Dump:
    """One dump file: its name, format (store.DUMP_FORMATS) and, for one graph alone, which."""

    name: str
    fmt: str
    graph: URIRef | None = None


BUILDS = "builds"  # the output folder's builds, one folder per generation
CURRENT = "current"  # the link to the current build: builds/<generation>
STAGING = ".build."  # a build being staged: .build.<pid>.<random>.tmp


class Staging:
    """The dumps and an on-disk store of `store`, written into a hidden folder of `out_dir`."""

    def __init__(
        self,
        store: OxigraphStore,
        out_dir: Path,
        dumps: list[Dump],
        store_dir: str,
        background: bool = True,
    ) -> None:
        self.store = store.store
        self.out_dir = out_dir
        self.dumps = dumps
        self.store_dir = store_dir
        self._staging: Path | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._derived: list[ox.NamedNode] | None = None
        self._ready = threading.Event()
        self._verdict = threading.Event()
        self._sound = True
        asserted = self.store.dump(format=ox.RdfFormat.N_QUADS) or b""  # before anything is added
        if background:
            self._thread = threading.Thread(target=self._run, args=(asserted,), daemon=True)
            self._thread.start()
        else:  # the store is complete (everything is in `asserted`) and sound
            self.derived_ready([])
            self._verdict.set()
            self._run(asserted)

    def derived_ready(self, graphs: list[URIRef]) -> None:
        """The build has added these graphs and will not write to the store again."""
        self._derived = [ox.NamedNode(str(g)) for g in graphs]
        self._ready.set()

    def _run(self, asserted: bytes) -> None:
        try:
            remove_build_debris(self.out_dir)  # what killed builds left, before this one adds
            staging = make_owned_dir(self.out_dir, STAGING, ".tmp")
            self._staging = staging
            disk = ox.Store(str(staging / self.store_dir))
            disk.bulk_load(asserted, format=ox.RdfFormat.N_QUADS)
            del asserted
            fault("store-loaded", staging / self.store_dir)
            self._ready.wait()
            if self._derived is None:  # the build stopped: nothing more to write
                return
            # the derived graphs go to disk on one thread while the shapes are checked; the
            # dumps wait for the verdict (their Python part would slow the validation down as
            # much as it gains, and an unsound build writes none)
            with ThreadPoolExecutor(max_workers=1) as pool:
                stored = pool.submit(self._store_derived, disk, self._derived)
                self._verdict.wait()
                if self._sound:
                    self._write_dumps(staging)
                    fault("dumps-written", staging)
                stored.result()
            del disk
            (staging / self.store_dir).chmod(0o777 & ~_umask())
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def _store_derived(self, disk: ox.Store, graphs: list[ox.NamedNode]) -> None:
        for graph in graphs:
            triples = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            disk.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        disk.flush()

    def _write_dumps(self, staging: Path) -> None:
        """The canonical dumps (store.serialize_store's bytes), the whole store sorted once."""
        blocks = canonical_blocks(self.store)
        for dump in self.dumps:
            if dump.graph is None:
                serialize_blocks(blocks, dump.fmt, staging / dump.name)
                continue
            graph = ox.NamedNode(str(dump.graph))
            alone = [(g, lines) for g, lines in blocks if g == graph]
            if not alone or any(b"_:" in line for line in alone[0][1]):
                # its blank nodes are labelled for the graph alone, as a one-graph dump is
                alone = canonical_blocks(self.store, graph)
            serialize_blocks(alone, dump.fmt, staging / dump.name)

    def discard(self) -> None:
        """The build stopped: let the writer end and remove what it wrote."""
        self._ready.set()
        self._sound = False
        self._verdict.set()
        if self._thread is not None:
            self._thread.join()
        if self._staging is not None:
            remove(self._staging)

    def result(self, sound: bool = True) -> Path:
        """The staging folder, once everything is in it (the dumps only if `sound`)."""
        self._sound = sound
        self._verdict.set()
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            if self._staging is not None:
                remove(self._staging)
            raise self._error
        assert self._staging is not None
        return self._staging


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(staged: Path, out_dir: Path, known: Iterable[str]) -> Path:
    """Switch the complete build in `staged` in as `out_dir`'s current build (see the module
    docstring). Each of the `known` names a build may hold gets a fixed link `out_dir/<name>`
    if this one holds it, and loses it if not. The build's folder, builds/<generation>."""
    known = list(known)
    names = [name for name in known if (staged / name).exists()]
    builds = out_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    with _locked(builds):
        previous = _generation(current_build(out_dir))
        generation = 1 + max([*_generations(builds), previous or 0])
        target = builds / str(generation)
        staged.rename(target)
        try:
            fault("renamed", target)
            for name in names:  # before the switch: a new name's link waits for it
                ensure_link(out_dir / name, f"{CURRENT}/{name}")
            fault("linked", out_dir)
            _replace_link(out_dir / CURRENT, f"{BUILDS}/{generation}")
        except BaseException:
            remove(target)
            raise
        fault("switched", out_dir / CURRENT)
        for name in known:  # a name this build has not: its link would lead nowhere
            link = out_dir / name
            if name not in names and link.is_symlink() and not link.exists():
                remove(link)
        for old in _generations(builds):
            if old not in (generation, previous):
                remove(builds / str(old))
        fault("pruned", builds)
    return target


def current_build(folder: Path) -> Path:
    """The folder of `folder`'s current build, builds/<generation>, as the `current` link says
    when it is read (once: what is read from the returned folder is one build); `folder`
    itself for an output folder written before builds had folders of their own."""
    try:
        target = os.readlink(folder / CURRENT)
    except OSError:
        return folder
    return folder / target


def resolved(path: Path) -> Path:
    """A path with every link resolved, once: a store is opened through this, never through
    dist/store itself, so its files all come from one build."""
    return Path(os.path.realpath(path))


def replace_folder(staged: Path, target: Path) -> Path:
    """Put a complete folder in place of `target` (the old one moved aside, then removed)."""
    aside = None
    if target.exists() or target.is_symlink():
        aside = target.parent / owned_name(f".{target.name}.", ".tmp")
        target.rename(aside)
    staged.rename(target)
    if aside is not None:
        remove(aside)
    return target


def ensure_link(path: Path, target: str) -> None:
    """Make `path` a symbolic link to `target`, replacing what is there (a link atomically; a
    folder of an older layout moved aside first)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    if path.is_dir() and not path.is_symlink():
        aside = path.parent / owned_name(f".{path.name}.", ".tmp")
        path.rename(aside)
        _replace_link(path, target)
        remove(aside)
        return
    _replace_link(path, target)


def _replace_link(path: Path, target: str) -> None:
    temporary = path.parent / owned_name(f".{path.name}.", ".tmp")
    os.symlink(target, temporary)
    try:
        os.replace(temporary, path)
    except BaseException:
        remove(temporary)
        raise


def remove_build_debris(out_dir: Path, known: Iterable[str] = ()) -> list[Path]:
    """Remove what builds that are gone left in `out_dir`: staging and temporary links named
    for a process that no longer runs, and what netkg versions before builds had folders of
    their own left when killed (`.build.<random>.tmp`, `.store.old.<random>` and the temporary
    files of the `known` names, which carry no process id). The removed paths."""
    legacy = re.compile(
        r"\.build\.[a-z0-9_]{8}\.tmp|\.store\.old\.[a-z0-9_]{8}"
        + "".join(f"|\\.{re.escape(name)}\\.[a-z0-9_]{{8}}\\.tmp" for name in known)
    )
    removed: list[Path] = []
    try:
        entries = [p for p in out_dir.iterdir() if p.name.startswith(".")]
    except OSError:
        return removed
    for path in entries:
        pid = owner(path.name)
        if is_debris(path, pid) if pid is not None else bool(legacy.fullmatch(path.name)):
            remove(path)
            removed.append(path)
    return removed


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold a lock on `folder` (released when the process ends, however it ends)."""
    try:
        import fcntl
    except ImportError:  # no POSIX locks (Windows): builds into one folder must not overlap
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _generation(folder: Path) -> int | None:
    return int(folder.name) if folder.name.isdigit() and folder.parent.name == BUILDS else None


def _generations(builds: Path) -> list[int]:
    try:
        return sorted(int(p.name) for p in builds.iterdir() if p.name.isdigit())
    except FileNotFoundError:
        return []


def copy_store(source: Path, target: Path) -> None:
    """A private copy of a built store (RocksDB's checkpoint: its files are hard-linked where
    the file system allows, so copying costs no parse and no load), which the copier may write
    to without touching the original."""
    try:
        ox.Store.read_only(str(resolved(source))).backup(str(target))
    except OSError as exc:
        raise OSError(f"{source}: the store cannot be copied ({exc})") from None
