"""Valid time: on which days each unit, network, post, membership, strategy… holds.

The sources date things unevenly: a full date (12 February 2013), a month (June 2013), a year
(2015), a season ("spring 2015"), an instant at which a source attests a holding, or nothing.
Queries cannot each re-derive that, so the build does it once, here, and writes the answer as
plain dates into its own named graph (graph/validity). Every catalogue query then needs only one
shared pattern (see docs/as-of.md, "How valid time works") to answer as of a day.

The semantics (valid time):

* A thing holds on day D if its interval contains D. A start is read as its earliest day and an
  end as its latest day, so "2015" contains every day of 2015, "June 2013" every day of June,
  "spring 2015" every day from 1 March to 31 May 2015 (spring Mar–May, summer Jun–Aug, autumn
  Sep–Nov, winter Dec–Feb, as Danish seasons are reckoned).
* A start with no end is an open interval: the thing holds from its start on (the sources
  describe it as existing and record no end). An end with no start holds up to its end.
* A holding that a source only attests at an instant (time:inside) holds during that instant
  (a day, or every day of the year given) and is *unknown* before and after it.
* A thing of a dated kind with no date at all is *unknown* on every day: never dropped, never
  silently kept.
* A relation holds only if both its ends hold: a membership needs its unit and its post, a post
  its unit, a unit its parent unit, a network its structure and parent network. The status of a
  thing on a day is the weakest of its own and its ends' (not < unknown < holds). A municipality
  is the frame of its own graph and is not an end that can expire.

The result is a piecewise status per thing: phases (from, until, status) that cover all time,
with an open first and last phase (no from, no until). Beside them, each thing's own bounds
(nkg:validFrom, nkg:validUntil) keep the precision of the source: a year stays a year
(xsd:gYear), a month a month (xsd:gYearMonth), a day a day, a season its words ("spring 2015"
in English, "foråret 2015" in Danish), so that no one cites a year as an exact day. An end
derived from a change event is the event's date one step back at the event's precision (a
change in 2015 ends the thing in 2014; one on 1 July 2018 on 30 June).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD
from rdflib.term import Node

from netkg.iris import GRAPH, ID, NKG, ORG, TIME, VOCAB

VALIDITY_GRAPH = GRAPH["validity"]
HOLDS, UNKNOWN, NOT = "holds", "unknown", "not"
_RANK = {NOT: 0, UNKNOWN: 1, HOLDS: 2}
DATED_KINDS = (
    ORG.Membership,
    ORG.Post,
    ORG.OrganizationalUnit,
    NKG.Network,
    NKG.NetworkStructure,
    NKG.Strategy,
    NKG.Policy,
    NKG.CoCreationModel,
    NKG.CoCreationInitiative,
    NKG.LocalDemocracyArrangement,  # the codebook's committees, schemes, councils, …
)
# Every predicate validity() reads (with rdf:type for DATED_KINDS): it looks at these triples
# only, so the fast build can hand it just them, taken from its store by predicate.
READS = (
    ORG.memberDuring,
    TIME.hasBeginning,
    TIME.hasEnd,
    TIME.inside,
    TIME.inXSDDate,
    TIME.inXSDgYear,
    ORG.resultedFrom,
    PROV.wasGeneratedBy,
    ORG.changedBy,
    DCTERMS.date,
    NKG.startPeriod,
    NKG.startYear,
    NKG.adoptionDate,
    NKG.adoptionYear,
    NKG.endYear,
    NKG.startDate,
    NKG.endDate,
    NKG.countYear,
    NKG.countDate,
    NKG.schemeStatus,
    ORG.organization,
    NKG.post,
    ORG.postIn,
    ORG.subOrganizationOf,
    NKG.subNetworkOf,
    NKG.hasNetwork,
)
_SEASONS = {  # (first month, last month); winter runs into the next year
    "spring": (3, 5),
    "forår": (3, 5),
    "foråret": (3, 5),
    "summer": (6, 8),
    "sommer": (6, 8),
    "sommeren": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "efterår": (9, 11),
    "efteråret": (9, 11),
    "winter": (12, 14),
    "vinter": (12, 14),
    "vinteren": (12, 14),
}
_SEASON = re.compile(r"^\s*(\w+)\s+(\d{4})\s*$")

_XSD_DATE, _XSD_GYEAR_MONTH, _XSD_GYEAR = XSD.date, XSD.gYearMonth, XSD.gYear

Day = dt.date | None  # None: open (the beginning or the end of time)
Period = tuple[dt.date, dt.date]
Dates = tuple[Day, Day, Period | None]  # start, end, the period a source attests a holding
# a date as a source gives it: its first and last day, and how it is written (a year, month or
# day literal; a season's words in English and Danish)
Stated = tuple[dt.date, dt.date, tuple[Literal, ...]]
# the season's words nkg:validFrom writes, whatever the source's spelling
_SEASON_WORDS = {3: ("spring", "foråret"), 6: ("summer", "sommeren"), 9: ("autumn", "efteråret"),
                 12: ("winter", "vinteren")}  # fmt: skip


@dataclass(frozen=True)
class Phase:
    start: Day
    end: Day
    status: str


def period(value: Literal) -> tuple[dt.date, dt.date] | None:
    """The first and last day a dated literal stands for (date, gYearMonth, gYear)."""
    text = str(value).strip()
    try:
        if value.datatype == _XSD_DATE:
            day = dt.date.fromisoformat(text[:10])
            return day, day
        if value.datatype == _XSD_GYEAR_MONTH:
            year, month = int(text[:4]), int(text[5:7])
            return dt.date(year, month, 1), dt.date(year, month, _last(year, month))
        if value.datatype == _XSD_GYEAR:
            year = int(text[:4])
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None
    return None


def season(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a season-and-year phrase such as 'spring 2015' or
    'foråret 2015'; None for anything else (the phrase is then not used)."""
    m = _SEASON.match(text.lower())
    if not m or m.group(1) not in _SEASONS:
        return None
    first, last = _SEASONS[m.group(1)]
    year = int(m.group(2))
    end_year, end_month = (year + 1, last - 12) if last > 12 else (year, last)
    return dt.date(year, first, 1), dt.date(end_year, end_month, _last(end_year, end_month))


def own_phases(dates: Dates) -> list[Phase]:
    """A thing's status over time from its own dates only (start, end, attested period)."""
    start, end, attested = dates
    if start is None and end is None:
        if attested is None:
            return [Phase(None, None, UNKNOWN)]
        a0, a1 = attested
        return [
            Phase(None, _before(a0), UNKNOWN),
            Phase(a0, a1, HOLDS),
            Phase(_after(a1), None, UNKNOWN),
        ]
    phases = []
    if start is not None:
        phases.append(Phase(None, _before(start), NOT))
    phases.append(Phase(start, end, HOLDS))
    if end is not None:
        phases.append(Phase(_after(end), None, NOT))
    return phases


def meet(a: list[Phase], b: list[Phase]) -> list[Phase]:
    """The pointwise weakest status of two phase lists (both cover all time)."""
    cuts = sorted({p.start for p in a + b if p.start is not None})
    starts: list[Day] = [None, *cuts]
    merged: list[Phase] = []
    for i, start in enumerate(starts):
        following = starts[i + 1] if i + 1 < len(starts) else None
        end = _before(following) if following is not None else None
        status = min(_at(a, start), _at(b, start), key=_RANK.__getitem__)
        if merged and merged[-1].status == status:
            merged[-1] = Phase(merged[-1].start, end, status)
        else:
            merged.append(Phase(start, end, status))
    return merged


def status_on(phases: list[Phase], day: dt.date) -> str:
    return _at(phases, day)


class Index:
    """The triples validity() reads (READS, and rdf:type of DATED_KINDS) as two lookups.

    An rdflib Graph answers the same questions, but filling one costs ten times more; the fast
    build hands this index the triples straight from its store.
    """

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]] = ()) -> None:
        self.out: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self.into: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self.add_all(triples)

    def add_all(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        reads, kinds = _READ_SET, _KIND_SET
        out, into = self.out, self.into
        for s, p, o in triples:
            if p in reads:
                out[(s, p)].add(o)
                if p == _HAS_NETWORK:
                    into[(p, o)].add(s)
            elif p == _TYPE and o in kinds:
                into[(p, o)].add(s)

    def objects(self, subject: Node, predicate: Node) -> Iterable[Node]:
        return self.out.get((subject, predicate), ())

    def subjects(self, predicate: Node, obj: Node) -> Iterable[Node]:
        return self.into.get((predicate, obj), ())


_READ_SET = frozenset(READS)
_TYPE = RDF.type
_KIND_SET = frozenset(DATED_KINDS)


def validity(graphs: Iterable[Graph]) -> Graph:
    """graph/validity: own bounds and the phases (relations included) of every dated thing."""
    data = Index()
    for g in graphs:
        data.add_all(g)
    out = Graph(identifier=VALIDITY_GRAPH)
    for triple in validity_triples(data):
        out.add(triple)
    return out


def validity_triples(data: Index) -> Iterator[tuple[URIRef, URIRef, Node]]:
    """The triples of graph/validity, from the index of what the sources say."""
    things = sorted({s for kind in DATED_KINDS for s in data.subjects(RDF.type, kind)}, key=str)
    dated = set(things)
    memo: dict[Node, list[Phase]] = {}
    known: dict[Node, tuple[Dates, tuple[Literal, ...], tuple[Literal, ...]]] = {}

    def stated(thing: Node) -> tuple[Dates, tuple[Literal, ...], tuple[Literal, ...]]:
        found = known.get(thing)
        if found is None:
            found = known[thing] = _stated_dates(data, thing)
        return found

    def dates(thing: Node) -> Dates:
        return stated(thing)[0]

    def effective(thing: Node, seen: frozenset = frozenset()) -> list[Phase]:
        if thing in memo:
            return memo[thing]
        never = any(s in _NEVER_HELD for s in data.objects(thing, _SCHEME_STATUS))
        phases = [Phase(None, None, NOT)] if never else own_phases(dates(thing))
        for end in _ends(data, thing):
            if end in dated and end not in seen and end != thing:
                phases = meet(phases, effective(end, seen | {thing}))
        memo[thing] = phases
        return phases

    status = {s: Literal(s) for s in _RANK}
    valid_from, valid_until, has_phase = NKG.validFrom, NKG.validUntil, NKG.validity
    phase_type, phase_status = NKG.ValidityPhase, NKG.phaseStatus
    phase_from, phase_until, a = NKG.phaseFrom, NKG.phaseUntil, RDF.type
    for thing in things:
        if not isinstance(thing, URIRef):
            continue
        _, starts, ends = stated(thing)
        for value in starts:
            yield thing, valid_from, value
        for value in ends:
            yield thing, valid_until, value
        key = hashlib.sha1(str(thing).encode()).hexdigest()[:16]
        for i, phase in enumerate(effective(thing)):
            node = ID[f"validity/{key}/{i}"]
            yield thing, has_phase, node
            yield node, a, phase_type
            yield node, phase_status, status[phase.status]
            if phase.start is not None:
                yield node, phase_from, _date(phase.start)
            if phase.end is not None:
                yield node, phase_until, _date(phase.end)


@functools.lru_cache(maxsize=65536)
def _date(day: dt.date) -> Literal:
    return Literal(day, datatype=_XSD_DATE)


# --- reading the dates -------------------------------------------------------------------------

# Namespace attributes build a new URIRef on every access: the terms read, made once
_DATE = DCTERMS.date
_ADOPTION_DATE = NKG.adoptionDate
_ADOPTION_YEAR = NKG.adoptionYear
_END_YEAR = NKG.endYear
_START_DATE = NKG.startDate
_END_DATE = NKG.endDate
_COUNT_DATES = (NKG.countYear, NKG.countDate)
_SCHEME_STATUS = NKG.schemeStatus
# A citizen-proposal scheme that was rejected or only proposed never held: its decision date is
# when it was voted down or put forward, not a start.
_NEVER_HELD = frozenset(
    URIRef(VOCAB + f"scheme-status/{status}") for status in ("rejected", "proposed")
)
_HAS_NETWORK = NKG.hasNetwork
_POST = NKG.post
_START_PERIOD = NKG.startPeriod
_START_YEAR = NKG.startYear
_SUB_NETWORK_OF = NKG.subNetworkOf
_CHANGED_BY = ORG.changedBy
_MEMBER_DURING = ORG.memberDuring
_ORGANIZATION = ORG.organization
_POST_IN = ORG.postIn
_RESULTED_FROM = ORG.resultedFrom
_SUB_ORGANIZATION_OF = ORG.subOrganizationOf
_WAS_GENERATED_BY = PROV.wasGeneratedBy
_HAS_BEGINNING = TIME.hasBeginning
_HAS_END = TIME.hasEnd
_IN_XSD_DATE = TIME.inXSDDate
_IN_XSD_GYEAR = TIME.inXSDgYear
_INSIDE = TIME.inside


def _dates(graph: Index, thing: Node) -> Dates:
    """(start, end, attested period) of the thing; start/end as earliest and latest day."""
    return _stated_dates(graph, thing)[0]


def _stated_dates(
    graph: Index, thing: Node
) -> tuple[Dates, tuple[Literal, ...], tuple[Literal, ...]]:
    """The thing's dates (start, end, attested period), and its start and end as the sources
    give them: the literals of the date that decided each (see the module docstring)."""
    starts: list[Stated] = []
    ends: list[Stated] = []
    attested: list[Stated] = []
    for interval in graph.objects(thing, _MEMBER_DURING):
        starts += _instant_periods(graph, graph.objects(interval, _HAS_BEGINNING))
        ends += _instant_periods(graph, graph.objects(interval, _HAS_END))
        attested += _instant_periods(graph, graph.objects(interval, _INSIDE))
    for event in graph.objects(thing, _RESULTED_FROM):
        starts += _literal_periods(graph.objects(event, _DATE))
    for event in graph.objects(thing, _WAS_GENERATED_BY):
        starts += _literal_periods(graph.objects(event, _DATE))
    ended = [
        p
        for e in graph.objects(thing, _CHANGED_BY)
        for p in _literal_periods(graph.objects(e, _DATE))
    ]
    for day, _last_day, shown in ended:  # changed by an event: held up to the day before it
        ends.append((_before(day), _before(day), tuple(_step_back(v) for v in shown)))
    seasons = [_season_stated(str(v)) for v in graph.objects(thing, _START_PERIOD)]
    starts += [s for s in seasons if s is not None]
    if not any(s is not None for s in seasons):
        starts += _literal_periods(graph.objects(thing, _START_YEAR))
    starts += _literal_periods(graph.objects(thing, _START_DATE))  # a month or day: more precise
    ends += _literal_periods(graph.objects(thing, _END_DATE))
    for counted in _COUNT_DATES:  # a source giving a number attests the thing then
        attested += _literal_periods(graph.objects(thing, counted))
    starts += _literal_periods(graph.objects(thing, _ADOPTION_DATE))
    if not list(graph.objects(thing, _ADOPTION_DATE)):
        starts += _literal_periods(graph.objects(thing, _ADOPTION_YEAR))
    ends += _literal_periods(graph.objects(thing, _END_YEAR))
    # the most precise (latest) earliest day; of equal ones, the most precise date
    start = max(starts, key=lambda s: (s[0], s[0] - s[1]), default=None)
    end = min(ends, key=lambda e: (e[1], e[1] - e[0]), default=None)
    seen = (min(a[0] for a in attested), max(a[1] for a in attested)) if attested else None
    dates: Dates = (
        None if start is None else start[0],
        None if end is None else end[1],
        seen,
    )
    return dates, () if start is None else start[2], () if end is None else end[2]


def _season_stated(text: str) -> Stated | None:
    """A season phrase as a start: its days, and its words in English and Danish."""
    found = season(text)
    if found is None:
        return None
    english, danish = _SEASON_WORDS[found[0].month]
    year = found[0].year
    return found[0], found[1], (Literal(f"{english} {year}", lang="en"),
                                Literal(f"{danish} {year}", lang="da"))  # fmt: skip


def _step_back(value: Literal) -> Literal:
    """The year, month or day before a date, at its own precision (an end derived from a
    change: the thing held up to the step before it)."""
    first = period(value)
    if first is None:
        return value
    day = _before(first[0])
    if value.datatype == _XSD_GYEAR:
        return Literal(f"{day.year:04d}", datatype=_XSD_GYEAR)
    if value.datatype == _XSD_GYEAR_MONTH:
        return Literal(f"{day.year:04d}-{day.month:02d}", datatype=_XSD_GYEAR_MONTH)
    return Literal(day, datatype=_XSD_DATE)


def _instant_periods(graph: Index, instants: Iterable) -> list[Stated]:
    found = []
    for instant in instants:
        found += _literal_periods(graph.objects(instant, _IN_XSD_DATE))
        found += _literal_periods(graph.objects(instant, _IN_XSD_GYEAR))
    return found


def _literal_periods(values: Iterable) -> list[Stated]:
    return [
        (p[0], p[1], (_canonical(v),))
        for v in values
        if isinstance(v, Literal) and (p := _period(v)) is not None
    ]


def _canonical(value: Literal) -> Literal:
    """The date literal as written, a date without a time or zone (xsd:date's lexical form)."""
    if value.datatype == _XSD_DATE and len(str(value)) > 10:
        return Literal(str(value)[:10], datatype=_XSD_DATE)
    return value


@functools.lru_cache(maxsize=65536)
def _period(value: Literal) -> tuple[dt.date, dt.date] | None:
    """period(), remembered: the same years and dates recur across thousands of things."""
    return period(value)


def _ends(graph: Index, thing: Node) -> list[URIRef]:
    """The things a relation of `thing` depends on (its ends other than itself)."""
    found = [
        *graph.objects(thing, _ORGANIZATION),
        *graph.objects(thing, _POST),
        *graph.objects(thing, _POST_IN),
        *graph.objects(thing, _SUB_ORGANIZATION_OF),
        *graph.objects(thing, _SUB_NETWORK_OF),
        *graph.subjects(_HAS_NETWORK, thing),
    ]
    return sorted({e for e in found if isinstance(e, URIRef)}, key=str)


def _at(phases: list[Phase], day: Day) -> str:
    for p in phases:
        if (p.start is None or (day is not None and p.start <= day)) and (
            p.end is None or (day is not None and day <= p.end)
        ):
            return p.status
    return phases[0].status  # day None: the open beginning


def _before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def _after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1)


def _last(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
