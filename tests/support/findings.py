"""Validation findings as comparable tuples, for the differential tests of the two validators.

Two differences are normalised: blank node labels (each engine makes its own) and the lexical
form of numbers (Oxigraph stores 3000000.0 as the decimal 3000000, the same value).
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import BNode, Literal

from netkg.pipeline.validate.report import Report


def comparable(t: object) -> object:
    """A term with its blank node label or number spelling left out."""
    if isinstance(t, BNode):
        return "_:blank"
    if isinstance(t, Literal) and t.datatype is not None and not t.ill_typed:
        value = t.toPython()
        if isinstance(value, int | float | Decimal):
            return (str(t.datatype), value.normalize() if isinstance(value, Decimal) else value)
    return t


def findings(report: Report) -> list[tuple]:
    """Severity, focus node, path, component, value, rule and messages of every finding."""
    return sorted(
        (
            f.severity_name,
            str(comparable(f.focus)),
            f.path,
            str(f.component),
            str(comparable(f.value)),
            f.name,
            tuple(sorted(f.messages.items())),
        )
        for f in report.findings
    )
