"""Finding the clauses of a SPARQL text that reach outside the local dataset: SERVICE and FROM.

netkg never fetches unless the user names a remote endpoint, so a query with SERVICE is refused
on every local engine (rdflib and Oxigraph would both go out to the network) and by
`netkg serve`. FROM / FROM NAMED choose the query's dataset; the engines must honour them
rather than answer over the union of all graphs. Both are found by a lexical scan that skips
strings, IRIs and comments, after resolving \\u escapes (which SPARQL allows anywhere).
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


def _keywords(query: str) -> set[str]:
    text = _CODEPOINT.sub(lambda m: _char(m.group(1) or m.group(2)), query)
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
