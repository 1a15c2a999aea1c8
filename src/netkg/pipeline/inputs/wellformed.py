"""Checks that make every RDF format keep one contract: refuse what is not well formed, located.

rdflib is lenient where netkg must not be: it keeps an IRI with a space (and fails later, when
the graph is written), keeps a literal whose lexical form does not fit its datatype (and logs a
traceback), fetches remote JSON-LD contexts, and recurses once per nesting level (so a deep file
ends in "maximum recursion depth exceeded"). Each check here turns one of those into an
InputError naming the file, line and column where that can be known.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.graph import Graph

from netkg.errors import InputError

MAX_NESTING = 64  # levels of [ ] and ( ) in Turtle/TriG, { } and [ ] in JSON-LD
# rdflib's Turtle parser uses ~7 stack frames per level; 64 levels stay far below Python's limit

# Turtle/TriG tokens that can hold brackets without opening anything: strings, IRIs, comments.
_TURTLE = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
      |<[^<>\s]*>|\#[^\n\r]*
      |(?P<open>[\[(])|(?P<close>[\])])""",
    re.VERBOSE,
)
_JSON = re.compile(r'"(?:[^"\\]|\\.)*"|(?P<open>[\[{])|(?P<close>[\]}])')
_UNCHECKED = {
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}
_ENTITY = re.compile(r"<!ENTITY\s[^>]*\b(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)


def check_nesting(path: Path, text: str, fmt: str) -> None:
    """Refuse nesting deeper than MAX_NESTING, at the line and column where it gets too deep."""
    pattern = {"turtle": _TURTLE, "trig": _TURTLE, "json-ld": _JSON}.get(fmt)
    if pattern is None:
        return
    # the depth never exceeds the number of brackets that open: few of them, nothing to scan
    opens = "{[" if fmt == "json-ld" else "[("
    if sum(text.count(c) for c in opens) <= MAX_NESTING:
        return
    depth = 0
    for m in pattern.finditer(text):
        if m.lastgroup == "open":
            depth += 1
            if depth > MAX_NESTING:
                line, column = position(text, m.start())
                raise InputError(
                    path,
                    f"nesting deeper than {MAX_NESTING} levels; netkg does not read such files",
                    line,
                    column,
                )
        elif m.lastgroup == "close":
            depth -= 1


def refuse_remote_contexts(path: Path, text: str) -> None:
    """netkg never fetches: a JSON-LD context that is not inline in the file is refused.

    That covers a remote `@context` at any level (also inside a context: scoped contexts of a
    term or a type) and `@import`.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    for key, value in _context_entries(doc):
        if key == "@import":
            raise InputError(
                path,
                f"JSON-LD @import of {value!r} is refused: netkg never fetches; "
                "inline the context in the file",
                *_located(text, value),
            )
        if not isinstance(value, dict) and value is not None:
            raise InputError(
                path,
                f"remote JSON-LD context {value!r} is not fetched; inline the context in the file",
                *_located(text, value),
            )


def refuse_external_entities(path: Path, text: str) -> None:
    """An XML entity that points at another file or URL is refused (nothing is read or fetched)."""
    m = _ENTITY.search(text)
    if m:
        raise InputError(
            path,
            "external XML entities are refused: netkg reads nothing but the file itself",
            *position(text, m.start()),
        )


def check_iris(path: Path, text: str, graphs: Iterable[Graph]) -> None:
    """Every IRI rdflib made must be a valid absolute IRI (rdflib keeps a space, for one)."""
    seen: set[URIRef] = set()
    for graph in graphs:
        for triple in graph:
            for term in triple:
                if isinstance(term, URIRef) and term not in seen:
                    seen.add(term)
                    _check_iri(path, text, str(term))


def check_literal(path: Path, text: str, literal: ox.Literal) -> None:
    """A typed literal's lexical form must fit its datatype (as rdflib's converters judge)."""
    datatype = literal.datatype.value
    if datatype in _UNCHECKED:
        return
    if ill_typed(literal.value, datatype):
        raise InputError(
            path,
            f'"{literal.value}" is not a valid {_short(URIRef(datatype))} '
            "(the lexical form does not fit the datatype)",
            *_located(text, literal.value),
        )


@lru_cache(maxsize=1 << 16)
def ill_typed(value: str, datatype: str) -> bool:
    """rdflib's verdict on a lexical form, asked once per (form, datatype): most repeat."""
    with quiet_rdflib():
        return bool(Literal(value, datatype=URIRef(datatype)).ill_typed)


def check_jsonld_iris(path: Path, text: str) -> None:
    """JSON-LD processors drop an invalid @id or @type silently; netkg refuses it instead."""
    doc = json.loads(text)  # already known to parse (refuse_remote_contexts)
    terms = {key for ctx in _inline_contexts(doc) for key in ctx}
    for value in _iri_values(doc):
        if value in terms or value.startswith("_:") or ":" not in value:
            continue  # a term, a blank node or a relative IRI (resolved against the base)
        _check_iri(path, text, value)


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback and warns for each ill-typed literal; netkg reports them itself."""
    logger = logging.getLogger("rdflib.term")
    was = logger.disabled
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = was


def find_quoted(text: str, message: str) -> tuple[int | None, int | None]:
    """The position of the first fragment a parser's message quotes (`x` or 'x') in the file."""
    for fragment in re.findall(r"`([^`]+)`|'([^']+)'", message):
        found = _located(text, fragment[0] or fragment[1])
        if found[0] is not None:
            return found
    return None, None


def _check_iri(path: Path, text: str, iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise InputError(path, f"invalid IRI <{iri}>: {exc}", *_located(text, iri)) from None


def _inline_contexts(node: object) -> Iterator[dict]:
    for key, value in _context_entries(node):
        if key == "@context" and isinstance(value, dict):
            yield value


def _iri_values(node: object) -> Iterator[str]:
    """The values of @id, @type, @vocab and @base anywhere in a JSON-LD document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@id", "@type", "@vocab", "@base"):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        yield item
            if isinstance(value, (dict, list)):
                yield from _iri_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from _iri_values(item)


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _located(text: str, needle: object) -> tuple[int | None, int | None]:
    """Where a value first appears in the file (quoted if possible), else no location."""
    if not isinstance(needle, str) or not needle:
        return None, None
    for candidate in (f'"{needle}"', f"<{needle}>", f">{needle}<", needle):
        at = text.find(candidate)
        if at >= 0:
            return position(text, at)
    return None, None


def _context_entries(node: object) -> Iterator[tuple[str, object]]:
    """("@context", value) for every context value anywhere, ("@import", value) likewise."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for item in value if isinstance(value, list) else [value]:
                    yield "@context", item
                    yield from _context_entries(item)
            elif key == "@import":
                yield "@import", value
            else:
                yield from _context_entries(value)
    elif isinstance(node, list):
        for item in node:
            yield from _context_entries(item)


def _short(datatype: URIRef | None) -> str:
    text = str(datatype)
    if text.startswith("http://www.w3.org/2001/XMLSchema#"):
        return "xsd:" + text.rsplit("#", 1)[1]
    return f"<{text}>"
