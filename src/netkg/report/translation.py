"""Comparison cells translated into another typology through the crosswalk.

A municipality whose models are coded in Arnstein's ladder has no cell in Nabatchi et al.'s
typology; the typology-translation query reaches one through the mappings in
ontology/mappings/. Those cells are marked "(translated)" in the comparison, and the table of
translations keeps the path and the weakest confidence of each, so a reader can see how far the
cell rests on netkg's interpretation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netkg.query.graph import KnowledgeGraph

MARK = " (translated)"


def translated(
    kg: KnowledgeGraph, typology: str, lang: str = "en", as_of: str | None = None
):  # -> (cells, table)
    """The translated matrix cells (rows shaped like comparison-matrix's) and the table of the
    translations behind them (municipality, item, coded, target, hops, path, confidence)."""
    import pandas as pd

    rows = kg.dataframe(
        "typology-translation",
        full_iris=True,
        typology=typology,
        municipality="",
        lang=lang,
        asOf=as_of or "",
    )
    rows = rows[rows.hops.astype(int) > 0]
    names = kg.dataframe("typologies", full_iris=True, typology=typology, lang=lang).typologyLabel
    scheme = str(names.iloc[0]) if len(names) else typology
    table = rows[
        [
            "municipalityLabel",
            "itemLabel",
            "codedLabel",
            "targetLabel",
            "hops",
            "path",
            "confidence",
        ]
    ].rename(columns={"municipalityLabel": "municipality", "itemLabel": "item"})
    if rows.empty:
        return pd.DataFrame(
            columns=["municipality", "municipalityLabel", "dimension", "value", "items"]
        ), table.reset_index(drop=True)
    cells = (
        rows.assign(value=[f"{scheme}: {t}{MARK}" for t in rows.targetLabel], dimension="type")
        .groupby(["municipality", "municipalityLabel", "dimension", "value"], as_index=False)
        .item.nunique()
        .rename(columns={"item": "items"})  # type: ignore[call-overload]  # a DataFrame here
    )
    return cells, table.reset_index(drop=True)
