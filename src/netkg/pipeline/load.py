"""Read RDF files into named graphs, failing with the file, line and column of a syntax error.

rdflib does the parsing (its terms are what pyshacl and owlrl work on). When it fails, the file
is parsed again by Oxigraph, whose errors carry exact line and column; the message gives that
location plus rdflib's own reason. Nothing is fetched: remote JSON-LD contexts are refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from netkg.errors import InputError
from netkg.iris import PREFIXES
from netkg.pipeline.layout import RDF_SUFFIXES, Source
from netkg.pipeline.sssom import is_sssom, parse_sssom

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

    The file is parsed aside first, so a failure leaves `into` untouched.
    """
    scratch = _parse(Path(path), Graph())
    target = into if into is not None else Graph()
    for triple in scratch:
        target.add(triple)
    return target


def parse_dataset(path: Path) -> Dataset:
    """Parse a TriG or N-Quads file into a Dataset of its named graphs."""
    return _parse(Path(path), new_dataset())


def _parse(path: Path, target: Graph) -> Graph:
    if is_sssom(path):  # an SSSOM mapping table, read into RDF by netkg.pipeline.sssom
        return parse_sssom(path, target)
    fmt = rdf_format(path)
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "not a file")
    if fmt == "json-ld":
        _refuse_remote_contexts(path)
    try:
        target.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise _located(path, exc) from None
    return target


def load_dataset(sources: Iterable[Source], dataset: Dataset | None = None) -> Dataset:
    """Load each source into its named graph of one Dataset whose default graph is the union."""
    ds = dataset if dataset is not None else new_dataset()
    for source in sources:
        parse_file(source.path, into=ds.graph(source.graph))
    return ds


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


def _refuse_remote_contexts(path: Path) -> None:
    """rdflib would fetch a remote @context; netkg never fetches, so say so instead."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    for ctx in _contexts(doc):
        if isinstance(ctx, str):
            raise InputError(
                path,
                f"remote JSON-LD context {ctx!r} is not fetched; inline the context in the file",
            )


def _contexts(node: object) -> Iterable[object]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                yield from value if isinstance(value, list) else [value]
            else:
                yield from _contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _contexts(item)
