"""Real-shaped synthetic data: the shipped municipalities replicated into the synthetic namespace.

Each copy k of data/municipalities/*.ttl renames every resource the municipality files describe
(the subjects under https://w3id.org/netkg/id/) into https://w3id.org/netkg/synthetic/bench/rK/
and its blank nodes apart; what they point to elsewhere (shared data, vocabularies, the
ontology) is kept. The copies keep the quotes, their evidence nodes and the archived excerpts
they cite, so the evidence check, the reasoning and the shapes meet what real data gives them
(support.synthetic's generator has almost no quotes). Synthetic resources are no facts about
real entities (derived.evidence), so only the shipped facts are counted, but every copied quote
is checked against its excerpt.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from netkg.iris import ID, SYNTHETIC
from netkg.pipeline.inputs.layout import shipped_root

TRIPLES_PER_COPY = 27_809  # the shipped municipality files, at the time of writing


def municipality_files() -> list[Path]:
    return sorted((shipped_root() / "data" / "municipalities").glob("*.ttl"))


def _described(files: list[Path]) -> set[str]:
    """The IRIs under ID that the municipality files describe (their subjects)."""
    found: set[str] = set()
    for path in files:
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(str(ID)):
                found.add(t.subject.value)
    return found


def write(folder: Path, copies: int, first: int = 1) -> list[Path]:
    """Write `copies` copies of every shipped municipality file into `folder` as N-Triples
    files named rK-<code>-<name>.nt (one named graph each); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    files = municipality_files()
    described = _described(files)
    parsed = {p: list(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)) for p in files}
    written = []
    for k in range(first, first + copies):
        prefix = f"{SYNTHETIC}bench/r{k:03d}/"

        def renamed(
            term: ox.NamedNode | ox.BlankNode | ox.Literal, k: int = k, prefix: str = prefix
        ) -> object:
            if isinstance(term, ox.NamedNode) and term.value in described:
                return ox.NamedNode(prefix + term.value[len(str(ID)) :])
            if isinstance(term, ox.BlankNode):
                return ox.BlankNode(f"r{k}x{term.value}")
            return term

        for path, triples in parsed.items():
            out = folder / f"r{k:03d}-{path.stem}.ttl"
            copied = [
                ox.Triple(renamed(t.subject), renamed(t.predicate), renamed(t.object))  # type: ignore[arg-type]
                for t in triples
            ]
            ox.serialize(copied, str(out), format=ox.RdfFormat.N_TRIPLES)
            written.append(out)
    return written


def copies_for(size: int, shipped: int) -> int:
    """The copies that bring `shipped` asserted triples nearest to `size`."""
    return max(1, round((size - shipped) / TRIPLES_PER_COPY))
