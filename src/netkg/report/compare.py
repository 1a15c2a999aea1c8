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
from typing import TYPE_CHECKING, Any

from netkg.errors import UsageError
from netkg.options import add_source_options
from netkg.query.catalogue import find_query

if TYPE_CHECKING:  # the API pulls in pyshacl; `netkg --help` should not
    import pandas
    from matplotlib.figure import Figure

    from netkg.query.graph import KnowledgeGraph
    from netkg.report.national import NationalView

TABLES = ("matrix", "codings", "models", "timeline", "counts", "instruments", "undescribed")
CODING = " (coding)"  # marks a matrix column that is an interpretation, not a sourced fact


@dataclass
class Comparison:
    """The comparison tables as pandas DataFrames, for notebooks and for the report."""

    matrix: pandas.DataFrame  # municipality × (coding | type | instrument) → items
    models: pandas.DataFrame  # municipality, model
    timeline: pandas.DataFrame  # municipality, year, endYear, kind, item
    counts: pandas.DataFrame  # municipality × measure → count
    instruments: pandas.DataFrame  # instrument, municipalities, names
    municipalities: list[str]
    translations: object = None  # with a typology: the cells reached through the crosswalk
    codings: pandas.DataFrame | None = None  # municipality, coding ("typology: type"), basis
    undescribed: pandas.DataFrame | None = None  # municipality, code, region: only listed
    national: NationalView | None = None  # every municipality on the codebook (report.national)

    def tables(self) -> dict[str, pandas.DataFrame]:
        found = {name: getattr(self, name) for name in TABLES if getattr(self, name) is not None}
        if self.translations is not None:
            found["translations"] = self.translations
        if self.national is not None:
            found["national"] = self.national.frame()
        return found


def compare(
    kg: KnowledgeGraph,
    municipalities: Sequence[str] = (),
    typology: str | None = None,
    lang: str = "en",
    as_of: str | None = None,
) -> Comparison:
    """The comparison of the given municipalities (short names, prefixed names or IRIs; all that
    netkg describes if none), optionally in the types of one typology: then codings in other
    typologies are translated into it through the crosswalk, in cells marked "(translated)"."""

    import pandas as pd

    wanted = _resolve(municipalities)
    params: dict[str, Any] = {"lang": lang}
    dated: dict[str, Any] = {
        "asOf": as_of or ""
    }  # as of a day: only models and initiatives that may hold then
    matrix_rows = kg.dataframe(
        "comparison-matrix", full_iris=True, typology=typology or "", **params, **dated
    )
    translations = None
    if typology:
        from netkg.report.translation import translated

        cells, translations = translated(kg, typology, lang, as_of)
        matrix_rows = pd.concat([matrix_rows, cells], ignore_index=True)
    timeline = kg.dataframe("adoption-timeline", full_iris=True, **params, **dated)
    counts_rows = kg.dataframe("counts", full_iris=True, **dated)
    labels = _labels(kg, lang)
    listed = kg.dataframe("municipalities", full_iris=True, **params)
    described = {
        m
        for m, d in zip(listed.municipality, listed.described, strict=True)
        if str(d).lower() == "true"
    } | set(matrix_rows.municipality)  # a graph without the build's description (one file)
    if wanted:
        unknown = [m for m in wanted if m not in labels]
        if unknown:
            raise UsageError(
                f"no municipality {', '.join(unknown)} in the graph; known: "
                + ", ".join(sorted(m.rsplit("/", 1)[-1] for m in labels))
            )
        matrix_rows = matrix_rows[matrix_rows.municipality.isin(wanted)]
        if translations is not None:
            keep = {labels[m] for m in wanted}
            translations = translations[translations.municipality.isin(keep)]
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
    from netkg.report.translation import MARK

    matrix = cells.pivot_table(
        index="municipalityLabel", columns="value", values="items", aggfunc="sum", fill_value=0
    ).reindex(names, fill_value=0)
    # counts are whole numbers; a translated column counts its items by their confidence
    matrix = matrix.astype({c: float if str(c).endswith(MARK) else int for c in matrix.columns})
    matrix.index.name = "municipality"
    matrix.columns.name = None
    evidence = Quotes(kg, lang)
    modelled = matrix_rows[matrix_rows.dimension == "model"]
    overview = kg.dataframe("cocreation-overview", full_iris=True, **params, **dated)
    overview = overview[overview.municipality.isin(set(modelled.municipality))]
    model_items = overview[overview.kind == "model"].drop_duplicates("item")
    models = evidence.beside(
        pd.DataFrame(
            {
                "municipality": model_items.municipalityLabel,
                "model": model_items.itemLabel,
                "item": model_items.item,
            }
        ),
        ("adoptedBy",),
    )
    counts_rows = counts_rows.assign(
        municipality=counts_rows.municipality.map(labels),
        measure=[
            (m if not t else f"{m}: {t}") + (UNKNOWN if status == "unknown" else "")
            for m, t, status in zip(
                counts_rows.measure,
                counts_rows.type.fillna(""),
                counts_rows.status.fillna(""),
                strict=True,
            )
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
    timeline = evidence.beside(
        timeline.drop(columns=["municipality"]).rename(
            columns={"item": "iri", "municipalityLabel": "municipality", "itemLabel": "item"}
        ),
        ("adoptionYear", "adoptionDate", "startYear", "startDate"),
        item="iri",
    )
    timeline = _dated(timeline.astype({"year": "Int64", "endYear": "Int64"}), as_of)
    instruments = _dated(
        kg.dataframe("shared-instruments", full_iris=True, **params, **dated), as_of
    )
    instruments["municipalityLabels"] = [
        " | ".join(sorted(n for n in str(v).split(" | ") if not wanted or n in names))
        for v in instruments.municipalityLabels
    ]
    instruments["municipalities"] = [
        len([n for n in v.split(" | ") if n]) for v in instruments.municipalityLabels
    ]
    instruments = instruments[instruments.municipalities > 0].drop(columns=["instrument"])
    codings = _codings(kg, lang, set(overview.item) if wanted or as_of else None, labels)
    undescribed = (
        listed[~listed.municipality.isin(described)][["municipalityLabel", "code", "regionLabel"]]
        .rename(columns={"municipalityLabel": "municipality", "regionLabel": "region"})
        .reset_index(drop=True)
    )
    from netkg.report.national import national

    return Comparison(
        matrix,
        models,
        timeline.reset_index(drop=True),
        counts,
        instruments.reset_index(drop=True),
        names,
        translations,
        codings,
        undescribed,
        national(kg, lang, wanted),
    )


class Quotes:
    """The quote behind each compared fact (queries/internal/fact-quotes.rq), so that the report
    shows it beside the fact: the words, and the source's name, address and the day read."""

    def __init__(self, kg: KnowledgeGraph, lang: str) -> None:
        self.found: dict[tuple[str, str], tuple[str, str]] = {}
        for r in kg.query("fact-quotes", lang=lang).records():
            key = (str(r["resource"]), str(r["property"]).rsplit("#", 1)[-1])
            if key in self.found:
                continue  # the first quote (in the query's order) stands for the fact
            where = ", ".join(str(v) for v in (r["sourceLabel"], r["address"]) if v is not None)
            if r["accessed"] is not None:
                where += f", read {r['accessed']}"
            self.found[key] = (str(r["quote"]), where)

    def beside(
        self, frame: pandas.DataFrame, properties: tuple[str, ...], item: str = "item"
    ) -> pandas.DataFrame:
        """The frame with a `quote` and a `source` column for each row's fact: the first of
        `properties` (local names in nkg:) that the row's `item` (an IRI column, dropped) has a
        quote for."""

        def first(iri: object) -> tuple[str, str]:
            for prop in properties:
                if (str(iri), prop) in self.found:
                    return self.found[(str(iri), prop)]
            return ("", "")

        found = [first(iri) for iri in frame[item]]
        return (
            frame.drop(columns=[item])
            .assign(quote=[q for q, _ in found], source=[w for _, w in found])
            .reset_index(drop=True)
        )


def _codings(
    kg: KnowledgeGraph, lang: str, items: set[str] | None, labels: dict[str, str]
) -> pandas.DataFrame:
    """Each coding with its basis written out (netkg's argument from the source's words) and the
    sources it cites by name: the report shows the basis, not an address to look it up at."""
    import pandas as pd

    rows = kg.dataframe("cocreation-coding", full_iris=True, lang=lang)
    if items is not None:
        rows = rows[rows.item.isin(items)]
    return pd.DataFrame(
        {
            "municipality": [labels.get(m, m) for m in rows.municipality],
            "item": rows.itemLabel,
            "coding": [
                f"{t}: {c}" for t, c in zip(rows.typology, rows.cocreationType, strict=True)
            ],
            "basis": rows.basis,
            "sources": rows.sourceLabels,
        }
    ).reset_index(drop=True)


def _dated(frame: pandas.DataFrame, as_of: str | None) -> pandas.DataFrame:
    """The frame without its status column when no day was given (then it is empty)."""
    return frame if as_of else frame.drop(columns=["status"])


def _resolve(municipalities: Sequence[str]) -> list[str]:
    param = next(p for p in find_query("counts").params if p.name == "municipality")
    return [str(param.to_term(m)) for m in municipalities]


def _labels(kg: KnowledgeGraph, lang: str) -> dict[str, str]:
    table = kg.query("municipality-labels", lang=lang)
    return {str(m): str(label) for m, label in table.rows}


# --- charts -------------------------------------------------------------------------------------

# Same input, same bytes: matplotlib otherwise salts the SVG's ids at random and stamps the date
# (the salt is set in _svg; the date is left out of the metadata).
_MARKERS = {
    "co-creation model": ("o", "#1f77b4"),
    "network strategy": ("s", "#2ca02c"),
    "policy": ("D", "#9467bd"),
    "initiative": ("|", "#d62728"),
}


def heatmap_svg(comparison: Comparison) -> str:
    """The heat map as inline SVG."""
    return _svg(heatmap_figure(comparison))


def timeline_svg(comparison: Comparison) -> str:
    """The timeline as inline SVG."""
    return _svg(timeline_figure(comparison))


def heatmap_figure(comparison: Comparison):
    """The municipality × type/instrument matrix as a heat map with its colour scale."""
    import pandas as pd

    plt = _pyplot()
    matrix: pd.DataFrame = comparison.matrix
    rows, cols = matrix.shape
    fig, ax = plt.subplots(figsize=(max(7, 1.6 * cols + 4), max(3, 0.45 * rows + 2.2)))
    if cols:
        top = max(1, int(matrix.values.max()))
        image = ax.imshow(matrix.values, cmap="Blues", vmin=0, vmax=top, aspect="auto")
        for r in range(rows):
            for c in range(cols):
                value = matrix.values[r, c]
                if value:
                    ax.text(
                        c,
                        r,
                        f"{value:g}",
                        ha="center",
                        va="center",
                        color="white" if value > top / 2 else "black",
                    )
        from netkg.report.translation import MARK, UNTRANSLATED

        for c, column in enumerate(matrix.columns):
            # translated through the crosswalk: hatched; without a translation: cross-hatched
            hatch = {MARK: "//", UNTRANSLATED: "xx"}.get(
                next((m for m in (MARK, UNTRANSLATED) if str(column).endswith(m)), ""), ""
            )
            if hatch:
                ax.add_patch(
                    plt.Rectangle((c - 0.5, -0.5), 1, rows, fill=False, hatch=hatch, alpha=0.4)
                )
        ax.set_xticks(
            range(cols), [_wrap(c) for c in matrix.columns], rotation=30, ha="right", fontsize=8
        )
        bar = fig.colorbar(image, ax=ax, ticks=range(top + 1), fraction=0.05, pad=0.03)
        bar.set_label("models and initiatives", fontsize=8)
        bar.ax.tick_params(labelsize=8)
    ax.set_yticks(range(rows), list(matrix.index), fontsize=9)
    ax.set_title("Co-creation types and legal instruments per municipality", fontsize=11)
    fig.tight_layout()
    return fig


def timeline_figure(comparison: Comparison):
    """Adoption years (labelled markers) and initiative periods (labelled bars) per
    municipality, the legend beside the plot so that it hides nothing."""
    import pandas as pd

    plt = _pyplot()
    names = comparison.municipalities
    timeline: pd.DataFrame = comparison.timeline
    fig, ax = plt.subplots(figsize=(11, max(3.2, 0.62 * len(names) + 1.8)))
    seen: list[str] = []
    placed: dict[int, int] = {}  # labels already put on a row: alternate above and below
    for _, event in timeline.iterrows():
        if event.municipality not in names:
            continue
        y = names.index(event.municipality)
        marker, colour = _MARKERS.get(event.kind, ("o", "grey"))
        label = event.kind if event.kind not in seen else None
        if label:
            seen.append(event.kind)
        end = event.endYear
        if event.kind == "initiative" and not pd.isna(end):
            ax.plot([event.year, end], [y, y], color=colour, linewidth=6, alpha=0.6, label=label)
            x = (event.year + end) / 2
        else:
            ax.scatter([event.year], [y], marker=marker, color=colour, s=70, label=label, zorder=3)
            x = event.year
        n = placed.get(y, 0)
        placed[y] = n + 1
        ax.annotate(
            _short(str(event["item"])),
            (x, y),
            xytext=(0, 9 if n % 2 == 0 else -9),
            textcoords="offset points",
            ha="center",
            va="bottom" if n % 2 == 0 else "top",
            fontsize=6.5,
            color="#333333",
        )
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.set_ylim(len(names) - 0.4, -0.6)  # top row first, room for the labels
    years = [int(v) for v in pd.concat([timeline.year, timeline.endYear]).dropna()]
    if years:
        ax.set_xlim(min(years) - 1.5, max(years) + 1.5)
        ax.set_xticks(range(min(years) - 1, max(years) + 2))
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("year")
    ax.set_title("Adoption of co-creation models, policies and network strategies", fontsize=11)
    if seen:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Figure) -> str:
    """The figure as SVG text, the same bytes in every run (fixed ids salt, no date)."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "netkg", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _short(text: str, width: int = 34) -> str:
    return textwrap.shorten(text, width, placeholder="…")


# --- the report ---------------------------------------------------------------------------------

# What the tables' columns are called on the page (the CSV files keep the query's names).
_HEADINGS = {
    "municipality": "Municipality",
    "model": "Co-creation model",
    "year": "Year",
    "endYear": "Until",
    "kind": "Kind",
    "item": "Item",
    "instrumentLabel": "Legal instrument",
    "municipalities": "Municipalities",
    "municipalityLabels": "Which",
    "coding": "Coding",
    "basis": "Basis (the source's words and netkg's argument)",
    "sources": "Sources",
    "quote": "Quote",
    "source": "Source (read)",
    "code": "Code",
    "region": "Region",
    "status": "On the day",
    "codedLabel": "Coded as",
    "targetLabel": "In this typology",
    "hops": "Mappings",
    "path": "Path",
    "confidence": "Confidence",
    "translation": "Translation",
}
UNKNOWN = " [unknown]"  # a count's column for what no interval places on the day
_MEASURES = {
    "units": "Units",
    "networks": "Networks",
    "declared networks": "Declared networks",
    "initiatives": "Initiatives",
    "co-creation models": "Co-creation models",
    "documents": "Source documents",
}
MISSING = "–"  # what an empty cell shows


def heading(column: str) -> str:
    """A table column's name for people: `units: Department` → `Units (Department)`."""
    if column in _HEADINGS:
        return _HEADINGS[column]
    unknown = column.endswith(UNKNOWN)
    measure, _, kind = column.removesuffix(UNKNOWN).partition(": ")
    if measure in _MEASURES:
        details = [d for d in (kind, "date unknown" if unknown else "") if d]
        return f"{_MEASURES[measure]} ({'; '.join(details)})" if details else _MEASURES[measure]
    return column


def table_html(frame) -> str:
    """A table as HTML: one header row of human column names, `–` for an empty cell."""
    if frame.index.name is not None:  # the municipality index becomes the first column
        frame = frame.reset_index()
    shown = frame.astype(object).where(frame.notna(), MISSING)
    shown = shown.rename(columns={c: heading(str(c)) for c in shown.columns})
    table = shown.to_html(index=False, border=0, classes="data", na_rep=MISSING, render_links=True)
    return f'<div class="scroll">{table}</div>'


def report_html(comparison: Comparison, title: str = "netkg – municipalities compared") -> str:
    """A self-contained HTML page: charts inline, tables as HTML, no external resources."""
    table = table_html
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}"
        "table.data{border-collapse:collapse;font-size:0.9em;margin:1em 0}"
        "table.data th,table.data td{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        "table.data th{background:#eef}svg{max-width:100%;height:auto}"
        "p.note{color:#555;font-size:0.9em}div.scroll{overflow-x:auto}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        *(
            ['<p><a href="#national">National view: every municipality on the codebook ↓</a></p>']
            if comparison.national is not None
            else []
        ),
        f"<p>Municipalities: {html.escape(', '.join(comparison.municipalities))}.</p>",
        "<h2>Co-creation types and legal instruments</h2>",
        heatmap_svg(comparison),
        '<p class="note">Cells count the models and initiatives behind each type or instrument. '
        "Columns marked “(coding)” are codings: interpretations by netkg or a researcher, not "
        "facts from the sources; each coding's basis (the source's words and the argument from "
        "the typology's definition) is written out under “Codings and their basis” below "
        "(netkg query cocreation-coding).</p>",
        table(comparison.matrix),
        *(
            [
                "<h3>Translated cells</h3>",
                '<p class="note">Columns marked (translated), hatched in the chart, hold items '
                "coded in another typology and reached through the crosswalk "
                "(ontology/mappings/): netkg's interpretation, with the path and the weakest "
                "confidence along it. Each item counts by that confidence (a direct coding "
                "counts 1), so 0.3 means one item translated with confidence 0.3. Columns "
                "marked (untranslated), cross-hatched, hold items whose coding no chain of at "
                "most two mappings carries into this typology: they are shown, not dropped.</p>",
                table(comparison.translations),
            ]
            if comparison.translations is not None
            else []
        ),
        *(
            [
                "<h2>Codings and their basis</h2>",
                '<p class="note">A coding is an interpretation, not a fact from the sources: '
                "its basis quotes what the source says and argues from the typology's definition."
                "</p>",
                table(comparison.codings),
            ]
            if comparison.codings is not None
            else []
        ),
        "<h2>Co-creation models</h2>",
        '<p class="note">Each with the quote that says who adopted it, its source and the day '
        "the source was read.</p>",
        table(comparison.models),
        "<h2>Timeline</h2>",
        timeline_svg(comparison),
        '<p class="note">Each year with the quote that gives it, its source and the day the '
        "source was read.</p>",
        table(comparison.timeline),
        "<h2>Counts side by side</h2>",
        '<p class="note">What the graph records, not the whole reality.</p>',
        table(comparison.counts),
        "<h2>Shared legal instruments</h2>",
        table(comparison.instruments),
        *(
            [
                "<h2>Municipalities not yet described</h2>",
                f'<p class="note">{len(comparison.undescribed)} of Denmark\'s municipalities are '
                "only listed (code, name, region); netkg does not yet describe how they organise "
                "or co-create. That is a gap in the graph, not a finding about them.</p>",
                table(comparison.undescribed),
            ]
            if comparison.undescribed is not None
            else []
        ),
        *([national_html(comparison.national)] if comparison.national is not None else []),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# --- the national view -------------------------------------------------------------------------

# Cell colours by state (vocab/cell-state); the cell's text says the state too, so the table
# reads without colour.
STATE_COLOURS = {
    "documented": "#a5d6a7",
    "documented-absent": "#ffcc80",
    "searched-not-found": "#fff59d",
    "not-yet-searched": "#eeeeee",
}
_NATIONAL_CSS = (
    "table.national td.cell{text-align:center;white-space:nowrap}"
    "table.national td:first-child{white-space:nowrap}"
    "table.national thead th{position:sticky;top:0;background:#eef;font-size:0.85em}"
    "table.national tr.region th{background:#dde;text-align:left}"
    + "".join(f"td.s-{state}{{background:{colour}}}" for state, colour in STATE_COLOURS.items())
    + "span.key{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #ccc}"
    "div.filter{margin:1em 0}div.filter label{margin-right:1em}"
)
# Show only the rows that match the filter; hide a region's heading when none of its rows shows.
_NATIONAL_SCRIPT = """
(function () {
  var table = document.getElementById("national-table");
  var text = document.getElementById("national-filter");
  var variable = document.getElementById("national-variable");
  var state = document.getElementById("national-state");
  var shown = document.getElementById("national-shown");
  function apply() {
    var words = text.value.trim().toLowerCase();
    var count = 0, heading = null, visible = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      if (row.className === "region") {
        if (heading) { heading.style.display = visible ? "" : "none"; }
        heading = row; visible = 0; return;
      }
      var ok = !words || row.getAttribute("data-name").indexOf(words) >= 0;
      if (ok && state.value) {
        var cells = row.querySelectorAll("td[data-state]");
        ok = Array.prototype.some.call(cells, function (cell) {
          return cell.getAttribute("data-state") === state.value &&
            (!variable.value || cell.getAttribute("data-variable") === variable.value);
        });
      }
      row.style.display = ok ? "" : "none";
      if (ok) { count += 1; visible += 1; }
    });
    if (heading) { heading.style.display = visible ? "" : "none"; }
    shown.textContent = count + (count === 1 ? " municipality" : " municipalities") + " shown";
  }
  [text, variable, state].forEach(function (el) { el.addEventListener("input", apply); });
  apply();
})();
"""
_CELL_TEXT = {
    "documented-absent": "absent",
    "searched-not-found": "searched",
    "not-yet-searched": "–",
}


def national_html(view: NationalView) -> str:
    """The national view: netkg's counts beside the population findings, the coverage of each
    variable, and one row per municipality (grouped by region) with a cell per variable,
    coloured by state, with a filter."""
    esc = html.escape
    counts = view.counts()
    labels = {state: view.state_labels.get(state, state) for state in STATE_COLOURS}
    parts = [
        '<section id="national">',
        f"<h2>National view: {len(view.municipalities)} municipalities on the codebook</h2>",
        '<p class="note">One row per municipality, one column per codebook variable (netkg '
        "codebook, docs/codebook.md). Every cell has exactly one state: documented (a value with "
        "a quote), documented absent (a quote says there is none, or it was rejected), searched "
        "but not found (the search log names the variable), or not yet searched. A cell's "
        "number counts the documented arrangements; hover a cell for its value and quote. "
        "<code>netkg export national</code> writes the same cells with quotes and sources.</p>",
    ]
    if view.findings:
        parts.append("<h3>netkg beside the population findings</h3><ul>")
        parts += [f"<li>{esc(line)}</li>" for line in view.summary()]
        parts.append(
            '</ul><p class="note">netkg counts what its sources document, so a lower count is a '
            "gap in the graph, not a finding about the municipalities.</p>"
        )
    parts.append('<h3>Coverage per variable</h3><div class="scroll"><table class="data coverage">')
    parts.append(
        "<thead><tr><th>Variable</th>"
        + "".join(f"<th>{esc(labels[s])}</th>" for s in STATE_COLOURS)
        + "</tr></thead><tbody>"
    )
    for variable in view.variables:
        parts.append(
            f"<tr><td>{esc(variable.label)}</td>"
            + "".join(f'<td class="s-{s}">{counts[variable.iri][s]}</td>' for s in STATE_COLOURS)
            + "</tr>"
        )
    parts.append("</tbody></table></div>")
    parts.append(
        "<p>"
        + "".join(
            f'<span class="key" style="background:{c}">{esc(labels[s])}</span>'
            for s, c in STATE_COLOURS.items()
        )
        + "</p>"
    )
    options = "".join(
        f'<option value="{esc(v.iri)}">{esc(v.label)}</option>' for v in view.variables
    )
    states = "".join(f'<option value="{s}">{esc(labels[s])}</option>' for s in STATE_COLOURS)
    parts.append(
        '<div class="filter"><label>Municipality or code <input id="national-filter" '
        'type="search" placeholder="e.g. Dragør or 0155"></label>'
        f'<label>Only where <select id="national-variable"><option value="">any variable'
        f"</option>{options}</select></label>"
        f'<label>is <select id="national-state"><option value="">in any state</option>'
        f'{states}</select></label> <span id="national-shown"></span></div>'
    )
    parts.append('<div class="scroll"><table class="data national" id="national-table">')
    parts.append(
        "<thead><tr><th>Municipality</th><th>Code</th>"
        + "".join(f"<th>{esc(v.label)}</th>" for v in view.variables)
        + "</tr></thead><tbody>"
    )
    width = len(view.variables) + 2
    for region, municipalities in view.by_region():
        parts.append(f'<tr class="region"><th colspan="{width}">{esc(region)}</th></tr>')
        for _iri, label, code, cells in municipalities:
            name = esc(f"{label} {code}".lower())
            parts.append(f'<tr data-name="{name}"><td>{esc(label)}</td><td>{esc(code)}</td>')
            for cell in cells:
                text = _CELL_TEXT.get(cell.state, "")
                if cell.state == "documented":  # how many; "yes" for the municipality itself
                    text = str(cell.items) if cell.variable.link else "yes"
                hover = " — ".join(
                    x for x in (cell.state_label, cell.value, cell.quote, cell.searches) if x
                )
                parts.append(
                    f'<td class="cell s-{cell.state}" data-state="{cell.state}" '
                    f'data-variable="{esc(cell.variable.iri)}" title="{esc(hover)}">'
                    f"{esc(text)}</td>"
                )
            parts.append("</tr>")
    parts.append("</tbody></table></div>")
    parts.append(f"<style>{_NATIONAL_CSS}</style><script>{_NATIONAL_SCRIPT}</script></section>")
    return "\n".join(parts)


MARKER = ".netkg-compare"


def write_report(
    comparison: Comparison, out_dir: Path, force: bool = False, formula_guard: bool = True
) -> list[Path]:
    """compare.html and one CSV per table, written all-or-nothing into out_dir.

    out_dir is netkg's own once it holds the MARKER file an earlier report left; otherwise an
    existing file of the report is replaced only with force. CSV cells (and row and column
    names) that a spreadsheet would run as formulas are neutralised
    (netkg.rdf.results.neutralise) unless `formula_guard` is off.
    """
    from netkg.atomic import refuse_overwrite, write_all

    files: dict[Path, str] = {out_dir / "compare.html": report_html(comparison)}
    for name, frame in comparison.tables().items():
        index = name in ("matrix", "counts")
        if formula_guard:
            frame = _guarded(frame)
        files[out_dir / f"{name}.csv"] = frame.to_csv(index=index)
    refuse_overwrite(files, force or (out_dir / MARKER).is_file())
    files[out_dir / MARKER] = "written by netkg compare; its files are replaced by the next run\n"
    return [p for p in write_all(files) if p.name != MARKER]


def _guarded(frame):  # pandas.DataFrame -> pandas.DataFrame
    from netkg.rdf.results import neutralise

    def cell(value: object) -> object:
        return neutralise(value) if isinstance(value, str) else value

    guarded = frame.map(cell)
    guarded.index = guarded.index.map(cell)
    guarded.columns = guarded.columns.map(cell)
    return guarded


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare municipalities: HTML report and CSV tables")
    p.add_argument(
        "municipalities", nargs="*", help="short names, e.g. albertslund gentofte (default: all)"
    )
    p.add_argument(
        "--out", type=Path, default=Path("compare"), help="output folder (default: compare)"
    )
    p.add_argument(
        "--typology",
        help="types in this typology, e.g. nabatchi-2017; codings in other typologies are "
        "translated into it through the crosswalk and marked (translated)",
    )
    p.add_argument("--lang", choices=("en", "da"), default="en")
    add_source_options(p)
    p.add_argument(
        "--no-formula-guard",
        action="store_true",
        help="write CSV cells starting with = + - @ as they are (no leading ' added)",
    )
    p.add_argument(
        "--force", action="store_true", help="replace report files in a folder netkg did not write"
    )
    p.add_argument(
        "--as-of", metavar="YYYY[-MM[-DD]]", help="only models and initiatives that may hold then"
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from netkg.query.graph import open_graph

    kg = open_graph(args.graph, engine=args.engine, store=args.store)
    comparison = compare(kg, args.municipalities, args.typology, args.lang, args.as_of)
    written = write_report(
        comparison, args.out, args.force, formula_guard=not args.no_formula_guard
    )
    print(
        f"compared {len(comparison.municipalities)} municipalities: wrote {len(written)} files "
        f"in {args.out}/: " + ", ".join(p.name for p in written)
    )
    return 0
