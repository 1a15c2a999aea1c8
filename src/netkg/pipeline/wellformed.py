"""Checks that make every RDF format keep one contract: refuse what is not well formed, located.

rdflib is lenient where netkg must not be: it keeps an IRI with a space (and fails later, when
the graph is written), keeps a literal whose lexical form does not fit its datatype (and logs a
traceback), fetches remote JSON-LD contexts, and recurses once per nesting level (so a deep file
ends in "maximum recursion depth exceeded"). Each check here turns one of those into an
InputError naming the file, line and column where that can be known.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
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
_ENTITY = re.compile(r"<!ENTITY\s[^>]*\b(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)


def check_nesting(path: Path, text: str, fmt: str) -> None:
    """Refuse nesting deeper than MAX_NESTING, at the line and column where it gets too deep."""
    pattern = {"turtle": _TURTLE, "trig": _TURTLE, "json-ld": _JSON}.get(fmt)
    if pattern is None:
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


def check_terms(path: Path, text: str, graphs: Iterable[Graph]) -> None:
    """Every IRI must be a valid absolute IRI and every typed literal must fit its datatype."""
    seen: set[URIRef] = set()
    for graph in graphs:
        for triple in graph:
            for term in triple:
                if isinstance(term, URIRef):
                    if term in seen:
                        continue
                    seen.add(term)
                    try:
                        ox.NamedNode(str(term))
                    except ValueError as exc:
                        raise InputError(
                            path, f"invalid IRI <{term}>: {exc}", *_located(text, str(term))
                        ) from None
                elif isinstance(term, Literal) and term.ill_typed:
                    raise InputError(
                        path,
                        f'"{term}" is not a valid {_short(term.datatype)} '
                        "(the lexical form does not fit the datatype)",
                        *_located(text, str(term)),
                    )


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _located(text: str, needle: object) -> tuple[int | None, int | None]:
    """Where a value first appears in the file (quoted if possible), else no location."""
    if not isinstance(needle, str) or not needle:
        return None, None
    for candidate in (f'"{needle}"', f"<{needle}>", needle):
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
