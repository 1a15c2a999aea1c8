"""Read RDF files into named graphs, failing with the file, line and column of what is wrong.

Oxigraph reads each file first: it is strict about IRIs, never fetches, copes with any nesting
and locates a syntax error exactly. rdflib then parses it again to make the terms pyshacl and
owlrl work on (when only rdflib fails, Oxigraph's position is combined with rdflib's reason).
Every format keeps the contract of netkg.pipeline.inputs.wellformed: an invalid IRI or ill-typed
literal is an error, nothing is fetched (remote JSON-LD contexts and external XML entities are
refused), and a failure leaves the target graph untouched.

The checks run on every file the fast build loads too, so they are kept cheap where nothing is
wrong: a literal that passed once is not checked again (wellformed.ill_typed also remembers
rdflib's verdict per lexical form and datatype), and the nesting scan runs only on a file with
enough brackets to be too deep. A bad file still fails with the same message and position.
CheckedLoads lets Oxigraph load one file (outside Python's lock) while the next is checked.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from queue import SimpleQueue
from types import TracebackType

import pyoxigraph as ox
from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from netkg.errors import InputError, note
from netkg.iris import PREFIXES
from netkg.pipeline.inputs import wellformed
from netkg.pipeline.inputs.layout import RDF_SUFFIXES, Source, display_path
from netkg.pipeline.inputs.sssom import is_sssom, parse_sssom
from netkg.rdf.store import OxigraphStore, RdflibStore, Store
from netkg.rdf.terms import STORED_AS, canonical_decimal, stored_as_another
from netkg.rdf.terms import altered as altered_literal

_RDFLIB_FORMAT = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
_PARSER_PREFIX = re.compile(r"^Parser error (at|between) [^:]*: ")
_OX_FORMAT = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> str:
    """rdflib's name for the file's format, from its suffix."""
    try:
        return _RDFLIB_FORMAT[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_RDFLIB_FORMAT))
        raise InputError(path, f"unknown RDF file type {path.suffix!r} (known: {known})") from None


def parse_file(path: Path, into: Graph | None = None) -> Graph:
    """Parse one file into `into` (a new Graph by default); raise InputError on any problem.

    The file is parsed aside first, so a failure leaves `into` untouched. The triples of every
    graph in the file go in: a TriG, N-Quads or JSON-LD file's named graphs are data too.
    """
    scratch = _parse(Path(path), new_dataset())
    target = into if into is not None else Graph()
    for graph in scratch.graphs():
        for triple in graph:
            target.add(triple)
    return target


def parse_dataset(path: Path) -> Dataset:
    """Parse a TriG or N-Quads file into a Dataset of its named graphs."""
    dataset = new_dataset()
    _parse(Path(path), dataset)
    return dataset


def parse_named_graphs(path: Path) -> dict[URIRef, Graph]:
    """The non-empty named graphs of a TriG or N-Quads file, by name."""
    dataset = parse_dataset(path)
    return {
        g.identifier: g
        for g in dataset.graphs()
        if len(g) and isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID
    }


def _parse(path: Path, target: Dataset) -> Dataset:
    """Parse with the same contract for every format: well formed, valid terms, nothing fetched.

    Oxigraph reads the file first: it is strict about IRIs, never fetches, copes with any depth,
    and locates errors exactly. rdflib then makes the terms netkg works on, and its terms are
    checked (netkg.pipeline.inputs.wellformed) for what rdflib lets through. An SSSOM mapping table
    is read into RDF by netkg.pipeline.inputs.sssom instead.
    """
    if is_sssom(path):
        return parse_sssom(path, target)  # type: ignore[return-value]
    fmt, text = check_file(path)
    with wellformed.quiet_rdflib():  # ill-typed literals are reported here, not as tracebacks
        try:
            target.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
        except RecursionError:
            raise InputError(path, "nested too deeply to read") from None
        except Exception as exc:  # rdflib raises many unrelated types for bad syntax
            raise _located(path, exc) from None
    wellformed.check_iris(path, text, target.graphs())
    return target


def check_file(path: Path, altered: list[str] | None = None) -> tuple[str, str]:
    """(rdflib format, text) of an RDF file that passes every check made before rdflib reads
    it: UTF-8, nesting, no remote context or XML entity, and Oxigraph's strict parse with each
    literal's lexical form checked. The fast build runs these too, then loads with Oxigraph;
    each literal Oxigraph would store with another datatype is added to `altered`."""
    fmt = rdf_format(path)
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start].decode("utf-8", "replace")
        line, column = wellformed.position(before, len(before))
        raise InputError(path, "the file is not UTF-8 text", line, column) from None
    wellformed.check_nesting(path, text, fmt)
    if fmt == "json-ld":
        wellformed.refuse_remote_contexts(path, text)
        wellformed.check_jsonld_iris(path, text)
    elif fmt == "xml":
        wellformed.refuse_external_entities(path, text)
    if _oxigraph_check(path, text, altered) == 0:
        note(
            f"warning: {display_path(path)}: no triples (the file is empty, or holds only "
            "prefixes and comments); is it the file you meant?"
        )
    return fmt, text


# Literals that passed wellformed.check_literal: most typed literals (dates, years, codes) recur
# in file after file, and the per-quad loop is what costs at a million triples
_CHECKED_LITERALS: set[ox.Literal] = set()
_MAX_CHECKED = 1 << 16


def _oxigraph_check(path: Path, text: str, altered: list[str] | None = None) -> int | None:
    """Parse with Oxigraph (strict, never fetches): syntax, IRIs and each literal's lexical form;
    literals a store would keep with another datatype go to `altered` (file:line: literal).
    The number of triples read (None for a format Oxigraph does not read)."""
    ox_format = _OX_FORMAT.get(path.suffix.lower())
    if ox_format is None:
        return None
    checked = _CHECKED_LITERALS
    if len(checked) > _MAX_CHECKED:
        checked.clear()
    count = 0
    try:
        for quad in ox.parse(path=str(path), format=ox_format, base_iri=path.resolve().as_uri()):
            count += 1
            term = quad.object
            # a literal seen before passed already (a term's hash and equality are Oxigraph's)
            if isinstance(term, ox.Literal):
                if term not in checked:
                    wellformed.check_literal(path, text, term)
                    checked.add(term)
                if altered is not None and stored_as_another(term):
                    altered.append(_said_where(path, text, term))
    except SyntaxError as exc:
        message = _PARSER_PREFIX.sub("", exc.msg or str(exc))
        message = re.sub(r" \([^()]*, line \d+\)$", "", message)
        line: int | None = exc.lineno
        column: int | None = exc.offset
        if line is None:
            line, column = _rdflib_position(path, text) or wellformed.find_quoted(text, message)
        raise InputError(path, f"syntax error: {message}", line, column) from None
    except (OSError, ValueError) as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    return count


class CheckedLoads:
    """Each file checked here (check_file), then loaded by Oxigraph in a thread meanwhile.

    Oxigraph loads a file named by its path without Python's lock, so on two cores it loads one
    file while the checks (Python) read the next: the load costs about what it costs alone.
    Errors come in file order, as if each file were checked and loaded in turn: a failed check
    waits for the files before it, and the first failure of any kind is the one raised.
    """

    # Each load ends by taking Python's lock back, which the checking thread gives up only every
    # switch interval (5 ms by default, ~4 loads' worth): shorter while both run
    _SWITCH = 1e-4

    def __init__(self, store: ox.Store, altered: list[str] | None = None) -> None:
        self.store = store
        self.altered = altered
        self._interval: float | None = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, self._SWITCH))
        self._jobs: SimpleQueue[tuple[Path, ox.RdfFormat, ox.NamedNode] | None] = SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def add(self, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode) -> None:
        """Check the file now (InputError here on bad input), load it in the background."""
        check_file(path, self.altered)
        if self._error is None:
            self._jobs.put((path, fmt, graph))

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._error is not None:
                continue  # a file before failed: load nothing more
            path, fmt, graph = job
            try:
                base = path.resolve().as_uri()
                self.store.load(path=str(path), format=fmt, to_graph=graph, base_iri=base)
            except SyntaxError as exc:
                message = _PARSER_PREFIX.sub("", exc.msg or str(exc))
                error = InputError(path, f"syntax error: {message}", exc.lineno, exc.offset)
                self._error = error
            except BaseException as exc:  # handed to the caller, as a plain load would raise it
                self._error = exc

    def finish(self) -> None:
        """Wait for the loads; raise the first one's failure."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        if self._interval is not None:
            sys.setswitchinterval(self._interval)
            self._interval = None
        if self._error is not None:
            raise self._error

    def __enter__(self) -> CheckedLoads:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.finish()  # a file loaded before the one that failed may have failed first


def _said_where(path: Path, text: str, literal: ox.Literal) -> str:
    """'file:line: "value"^^datatype (…)' for a literal a store keeps with another datatype."""
    at = text.find(f'"{literal.value}"^^')
    where = f"{display_path(path)}: "
    if at >= 0:
        where = f"{display_path(path)}:{wellformed.position(text, at)[0]}: "
    return altered_literal(literal, where)


def _rdflib_position(path: Path, text: str) -> tuple[int, int] | None:
    """Where rdflib's XML parser (which reports positions) stops on an RDF/XML file."""
    if rdf_format(path) != "xml":
        return None
    import xml.sax

    with wellformed.quiet_rdflib():
        try:
            Graph().parse(data=text, format="xml")
        except xml.sax.SAXParseException as exc:
            line, column = exc.getLineNumber(), exc.getColumnNumber()
            return None if line is None or column is None else (line, column + 1)
        except Exception:  # any other failure carries no position
            return None
    return None


def load_sources(sources: Iterable[Source], store: Store) -> None:
    """Each source into its named graph of `store`, with the same checks and the same errors
    (InputError with file, line and column) whichever store it is."""
    if isinstance(store, OxigraphStore):
        _load_oxigraph(sources, store.store, store.altered)
    elif isinstance(store, RdflibStore):
        load_dataset(sources, store.dataset)
    else:
        raise TypeError(f"cannot load into {type(store).__name__}")


def _load_oxigraph(sources: Iterable[Source], store: ox.Store, altered: list[str]) -> None:
    """Oxigraph loads each file straight from disk (after check_file); SSSOM tables and files
    with graphs of their own (TriG, N-Quads: all their triples go into the source's graph)
    come through the reference's parser as N-Triples. Literals the store keeps with another
    datatype than the file's are listed in `altered`."""
    with CheckedLoads(store, altered) as loads:  # one file loads while the next is checked
        for source in sources:
            path = Path(source.path)
            graph = ox.NamedNode(str(source.graph))
            fmt = _OX_FORMAT.get(path.suffix.lower())
            if is_sssom(path) or fmt in (None, ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
                parsed = parse_file(path)
                altered += [
                    altered_literal(o, f"{display_path(path)}: ")
                    for o in parsed.objects()
                    if isinstance(o, Literal) and o.datatype in STORED_AS
                ]
                data = parsed.serialize(format="nt", encoding="utf-8")
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                continue
            loads.add(path, fmt, graph)  # check_file, then Oxigraph loads it in the background


def load_dataset(sources: Iterable[Source], dataset: Dataset | None = None) -> Dataset:
    """Load each source into its named graph of one Dataset whose default graph is the union."""
    ds = dataset if dataset is not None else new_dataset()
    for source in sources:
        graph = ds.graph(source.graph)
        parse_file(source.path, into=graph)
        canonical_decimals(graph)
    return ds


def canonical_decimals(graph: Graph) -> None:
    """Decimals in the form Oxigraph stores them (1000000.0 becomes 1000000), so the reference
    store holds the same literals as the fast one and both give one answer."""
    changed = []
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            text = canonical_decimal(str(o))
            if text != str(o):
                changed.append((s, p, o, Literal(text, datatype=XSD.decimal)))
    for s, p, old, new in changed:
        graph.remove((s, p, old))
        graph.add((s, p, new))


def new_dataset() -> Dataset:
    """An empty Dataset whose default graph is the union of its named graphs."""
    ds = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    return ds


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given; a folder stands for the RDF files in it (recursively), sorted."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.suffix.lower() in RDF_SUFFIXES)
        else:
            found.append(p)
    return found


def _located(path: Path, exc: Exception) -> InputError:
    """An InputError with Oxigraph's exact position and rdflib's reason, where available."""
    reason = _rdflib_reason(exc)
    ox_format = _OX_FORMAT.get(path.suffix.lower())
    if ox_format is not None:
        try:
            for _ in ox.parse(path=str(path), format=ox_format):
                pass
        except SyntaxError as ox_exc:
            message = _PARSER_PREFIX.sub("", ox_exc.msg or str(ox_exc))
            if reason and reason.lower() not in message.lower():
                message = f"{message} (rdflib: {reason})"
            return InputError(path, f"syntax error: {message}", ox_exc.lineno, ox_exc.offset)
        except (OSError, ValueError):
            pass
    line = getattr(exc, "lines", None)
    return InputError(
        path, f"syntax error: {reason or exc}", line + 1 if line is not None else None
    )


def _rdflib_reason(exc: Exception) -> str:
    why = getattr(exc, "_why", None)
    if why:
        return str(why)
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
