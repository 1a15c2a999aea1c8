"""Whether a quote says a value: the support rules of the evidence check, in one pure function.

`decide()` takes a small input — the facts, the evidence nodes, the names of the things facts
point to, the archived texts — and returns, for every quote, whether it is verbatim, and for
every fact (s, p, o) one kind of support:

- **quoted**: a quote of an evidence node for (s, p[, o]) says o: the value occurs in the
  normalised quote (case, whitespace, Unicode NFKC, hyphens and dashes; numbers as whole numbers,
  with thousands separators and decimal commas read: "27.743" = 27743, and 9 is not in 1970), or
  through a rendering of the reviewed table `renderings.toml` (number words, month names, dates
  and lengths of time in words, amounts, English glosses of Danish words); an IRI value is said
  by one of its names (labels, titles, names of people); a blank node value by its names, else
  by all its own values;
- **derived**: no quote says it, but the evidence says in words how it follows (nkg:inference);
- **brief-only**: only netkg's own domain brief says it (quoted or derived);
- **unsupported**: nothing does.

A quote may leave out text between its segments, marked "[…]"; each segment must occur verbatim
(whitespace aside) in the archived text, in page order. Nothing here reads files or engines:
the build (netkg.pipeline.derived.evidence) feeds it from rdflib graphs, and any other engine
can feed it the same input.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import Path

from rdflib import BNode, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from netkg.iris import DOC

QUOTED = "quoted"
DERIVED = "derived"
BRIEF_ONLY = "brief-only"
UNSUPPORTED = "unsupported"
KINDS = (QUOTED, DERIVED, BRIEF_ONLY, UNSUPPORTED)

BRIEF = DOC["netkg-domain-brief"]  # netkg's own compilation, not a public page
CUT = re.compile(r"\s*\[(?:…|\.\.\.)\]\s*")  # where a quote leaves text out
RENDERINGS = Path(__file__).with_name("renderings.toml")

Fact = tuple[Node, Node, Node]

_NUMERIC = {
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.gYear,
}
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord(c): '"' for c in "“”„«»‟"} | {ord(c): "'" for c in "‘’‚‛"}
_NUMBER_RUN = re.compile(r"(?<!\d)\d+(?:[.,]\d+)*(?!\d)")
_PLAIN_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_EDGE = " .,;:!?\"'()"


@dataclass(frozen=True)
class Evidence:
    """One nkg:Evidence node: what it is about, its quotes, their source and any inference."""

    node: Node
    about: frozenset[Node]
    properties: frozenset[Node]
    values: frozenset[Node]  # empty: every value of the properties
    quotes: tuple[Literal, ...]
    source: Node | None
    inference: tuple[str, ...] = ()

    def covers(self, fact: Fact) -> bool:
        s, p, o = fact
        return s in self.about and p in self.properties and (not self.values or o in self.values)


@dataclass(frozen=True)
class Verdict:
    """How one fact is supported, and by which evidence nodes (all candidates if by none)."""

    fact: Fact
    kind: str
    evidence: tuple[Node, ...]


@dataclass(frozen=True)
class Misquote:
    """A quote whose text (or one of its segments, in order) is not in its archived source."""

    evidence: Node
    quote: Literal
    source: Node | None
    segment: str  # the first segment not found where it should be


@dataclass
class Decision:
    """The verdict on every fact and every quote."""

    verdicts: list[Verdict] = field(default_factory=list)
    misquotes: list[Misquote] = field(default_factory=list)
    quotes: int = 0

    def of(self, kind: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.kind == kind]


class Renderings:
    """The reviewed table of renderings (renderings.toml), compiled into matchers."""

    def __init__(self, table: Mapping) -> None:
        self.table = table
        self._compiled: dict[tuple[str, ...], _Matchers] = {}
        self._read: dict[tuple[str, str | None], _Said] = {}
        self._glossed: dict[str, str] = {}

    @classmethod
    def load(cls, path: Path = RENDERINGS) -> Renderings:
        return cls(tomllib.loads(path.read_text(encoding="utf-8")))

    def languages(self, lang: str | None) -> list[str]:
        """The languages whose words a quote in `lang` is read with (all for no tag)."""
        known = sorted(set(self.table.get("numbers", {})) | set(self.table.get("months", {})))
        base = (lang or "").split("-")[0].lower()
        return [base] if base in known else known

    def _words(self, section: str, langs: Sequence[str]) -> dict[str, object]:
        words: dict[str, object] = {}
        for lang in langs:
            for word, value in self.table.get(section, {}).get(lang, {}).items():
                words.setdefault(normalise(word), value)
        return words

    def _matchers(self, langs: tuple[str, ...]) -> _Matchers:
        if langs not in self._compiled:
            self._compiled[langs] = _Matchers(
                numbers={w: Decimal(str(v)) for w, v in self._words("numbers", langs).items()},
                months={w: int(str(v)) for w, v in self._words("months", langs).items()},
                durations={w: str(v) for w, v in self._words("durations", langs).items()},
                amounts={w: Decimal(str(v)) for w, v in self._words("amounts", langs).items()},
            )
        return self._compiled[langs]

    @cached_property
    def glosses(self) -> list[tuple[re.Pattern[str], str]]:
        """(Danish words, English gloss), longest words first, to read both sides in English."""
        pairs = [
            (normalise(da), normalise(en))
            for en, words in self.table.get("glosses", {}).items()
            for da in words
        ]
        pairs.sort(key=lambda pair: -len(pair[0]))
        return [(re.compile(rf"\b{re.escape(da)}\b"), en) for da, en in pairs]

    def glossed(self, text: str) -> str:
        """A normalised text with Danish words replaced by their English glosses (each text
        glossed once: a quote is read for every fact it may say)."""
        if text not in self._glossed:
            out = text
            for pattern, english in self.glosses:
                out = pattern.sub(english, out)
            self._glossed[text] = out
        return self._glossed[text]

    def values(self, quote: str, lang: str | None) -> _Said:
        """The numbers, dates, months and lengths of time a (normalised) quote says."""
        key = (quote, lang)
        if key not in self._read:
            self._read[key] = self._matchers(tuple(self.languages(lang))).read(quote)
        return self._read[key]


@dataclass
class _Said:
    numbers: set[Decimal] = field(default_factory=set)
    values: set[str] = field(default_factory=set)  # dates, year-months, durations (lexical)


@dataclass
class _Matchers:
    numbers: dict[str, Decimal]
    months: dict[str, int]
    durations: dict[str, str]
    amounts: dict[str, Decimal]

    @cached_property
    def _number(self) -> str:
        words = f"|{_alternatives(self.numbers)}" if self.numbers else ""
        return rf"(\d+(?:[.,]\d+)?{words})"

    @cached_property
    def _patterns(self) -> dict[str, re.Pattern[str]]:
        number = self._number
        patterns = {
            "dmy-digits": r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b",
            "iso": r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b",
        }
        if self.numbers:
            patterns["number-word"] = rf"\b({_alternatives(self.numbers)})\b"
        if self.months:
            month = f"({_alternatives(self.months)})"
            patterns["dmy"] = rf"\b(\d{{1,2}})\.?\s+(?:of\s+)?{month}\.?,?\s+(\d{{4}})\b"
            patterns["mdy"] = rf"\b{month}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
            patterns["my"] = rf"\b{month}\.?,?\s+(\d{{4}})\b"
        if self.durations:
            # a span may be counted with thousands ("1.000 dage") or by an article ("et år")
            spans = rf"(\d{{1,3}}(?:\.\d{{3}})+|{number[1:-1]}|{_alternatives(_ONE)})"
            units = _alternatives(self.durations)
            patterns["duration"] = rf"(?<![\w.,]){spans}\s+({units})(?!\w)"
        if self.amounts:
            patterns["amount"] = rf"(?<![\w.,]){number}\s*({_alternatives(self.amounts)})(?!\w)"
        return {k: re.compile(v) for k, v in patterns.items()}

    def _as_number(self, text: str) -> Decimal | None:
        if text in self.numbers:
            return self.numbers[text]
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None

    def read(self, text: str) -> _Said:
        said = _Said()
        for run in _NUMBER_RUN.findall(text):
            said.numbers |= _readings(run)
        p = self._patterns
        said.numbers |= {self.numbers[w] for w in _found(p, "number-word", text)}
        for day, month, year in _found(p, "dmy", text):
            _add_date(said, year, self.months[month], day)
        for month, day, year in _found(p, "mdy", text):
            _add_date(said, year, self.months[month], day)
        for month, year in _found(p, "my", text):
            said.values.add(f"{year}-{self.months[month]:02d}")
        for day, month, year in _found(p, "dmy-digits", text):
            if 1 <= int(month) <= 12:
                _add_date(said, year, int(month), day)
        for year, month, day in _found(p, "iso", text):
            if 1 <= int(month) <= 12:
                _add_date(said, year, int(month), day or None)
        for amount, unit in _found(p, "duration", text):
            if amount in _ONE:
                counts = {Decimal(1)}
            elif amount in self.numbers:
                counts = {self.numbers[amount]}
            elif _THOUSANDS.fullmatch(amount):
                counts = {Decimal(amount.replace(".", ""))}
            else:
                n = self._as_number(amount)
                counts = {n} if n is not None else set()
            for n in counts:
                if n == n.to_integral_value():
                    said.values.add(canonical_duration(f"P{int(n)}{self.durations[unit]}"))
        for amount, unit in _found(p, "amount", text):
            n = self._as_number(amount)
            if n is not None:
                said.numbers.add(n * self.amounts[unit])
        return said


# an article counts one only before a unit of time: "et år" is a year, "en" alone is no number
_ONE = ("en", "et", "én", "ét", "one", "a", "an")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


def canonical_duration(lexical: str) -> str:
    """A calendar span in months and days ("P1Y" and "P12M" are both "P12M"; a week is seven
    days), so a quote's "12 måneder" says a cell's "1 år"; anything else is kept as it is."""
    m = _DURATION.fullmatch(lexical.upper())
    if not m or not any(m.groups()):
        return lexical.upper()
    years, months, weeks, days = (int(g or 0) for g in m.groups())
    months += 12 * years
    days += 7 * weeks
    return "P" + (f"{months}M" if months else "") + (f"{days}D" if days or not months else "")


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of words, longest first (so 'måneder' wins over 'måned')."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _found(patterns: Mapping[str, re.Pattern[str]], name: str, text: str) -> list:
    return patterns[name].findall(text) if name in patterns else []


def _add_date(said: _Said, year: str, month: int, day: str | None) -> None:
    said.values.add(f"{year}-{month:02d}")
    if day is not None and 1 <= int(day) <= 31:
        said.values.add(f"{year}-{month:02d}-{int(day):02d}")


def _readings(run: str) -> set[Decimal]:
    """The numbers a run of digits and separators can be: '27.743' is 27743 (Danish thousands)
    or 27.743; '23,2' is 23.2; '28.10.2021' gives its parts."""
    groups = re.split(r"[.,]", run)
    found = {Decimal(g) for g in groups}
    if len(groups) > 1 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
        found.add(Decimal("".join(groups)))
    if len(groups) == 2:
        found.add(Decimal(f"{groups[0]}.{groups[1]}"))
    return found


@lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """Case, whitespace, Unicode (NFKC), dashes, quotation marks and the space after '§' made
    uniform (remembered: the same quotes and names are read for many facts)."""
    text = text.replace("½", ",5").replace("\u00ad", "")
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    text = re.sub(r"§\s*", "§", text)  # "§ 17" and "§17" are written alike
    return re.sub(r"\s+", " ", text).strip().casefold()


def collapse(text: str) -> str:
    """Whitespace collapsed only: what 'verbatim' allows a quote to differ in."""
    return re.sub(r"\s+", " ", text).strip()


def segments(quote: str) -> list[str]:
    """The verbatim parts of a quote, split where it marks a cut with '[…]'."""
    return [part for part in (collapse(p) for p in CUT.split(quote)) if part]


def first_missing_segment(quote: str, texts: Sequence[str]) -> str | None:
    """None if the quote's segments occur, in order, in one of the (collapsed) archived texts;
    else the first segment that does not follow its predecessor in the text that comes
    closest."""
    parts = segments(quote) or [collapse(quote)]
    best = 0
    for text in texts:
        at, matched = 0, 0
        for part in parts:
            found = text.find(part, at)
            if found < 0:
                break
            at, matched = found + len(part), matched + 1
        if matched == len(parts):
            return None
        best = max(best, matched)
    return parts[best]


def _contains(haystack: str, needle: str) -> bool:
    """needle in haystack, where a needle that starts or ends with a digit is not cut out of a
    longer number (2015 is not in 20150). A word may sit inside a Danish compound, whose last
    part names its kind ("velfærdsnetværk" is a netværk), so words are not cut at letters."""
    needle = needle.strip(_EDGE)
    if not needle or needle not in haystack:  # the pattern below finds only what `in` finds
        return False
    start = r"(?<!\d)" if needle[0].isdigit() else ""
    end = r"(?!\d)" if needle[-1].isdigit() else ""
    return re.search(start + re.escape(needle) + end, haystack) is not None


@dataclass
class Reader:
    """Whether quotes say values, with the renderings table and the names of things."""

    renderings: Renderings
    names: Mapping[Node, Sequence[Literal]]
    parts: Mapping[Node, Sequence[Node]]  # a blank node value's own values

    def says(self, quote: Literal, value: Node, depth: int = 0) -> bool:
        lang = quote.language
        text = normalise(str(quote))
        if isinstance(value, Literal):
            return self._says_literal(text, lang, value)
        named = self.names.get(value, ())
        if any(self._says_text(text, normalise(str(n))) for n in named):
            return True
        if isinstance(value, BNode) and not named and depth < 3:
            own = self.parts.get(value, ())
            return bool(own) and all(self.says(quote, v, depth + 1) for v in own)
        return False

    def _says_text(self, quote: str, value: str) -> bool:
        if _contains(quote, value):
            return True
        return _contains(self.renderings.glossed(quote), self.renderings.glossed(value))

    def _says_literal(self, quote: str, lang: str | None, value: Literal) -> bool:
        lexical = normalise(str(value))
        datatype = value.datatype
        if datatype == XSD.boolean:
            return False  # a yes or no is never written as such: say how it follows
        plain = datatype in (None, XSD.string) and not value.language
        if datatype in _NUMERIC or (plain and _PLAIN_NUMBER.fullmatch(lexical)):
            try:
                number = Decimal(lexical.replace(",", "."))
            except InvalidOperation:
                return self._says_text(quote, lexical)
            return number in self.renderings.values(quote, lang).numbers
        if datatype == XSD.duration:
            return canonical_duration(lexical) in self.renderings.values(quote, lang).values
        if datatype in (XSD.date, XSD.dateTime, XSD.gYearMonth):
            day = lexical[:10] if datatype == XSD.dateTime else lexical
            return day in self.renderings.values(quote, lang).values or _contains(quote, day)
        return self._says_text(quote, lexical)


def decide(
    facts: Iterable[Fact],
    evidence: Iterable[Evidence],
    names: Mapping[Node, Sequence[Literal]],
    parts: Mapping[Node, Sequence[Node]],
    texts: Mapping[Node, Sequence[str]],
    renderings: Renderings,
) -> Decision:
    """Every quote checked against its archived texts (`texts`: source → collapsed texts), and
    every fact given its kind of support. Results are in a fixed order (by the facts' and
    evidence nodes' N-Triples), whatever order the input came in."""
    nodes = sorted(evidence, key=lambda e: e.node.n3())
    decision = Decision()
    checked: dict[tuple[str, tuple[str, ...]], str | None] = {}  # a quote copied, checked once
    for ev in nodes:
        for quote in sorted(ev.quotes, key=str):
            decision.quotes += 1
            key = (str(quote), tuple(texts.get(ev.source, ())))  # type: ignore[arg-type]
            if key not in checked:
                checked[key] = first_missing_segment(*key)
            missing = checked[key]
            if missing is not None:
                decision.misquotes.append(Misquote(ev.node, quote, ev.source, missing))
    by_subject: dict[Node, list[Evidence]] = {}
    for ev in nodes:
        for s in ev.about:
            by_subject.setdefault(s, []).append(ev)
    reader = Reader(renderings, names, parts)
    for fact in sorted(set(facts), key=lambda f: tuple(t.n3() for t in f)):
        candidates = [ev for ev in by_subject.get(fact[0], ()) if ev.covers(fact)]
        decision.verdicts.append(_verdict(fact, candidates, reader))
    return decision


def _verdict(fact: Fact, candidates: list[Evidence], reader: Reader) -> Verdict:
    public = [ev for ev in candidates if ev.source != BRIEF]
    brief = [ev for ev in candidates if ev.source == BRIEF]
    value = fact[2]
    saying = [ev for ev in public if any(reader.says(q, value) for q in ev.quotes)]
    if saying:
        return Verdict(fact, QUOTED, tuple(ev.node for ev in saying))
    inferring = [ev for ev in public if ev.inference]
    if inferring:
        return Verdict(fact, DERIVED, tuple(ev.node for ev in inferring))
    briefly = [ev for ev in brief if ev.inference or any(reader.says(q, value) for q in ev.quotes)]
    if briefly:
        return Verdict(fact, BRIEF_ONLY, tuple(ev.node for ev in briefly))
    return Verdict(fact, UNSUPPORTED, tuple(ev.node for ev in candidates))
