"""What kind of thing a resource is, for grouping pages: municipalities, networks, people, …

The home page lists the published resources by kind (not by IRI path), and a resource's page
groups the links to it by property and kind. A resource's kind is the first of KINDS one of whose
classes it has, asserted or inferred (so a nkg:Department is a unit through org:OrganizationalUnit
as well as directly); a resource of none of them is "Other".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from netkg.iris import DCAT, NKG, ORG, VOID
from netkg.iris import PREFIXES as _P

_FOAF = _P["foaf"]
_SKOS = _P["skos"]
_OWL = _P["owl"]
_VOID = str(VOID)
_DCAT = str(DCAT)


@dataclass(frozen=True)
class Kind:
    """A group of resources on the pages: its key (an HTML id), plural title and classes;
    `searchable` False keeps them out of the home page's search (quotes: their resource's
    page shows them, and their ids would answer every search for that resource)."""

    key: str
    title: str
    classes: tuple[str, ...]
    searchable: bool = True


KINDS: tuple[Kind, ...] = (
    Kind("municipalities", "Municipalities", (str(NKG.Municipality),)),
    Kind(
        "networks",
        "Networks",
        (str(NKG.Network), str(NKG.NetworkStructure), str(NKG.NetworkRound)),
    ),
    Kind(
        "units",
        "Organisational units",
        (
            str(ORG.OrganizationalUnit),
            str(NKG.DirectorArea),
            str(NKG.Department),
            str(NKG.Secretariat),
            str(NKG.Forum),
        ),
    ),
    Kind("people", "People", (_FOAF + "Person",)),
    Kind("posts", "Posts and tenures", (str(ORG.Post), str(NKG.Tenure), str(ORG.Membership))),
    Kind(
        "strategies",
        "Strategies, policies and assumptions",
        (str(NKG.Strategy), str(NKG.NetworkStrategy), str(NKG.Policy), str(NKG.Assumption)),
    ),
    Kind(
        "cocreation",
        "Co-creation models, initiatives and codings",
        (str(NKG.CoCreationModel), str(NKG.CoCreationInitiative), str(NKG.TypeCoding)),
    ),
    Kind("codebook", "Codebook variables (national view)", (str(NKG.CodebookVariable),)),
    Kind(
        "arrangements",
        "Local-democracy arrangements (committees, proposals, councils, assemblies, budgets)",
        (str(NKG.LocalDemocracyArrangement),),
    ),
    Kind("absences", "Documented absences", (str(NKG.DocumentedAbsence),)),
    Kind("searches", "Search log", (str(NKG.Search),), searchable=False),
    Kind("changes", "Organisational changes", (str(ORG.ChangeEvent),)),
    Kind("documents", "Documents", (_FOAF + "Document",)),
    Kind("evidence", "Quotes behind the facts", (str(NKG.Evidence),), searchable=False),
    Kind("gaps", "Knowledge gaps", (str(NKG.KnowledgeGap),)),
    Kind(
        "vocabularies",
        "Vocabularies and concepts",
        (
            _SKOS + "ConceptScheme",
            _SKOS + "Concept",
            _SKOS + "Collection",
            _SKOS + "OrderedCollection",
            str(ORG.Role),
        ),
    ),
    Kind(
        "organisations",
        "Other organisations",
        (str(ORG.FormalOrganization), _FOAF + "Organization", str(ORG.Organization)),
    ),
    Kind("ontologies", "Ontologies and imported vocabularies", (_OWL + "Ontology",)),
    Kind("datasets", "Dataset and named graphs", (_VOID + "Dataset", _DCAT + "Dataset")),
)
OTHER = Kind("other", "Other", ())


def kind_of(types: Iterable[str]) -> Kind:
    """The first kind one of whose classes is among the resource's types; OTHER if none."""
    have = set(types)
    for kind in KINDS:
        if have.intersection(kind.classes):
            return kind
    return OTHER


def ordered(kinds: Iterable[Kind]) -> list[Kind]:
    """Kinds in the order of KINDS, Other last."""
    rank = {kind.key: i for i, kind in enumerate((*KINDS, OTHER))}
    return sorted(set(kinds), key=lambda k: rank[k.key])
