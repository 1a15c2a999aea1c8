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
UNTRANSLATED = " (untranslated)"


def translated(
    kg: KnowledgeGraph, typology: str, lang: str = "en", as_of: str | None = None
):  # -> (cells, table)
    """The matrix cells reached through the crosswalk (rows shaped like comparison-matrix's)
    and the table of the codings behind them (municipality, item, coded, target, hops, path,
    confidence, translation).

    A translated cell counts each item by the confidence of its translation (the best path's
    weakest mapping; a direct coding counts 1), so a 0.3 translation reads 0.3, not 1. A coding
    with no path into the typology is not dropped: it gets a cell of its own, "<type>
    (untranslated)", and a row in the table saying so."""
    import pandas as pd

    rows = kg.dataframe(
        "typology-translation",
        full_iris=True,
        typology=typology,
        municipality="",
        lang=lang,
        asOf=as_of or "",
    )
    names = kg.dataframe("typologies", full_iris=True, typology=typology, lang=lang).typologyLabel
    scheme = str(names.iloc[0]) if len(names) else typology
    shown = rows[rows.translation != "direct"]
    table = shown[
        [
            "municipalityLabel",
            "itemLabel",
            "codedLabel",
            "targetLabel",
            "hops",
            "path",
            "confidence",
            "translation",
        ]
    ].rename(columns={"municipalityLabel": "municipality", "itemLabel": "item"})
    table = table.astype({"hops": "Int64"})  # empty for an untranslated coding
    columns = ["municipality", "municipalityLabel", "dimension", "value", "items"]
    moved = shown[shown.translation == "translated"]
    weighted = (
        moved.assign(
            value=[f"{scheme}: {t}{MARK}" for t in moved.targetLabel],
            weight=[float(c) for c in moved.confidence],
        )
        # an item reached by several paths counts once, by its surest translation
        .groupby(["municipality", "municipalityLabel", "value", "item"], as_index=False)
        .weight.max()
        .groupby(["municipality", "municipalityLabel", "value"], as_index=False)
        .weight.sum()
        .rename(columns={"weight": "items"})
    )
    left = shown[shown.translation == "untranslated"]
    untranslated = (
        left.assign(value=[f"{c}{UNTRANSLATED}" for c in left.codedLabel])
        .groupby(["municipality", "municipalityLabel", "value"], as_index=False)
        .item.nunique()
        .rename(columns={"item": "items"})  # type: ignore[call-overload]  # a DataFrame here
    )
    cells = pd.concat([weighted, untranslated], ignore_index=True).assign(dimension="type")
    return cells.reindex(columns=columns), table.reset_index(drop=True)
