"""The query catalogue: one .rq file per question, described by its comment header.

Header grammar (the leading '#' lines of the file)::

    # Title:    Networks of a municipality
    # Question: Which networks exist in M, of which type, since when, led by whom?
    # Param:    municipality iri default=albertslund ns=mun  The municipality.
    # Param:    lang string default=en  Language of the labels.
    # Columns:  network, networkLabel, type, since, leader
    # Kind:     question | quality | internal
    # Gap:      org:hasMember  Why an empty answer can be expected (optional; see below).

A quality query must return no rows on good data; an internal one is run by netkg's own
commands, lives in queries/internal/ and is listed only by `netkg queries --all`.

A parameter is `name type [default=V] [ns=PREFIX] [required] description`; types are iri,
string, integer and date. A parameter without default and not required stays unbound, which in
the catalogue's queries means "all".

So that a file runs as it stands on any endpoint, its defaults are also written in the query, as
one line opening the WHERE group and marked by a `# defaults` comment::

    WHERE {
      VALUES (?municipality ?lang) { (<https://w3id.org/netkg/id/albertslund> "en") }  # defaults

netkg removes that line (`CatalogueQuery.text`; the file itself is `source`) and binds the
parameters as RDF terms instead, so a given value, or an empty one meaning "all", replaces the
default. tests/test_catalogue.py checks that the line and the header agree.
`Gap` names the property whose recorded knowledge gaps (nkg:gapProperty) explain an empty
answer; when the query returns no rows, `netkg query` prints those gaps as notes.

A pattern that several queries share lives once, in queries/fragments/NAME.rq, and a query
takes it with a comment line of its own::

      BIND (?network AS ?dated)
      # include: as-of

netkg replaces that line by the fragment's lines (its `#` header left out, indented like the
line), in `text` and in `source` alike, so what runs and what is exported is the whole query.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from netkg.errors import InputError, UsageError
from netkg.iris import PREFIXES, expand
from netkg.pipeline.inputs.layout import fragment_files, query_files, shipped_root
from netkg.rdf.terms import checked_iri, sparql_syntax_error

PARAM_TYPES = ("iri", "string", "integer", "date")
KINDS = ("question", "quality", "internal")
_HEADER = re.compile(r"^#\s*([A-Za-z]+)\s*:\s*(.*)$")
_KEYS = ("title", "question", "param", "columns", "kind", "gap")
_DEFAULTS = re.compile(
    r"^[ \t]*VALUES[ \t]*\([^)\n]*\)[ \t]*\{[^\n]*\}[ \t]*#[ \t]*defaults\b[^\n]*\n",
    re.MULTILINE,
)
_INCLUDE = re.compile(r"^([ \t]*)#[ \t]*include:[ \t]*([\w-]+)[^\n]*\n", re.MULTILINE)
# SPARQL text rather than a name or path: its first keyword (after comments) opens a query.
_SPARQL_TEXT = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE
)


def parse_day(value: str) -> datetime.date:
    """YYYY-MM-DD, or YYYY-MM / YYYY meaning the first day of that month or year (the form
    `--as-of` takes); ValueError otherwise."""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return datetime.date(int(text), 1, 1)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return datetime.date(int(text[:4]), int(text[5:]), 1)
    return datetime.date.fromisoformat(text)


@dataclass(frozen=True)
class Param:
    """A declared query parameter and how a command-line value becomes an RDF term."""

    name: str
    type: str
    description: str = ""
    default: str | None = None
    namespace: str | None = None
    required: bool = False

    def to_term(self, raw: str) -> Node:
        """The value as a typed RDF term; UsageError saying what form was expected."""
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError as exc:  # bytes from the command line that are not UTF-8
            shown = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise UsageError(
                f"parameter {self.name!r} is not valid UTF-8 text "
                f"(at character {exc.start + 1} of {shown!r})"
            ) from None
        value = raw.strip()
        try:
            if self.type == "iri":
                return checked_iri(self._expand(value))
            if self.type == "integer":
                return Literal(int(value), datatype=XSD.integer)
            if self.type == "date":
                return Literal(parse_day(value), datatype=XSD.date)
            return Literal(raw)
        except ValueError as exc:
            raise UsageError(
                f"parameter {self.name!r} wants {self._form()}, not {raw!r} ({exc})"
            ) from None

    def _expand(self, value: str) -> str:
        if value.startswith("<") and value.endswith(">"):
            return value[1:-1]
        if ":" in value:
            return expand(value) or value  # every name netkg prints reads back
        if self.namespace:
            return PREFIXES[self.namespace] + value
        return value

    def _form(self) -> str:
        if self.type == "iri":
            short = (
                f", a prefixed name, or a bare name in {self.namespace}:" if self.namespace else ""
            )
            return f"an IRI{short}"
        return {"integer": "a whole number", "date": "a date YYYY[-MM[-DD]]"}.get(self.type, "text")


@dataclass(frozen=True)
class CatalogueQuery:
    """One .rq file and what its header says about it."""

    name: str
    path: Path
    text: str  # the query netkg binds parameters in: the file without its `# defaults` line
    title: str = ""
    question: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    kind: str = "question"
    notes: str = ""
    source: str = ""  # the file as it stands, defaults line included: runs on any endpoint
    defaults_line: str = ""  # that line, '' if the file has none
    gap: str = ""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        declared = ", ".join(p.name for p in self.params) or "none"
        raise UsageError(f"query {self.name!r} has no parameter {name!r} (it declares: {declared})")

    def bindings(self, given: dict[str, str] | None = None) -> dict[str, Node]:
        """Declared defaults overlaid with the given values, each as a typed RDF term."""
        given = dict(given or {})
        for name in given:
            self.param(name)  # raises on an unknown name
        bound: dict[str, Node] = {}
        for p in self.params:
            raw = given.get(p.name, p.default)
            if raw is not None and not raw.strip():
                raw = None  # an empty value unbinds: "all municipalities", say
            if raw is None:
                if p.required:
                    raise UsageError(
                        f"query {self.name!r} needs --param {p.name}=… ({p.description})"
                    )
                continue
            bound[p.name] = p.to_term(raw)
        return bound


def is_sparql_text(text: str) -> bool:
    """Whether `text` is a query itself (starts with PREFIX, SELECT, ASK, …), not a name."""
    return bool(_SPARQL_TEXT.match(text))


def inline_query(text: str) -> CatalogueQuery:
    """SPARQL text given inline (a notebook cell), checked like a file; its header is read."""
    return check_syntax(parse_query_text(text, Path("<inline query>")))


def parse_query_file(path: Path) -> CatalogueQuery:
    """Read an .rq file and its header; a malformed header names the file and line.

    Parsed once per file version: a command that runs several queries (and the checks
    behind them) looks the catalogue up many times, and re-reading every file each time
    showed up in `diagram` and `compare`.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputError(path, "no such query file") from None
    fragments = tuple((p, p.stat().st_mtime_ns) for p in fragment_files().values())
    return _parse_file(path, stat.st_mtime_ns, stat.st_size, fragments)


@lru_cache(maxsize=512)
def _parse_file(
    path: Path, mtime_ns: int, size: int, fragments: tuple[tuple[Path, int], ...]
) -> CatalogueQuery:
    """parse_query_file for one version of the file and of the fragments it may include (the
    cache key): `netkg serve` sees an edited fragment as it sees an edited query."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such query file") from None
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start].decode("utf-8", "replace")
        row = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise InputError(path, "the query file is not UTF-8 text", row, column) from None
    return parse_query_text(text, path)


def parse_query_text(text: str, path: Path) -> CatalogueQuery:
    """A query and its header, from text; `path` names it in messages."""
    fields: dict[str, list[str]] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        m = _HEADER.match(line)
        if m and m.group(1).lower() in _KEYS:
            last = m.group(1).lower()
            fields.setdefault(last, []).append(m.group(2).strip())
        elif not body:
            last = None  # a bare '#' ends a field; later free text is a note
        elif last:
            fields[last][-1] += " " + body
        else:
            fields.setdefault("notes", [""])
            fields["notes"][-1] = (fields["notes"][-1] + " " + body).strip()
    params = tuple(_parse_param(path, raw) for raw in fields.get("param", []))
    columns = tuple(c.strip().lstrip("?") for c in " ".join(fields.get("columns", [])).split(","))
    kind = (fields.get("kind") or ["question"])[0].lower()
    if kind not in KINDS:
        raise InputError(path, f"Kind must be one of {', '.join(KINDS)}, not {kind!r}")
    text = expand_includes(text, path)
    defaults = _DEFAULTS.search(text)
    return CatalogueQuery(
        name=path.stem,
        path=path,
        text=_DEFAULTS.sub("", text, count=1),
        title=" ".join(fields.get("title", [])),
        question=" ".join(fields.get("question", [])),
        params=params,
        columns=tuple(c for c in columns if c),
        kind=kind,
        notes=" ".join(fields.get("notes", [])),
        source=text,
        defaults_line=defaults.group(0).strip() if defaults else "",
        gap=" ".join(fields.get("gap", [])),
    )


def expand_includes(text: str, path: Path) -> str:
    """`text` with each `# include: NAME` line replaced by queries/fragments/NAME.rq."""
    fragments = fragment_files()

    def body(match: re.Match[str]) -> str:
        indent, name = match.group(1), match.group(2)
        if name not in fragments:
            row = text.count("\n", 0, match.start()) + 1
            known = ", ".join(sorted(fragments)) or "none"
            raise InputError(path, f"no fragment {name!r} (known: {known})", row)
        lines = fragments[name].read_text(encoding="utf-8").splitlines()
        pattern = [line for line in lines if not line.startswith("#")]
        while pattern and not pattern[0].strip():
            pattern.pop(0)
        pattern.insert(0, f"# {name}: the shared pattern of queries/fragments/{name}.rq")
        return "".join(f"{indent}{line}".rstrip() + "\n" for line in pattern)

    return _INCLUDE.sub(body, text)


def _parse_param(path: Path, raw: str) -> Param:
    words = raw.split()
    if len(words) < 2 or words[1] not in PARAM_TYPES:
        raise InputError(
            path, f"Param line {raw!r} must start 'name type' with type one of {PARAM_TYPES}"
        )
    options: dict[str, str] = {}
    required = False
    rest = words[2:]
    while rest and ("=" in rest[0] or rest[0] == "required"):
        word = rest.pop(0)
        if word == "required":
            required = True
        else:
            key, value = word.split("=", 1)
            options[key] = value
    namespace = options.get("ns", "").rstrip(":") or None
    if namespace and namespace not in PREFIXES:
        raise InputError(path, f"Param {words[0]!r}: unknown namespace prefix {namespace!r}")
    return Param(
        name=words[0],
        type=words[1],
        description=" ".join(rest),
        default=options.get("default"),
        namespace=namespace,
        required=required,
    )


def check_syntax(query: CatalogueQuery) -> CatalogueQuery:
    """Parse the query with Oxigraph (on an empty store) so a typo fails fast, located."""
    error = sparql_syntax_error(query.text, PREFIXES)
    if error is not None:
        message = re.sub(r"^error at [0-9:]+: ", "", error.splitlines()[0])
        line, column = _position(error)
        raise InputError(query.path, f"SPARQL syntax error: {message}", line, column) from None
    return query


def _position(message: str) -> tuple[int | None, int | None]:
    m = re.search(r"error at (\d+):(\d+)", message)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def load_catalogue(folder: Path | None = None, internal: bool = False) -> dict[str, CatalogueQuery]:
    """The catalogue's queries by name (default: shipped plus the project's), in name order.

    With `internal`, also the queries netkg's own commands run (queries/internal/), which are
    kept out of the researcher's list but tested like the rest.
    """
    files = sorted(folder.glob("*.rq")) if folder is not None else query_files()
    if internal:
        files += sorted(((folder or shipped_root() / "queries") / "internal").glob("*.rq"))
    return {p.stem: parse_query_file(p) for p in sorted(files, key=lambda p: p.stem)}


def find_query(name_or_path: str, folder: Path | None = None) -> CatalogueQuery:
    """A catalogue query by name, any .rq file by path, or SPARQL text itself; UsageError
    listing what exists."""
    if is_sparql_text(name_or_path):
        return inline_query(name_or_path)
    candidate = Path(name_or_path)
    if candidate.suffix == ".rq" or candidate.is_file():
        return check_syntax(parse_query_file(candidate))
    catalogue = load_catalogue(folder, internal=True)
    if name_or_path in catalogue:
        return check_syntax(catalogue[name_or_path])
    public = [n for n, q in catalogue.items() if q.kind != "internal"]
    close = [n for n in public if name_or_path.lower() in n.lower()]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UsageError(
        f"no query named {name_or_path!r}.{hint} Known queries: {', '.join(public)}"
        " (or give a path to an .rq file)"
    )
