"""Finding what in a SPARQL text must not reach an engine: SERVICE, FROM, and deep nesting.

netkg never fetches unless the user names a remote endpoint, so a query with SERVICE is refused
on every local engine (rdflib and Oxigraph would both go out to the network) and by
`netkg serve`. FROM / FROM NAMED choose the query's dataset; the engines must honour them
rather than answer over the union of all graphs. Brackets nested deeper than MAX_NESTING are
refused before any parser sees them: Oxigraph's recursive parser overflows its stack (the
process dies with SIGSEGV) at a few thousand levels. All three are found by a lexical scan that
skips strings, IRIs and comments, after resolving \\u escapes (which SPARQL allows anywhere).
"""

from __future__ import annotations

import re

from netkg.errors import QueryError

# Tokens that can hide a keyword from a naive search, in SPARQL's lexical order.
_TOKENS = re.compile(
    r"""(?P<skip>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
          |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
          |<[^<>"{}|^`\\\x00-\x20]*>
          |\#[^\n\r]*)
      | (?P<service>(?<![\w?$:-])SERVICE(?![\w:-]))
      | (?P<from>(?<![\w?$:-])FROM(?![\w:-]))
      | (?P<other>[^'"<\#SsFf]+|[\s\S])""",
    re.VERBOSE | re.IGNORECASE,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
SERVICE_REFUSED = "SERVICE is refused: netkg does not query other hosts from a local graph"
# The Turtle loader's limit too (pipeline.inputs.wellformed); real queries nest a dozen levels.
MAX_NESTING = 64
_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")


def _resolved(query: str) -> str:
    """The text with its \\u escapes resolved, as the SPARQL grammar reads it."""
    return _CODEPOINT.sub(lambda m: _char(m.group(1) or m.group(2)), query)


def _keywords(query: str) -> set[str]:
    text = _resolved(query)
    return {m.lastgroup for m in _TOKENS.finditer(text) if m.lastgroup in ("service", "from")}


def _char(hex_digits: str) -> str:
    code = int(hex_digits, 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"


def uses_service(query: str) -> bool:
    """Whether the query has a SERVICE clause (outside strings, IRIs and comments).

    A false alarm (a prefixed name like ex:a.service) only refuses a query; a miss would let
    the engine fetch, so the check errs on the side of refusing.
    """
    return "service" in _keywords(query)


def names_dataset(query: str) -> bool:
    """Whether the query chooses its own dataset with FROM or FROM NAMED."""
    return "from" in _keywords(query)


def refuse_service(query: str) -> None:
    """QueryError if the query would fetch from another host."""
    if uses_service(query):
        raise QueryError(SERVICE_REFUSED)


def too_deep(query: str) -> tuple[int, int] | None:
    """(line, column) where the brackets first nest deeper than MAX_NESTING, else None.

    Brackets inside strings, IRIs and comments do not count.
    """
    text = _resolved(query)
    depth = 0
    for m in _TOKENS.finditer(text):
        if m.lastgroup == "skip":
            continue
        for offset, ch in enumerate(m.group()):
            if ch in _OPEN:
                depth += 1
                if depth > MAX_NESTING:
                    at = m.start() + offset
                    line = text.count("\n", 0, at) + 1
                    return line, at - (text.rfind("\n", 0, at) + 1) + 1
            elif ch in _CLOSE:
                depth = max(0, depth - 1)
    return None


def nesting_refused(query: str) -> str | None:
    """The message refusing a query nested too deep for the parsers, else None."""
    where = too_deep(query)
    if where is None:
        return None
    return (
        f"brackets nest deeper than {MAX_NESTING} levels at line {where[0]}, column {where[1]}: "
        "refused before parsing (split the query or flatten the expression)"
    )


def refuse_unsafe(query: str) -> None:
    """QueryError if the query would fetch from another host or nests too deep to parse."""
    refuse_service(query)
    message = nesting_refused(query)
    if message is not None:
        raise QueryError(message)


def service_as_graph(query: str) -> str:
    """The text with each SERVICE [SILENT] keyword written as GRAPH, for a parse-only check.

    SERVICE and GRAPH take the same operands (an IRI or variable, then a group), so the text
    parses exactly when the original does, and nothing in it can reach another host.
    """
    text = "".join(
        "\x00GRAPH" if m.lastgroup == "service" else m.group()
        for m in _TOKENS.finditer(_resolved(query))
    )
    text = _SILENT.sub(lambda m: "GRAPH" + m.group(1), text)
    return text.replace("\x00GRAPH", "GRAPH")


_SILENT = re.compile(r"\x00GRAPH((?:\s|\#[^\n\r]*[\n\r])*)SILENT(?![\w:-])", re.IGNORECASE)
