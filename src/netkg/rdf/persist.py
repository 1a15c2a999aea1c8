"""A built store on disk: the on-disk Oxigraph store and the canonical dumps, staged and swapped.

Writing the on-disk store (RocksDB, nine indexes) is the costliest step of a large build, so it
can start as soon as the sources are loaded: the asserted quads go to disk on another thread
(Oxigraph works outside Python's lock, so on two cores both run at once) while the build
reasons and validates; `derived_ready()` hands over the graphs the build adds, and the dumps are
written last, once the shapes have given their verdict. Everything is staged in a hidden folder
of the output folder and renamed into place (the store: the old one moved aside first), so a
reader never sees half of one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from netkg.rdf.store import OxigraphStore, canonical_blocks, serialize_blocks


@dataclass(frozen=True)
class Dump:
    """One dump file: its name, format (store.DUMP_FORMATS) and, for one graph alone, which."""

    name: str
    fmt: str
    graph: URIRef | None = None


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
            self.out_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".build.", suffix=".tmp", dir=self.out_dir))
            self._staging = staging
            disk = ox.Store(str(staging / self.store_dir))
            disk.bulk_load(asserted, format=ox.RdfFormat.N_QUADS)
            del asserted
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
            shutil.rmtree(self._staging, ignore_errors=True)

    def result(self, sound: bool = True) -> Path:
        """The staging folder, once everything is in it (the dumps only if `sound`)."""
        self._sound = sound
        self._verdict.set()
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            if self._staging is not None:
                shutil.rmtree(self._staging, ignore_errors=True)
            raise self._error
        assert self._staging is not None
        return self._staging


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def replace_store(staged: Path, target: Path) -> Path:
    """Swap the staged store in: the old one is moved aside first, then removed."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staged.rename(target)
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
    return target


def copy_store(source: Path, target: Path) -> None:
    """A private copy of a built store (RocksDB's checkpoint: its files are hard-linked where
    the file system allows, so copying costs no parse and no load), which the copier may write
    to without touching the original."""
    try:
        ox.Store.read_only(str(source)).backup(str(target))
    except OSError as exc:
        raise OSError(f"{source}: the store cannot be copied ({exc})") from None
