"""Comparing municipalities side by side: tables (pandas), charts (matplotlib), a report.

The tables come from catalogue queries (comparison-matrix, adoption-timeline, counts,
shared-instruments), so the report, the CSV files and `netkg query` always agree. The HTML
report is self-contained: its charts are inline SVG and it loads nothing from the network.
"""

from __future__ import annotations

import argparse
import html
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from netkg.errors import UsageError
from netkg.query.catalogue import find_query

if TYPE_CHECKING:  # the API pulls in pyshacl; `netkg --help` should not
    from netkg.api import KnowledgeGraph

TABLES = ("matrix", "codings", "models", "timeline", "counts", "instruments", "undescribed")
CODING = " (coding)"  # marks a matrix column that is an interpretation, not a sourced fact


@dataclass
class Comparison:
    """The comparison tables as pandas DataFrames, for notebooks and for the report."""

    matrix: object  # pandas.DataFrame: municipality × (coding | type | instrument) → items
    models: object  # municipality, model
    timeline: object  # municipality, year, endYear, kind, item
    counts: object  # municipality × measure → count
    instruments: object  # instrument, municipalities, names
    municipalities: list[str]
    codings: object = None  # municipality, coding ("typology: type"), basis (the coding's IRI)
    undescribed: object = None  # municipality, code, region: listed but not yet described

    def tables(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in TABLES}


def compare(
    kg: KnowledgeGraph,
    municipalities: Sequence[str] = (),
    typology: str | None = None,
    lang: str = "en",
) -> Comparison:
    """The comparison of the given municipalities (short names, prefixed names or IRIs; all that
    netkg describes if none), optionally restricted to the types of one typology."""

    wanted = _resolve(municipalities)
    params = {"lang": lang}
    matrix_rows = kg.dataframe("comparison-matrix", typology=typology or "", **params)
    timeline = kg.dataframe("adoption-timeline", **params)
    counts_rows = kg.dataframe("counts")
    labels = _labels(kg, lang)
    listed = kg.dataframe("municipalities", **params)
    described = {
        m
        for m, d in zip(listed.municipality, listed.described, strict=True)
        if str(d).lower() == "true"
    }
    if wanted:
        unknown = [m for m in wanted if m not in labels]
        if unknown:
            raise UsageError(
                f"no municipality {', '.join(unknown)} in the graph; known: "
                + ", ".join(sorted(m.rsplit("/", 1)[-1] for m in labels))
            )
        matrix_rows = matrix_rows[matrix_rows.municipality.isin(wanted)]
        timeline = timeline[timeline.municipality.isin(wanted)]
        counts_rows = counts_rows[counts_rows.municipality.isin(wanted)]
    chosen = wanted or sorted((m for m in labels if m in described), key=lambda m: labels[m])
    names = [labels[m] for m in chosen]

    cells = matrix_rows[matrix_rows.dimension.isin(["coding", "type", "instrument"])]
    cells = cells.assign(
        value=[
            v + CODING if d == "coding" else v
            for v, d in zip(cells.value, cells.dimension, strict=True)
        ]
    )
    matrix = (
        cells.pivot_table(
            index="municipalityLabel", columns="value", values="items", aggfunc="sum", fill_value=0
        )
        .reindex(names, fill_value=0)
        .astype(int)
    )
    matrix.index.name = "municipality"
    matrix.columns.name = None
    models = (
        matrix_rows[matrix_rows.dimension == "model"][["municipalityLabel", "value"]]
        .rename(columns={"municipalityLabel": "municipality", "value": "model"})
        .reset_index(drop=True)
    )
    counts_rows = counts_rows.assign(
        municipality=counts_rows.municipality.map(labels),
        measure=[
            m if not t else f"{m}: {t}"
            for m, t in zip(counts_rows.measure, counts_rows.type.fillna(""), strict=True)
        ],
    )
    counts = (
        counts_rows.pivot_table(
            index="municipality", columns="measure", values="count", aggfunc="sum", fill_value=0
        )
        .reindex(names, fill_value=0)
        .astype(int)
    )
    counts.columns.name = None
    timeline = timeline.drop(columns=["municipality", "item"]).rename(
        columns={"municipalityLabel": "municipality", "itemLabel": "item"}
    )
    timeline = timeline.astype({"year": "Int64", "endYear": "Int64"})
    instruments = kg.dataframe("shared-instruments", **params)
    instruments["municipalityLabels"] = [
        " | ".join(sorted(n for n in str(v).split(" | ") if not wanted or n in names))
        for v in instruments.municipalityLabels
    ]
    instruments["municipalities"] = [
        len([n for n in v.split(" | ") if n]) for v in instruments.municipalityLabels
    ]
    instruments = instruments[instruments.municipalities > 0].drop(columns=["instrument"])
    coded = matrix_rows[matrix_rows.dimension == "coding"]
    codings = (
        coded.assign(basis=[str(v).split() for v in coded.codings])
        .explode("basis")[["municipalityLabel", "value", "basis"]]
        .rename(columns={"municipalityLabel": "municipality", "value": "coding"})
        .reset_index(drop=True)
    )
    undescribed = (
        listed[[m not in described for m in listed.municipality]][
            ["municipalityLabel", "code", "regionLabel"]
        ]
        .rename(columns={"municipalityLabel": "municipality", "regionLabel": "region"})
        .reset_index(drop=True)
    )
    return Comparison(
        matrix,
        models,
        timeline.reset_index(drop=True),
        counts,
        instruments.reset_index(drop=True),
        names,
        codings,
        undescribed,
    )


def _resolve(municipalities: Sequence[str]) -> list[str]:
    param = next(p for p in find_query("counts").params if p.name == "municipality")
    return [str(param.to_term(m)) for m in municipalities]


def _labels(kg: KnowledgeGraph, lang: str) -> dict[str, str]:
    from rdflib import Literal

    table = kg.engine.query(
        "SELECT ?m ?label WHERE { ?m a nkg:Municipality ; rdfs:label ?label "
        "FILTER (LANG(?label) = ?lang) }",
        {"lang": Literal(lang)},
    ).table
    return {str(m): str(label) for m, label in table.rows}


# --- charts -------------------------------------------------------------------------------------


def heatmap_svg(comparison: Comparison) -> str:
    """The municipality × type/instrument matrix as a heat map (inline SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = comparison.matrix
    rows, cols = matrix.shape
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * cols + 3), max(3, 0.45 * rows + 2)))
    if cols:
        ax.imshow(matrix.values, cmap="Blues", vmin=0, aspect="auto")
        for r in range(rows):
            for c in range(cols):
                value = matrix.values[r, c]
                if value:
                    ax.text(
                        c,
                        r,
                        str(value),
                        ha="center",
                        va="center",
                        color="white" if value > matrix.values.max() / 2 else "black",
                    )
        ax.set_xticks(
            range(cols), [_wrap(c) for c in matrix.columns], rotation=30, ha="right", fontsize=8
        )
    ax.set_yticks(range(rows), list(matrix.index), fontsize=9)
    ax.set_title("Co-creation types and legal instruments per municipality", fontsize=11)
    return _svg(fig)


def timeline_svg(comparison: Comparison) -> str:
    """Adoption years (markers) and initiative periods (bars) per municipality (inline SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    names = comparison.municipalities
    timeline = comparison.timeline
    fig, ax = plt.subplots(figsize=(9, max(3, 0.45 * len(names) + 1.5)))
    markers = {
        "co-creation model": ("o", "#1f77b4"),
        "network strategy": ("s", "#2ca02c"),
        "policy": ("D", "#9467bd"),
        "initiative": ("|", "#d62728"),
    }
    seen = set()
    for _, event in timeline.iterrows():
        y = names.index(event.municipality) if event.municipality in names else None
        if y is None:
            continue
        marker, colour = markers.get(event.kind, ("o", "grey"))
        label = event.kind if event.kind not in seen else None
        seen.add(event.kind)
        end = event.endYear
        if event.kind == "initiative" and not pd.isna(end):
            ax.plot([event.year, end], [y, y], color=colour, linewidth=6, alpha=0.6, label=label)
        else:
            ax.scatter([event.year], [y], marker=marker, color=colour, s=70, label=label, zorder=3)
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("year")
    ax.set_title("Adoption of co-creation models, policies and network strategies", fontsize=11)
    if seen:
        ax.legend(loc="lower right", fontsize=8)
    return _svg(fig)


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


# --- the report ---------------------------------------------------------------------------------


def report_html(comparison: Comparison, title: str = "netkg – municipalities compared") -> str:
    """A self-contained HTML page: charts inline, tables as HTML, no external resources."""

    def table(frame, index: bool = False) -> str:
        return frame.to_html(index=index, border=0, classes="data", na_rep="")

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}"
        "table.data{border-collapse:collapse;font-size:0.9em;margin:1em 0}"
        "table.data th,table.data td{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        "table.data th{background:#eef}svg{max-width:100%;height:auto}"
        "p.note{color:#555;font-size:0.9em}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Municipalities: {html.escape(', '.join(comparison.municipalities))}.</p>",
        "<h2>Co-creation types and legal instruments</h2>",
        heatmap_svg(comparison),
        '<p class="note">Cells count the models and initiatives behind each type or instrument. '
        "Columns marked “(coding)” are codings: interpretations by netkg or a researcher, not "
        "facts from the sources; each coding's basis (the source's words and the argument from "
        "the typology's definition) is at the address in the table below "
        "(netkg query cocreation-overview).</p>",
        table(comparison.matrix, index=True),
        "<h2>Codings and their basis</h2>",
        comparison.codings.to_html(index=False, border=0, classes="data", render_links=True),
        "<h2>Co-creation models</h2>",
        table(comparison.models),
        "<h2>Timeline</h2>",
        timeline_svg(comparison),
        table(comparison.timeline),
        "<h2>Counts side by side</h2>",
        '<p class="note">What the graph records, not the whole reality.</p>',
        table(comparison.counts, index=True),
        "<h2>Shared legal instruments</h2>",
        table(comparison.instruments),
        "<h2>Municipalities not yet described</h2>",
        f'<p class="note">{len(comparison.undescribed)} of Denmark\'s municipalities are only '
        "listed (code, name, region); netkg does not yet describe how they organise or "
        "co-create. That is a gap in the graph, not a finding about them.</p>",
        table(comparison.undescribed),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_report(comparison: Comparison, out_dir: Path) -> list[Path]:
    """compare.html and one CSV per table, written all-or-nothing into out_dir."""
    from netkg.atomic import write_all

    files: dict[Path, str] = {out_dir / "compare.html": report_html(comparison)}
    for name, frame in comparison.tables().items():
        index = name in ("matrix", "counts")
        files[out_dir / f"{name}.csv"] = frame.to_csv(index=index)
    return write_all(files)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare municipalities: HTML report and CSV tables")
    p.add_argument(
        "municipalities", nargs="*", help="short names, e.g. albertslund gentofte (default: all)"
    )
    p.add_argument(
        "--out", type=Path, default=Path("compare"), help="output folder (default: compare)"
    )
    p.add_argument("--typology", help="only types of this typology, e.g. arnstein-1969")
    p.add_argument("--lang", choices=("en", "da"), default="en")
    p.add_argument("--engine", choices=("rdflib", "oxigraph"), default="rdflib")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from netkg.api import KnowledgeGraph
    from netkg.pipeline.build import open_store

    kg = KnowledgeGraph(open_store(args.engine))
    comparison = compare(kg, args.municipalities, args.typology, args.lang)
    written = write_report(comparison, args.out)
    print(
        f"compared {len(comparison.municipalities)} municipalities: "
        + ", ".join(str(p) for p in written)
    )
    return 0
