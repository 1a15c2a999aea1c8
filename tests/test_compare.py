"""Comparing municipalities: the comparison queries' answers, the report and the diagram."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from netkg.api import KnowledgeGraph
from netkg.report.compare import compare, write_report
from netkg.report.diagram import dot_source, render
from support.answers import rows

S17 = "Section 17(4) of the Danish Local Government Act (Styrelsesloven)"
PLACATION = "Arnstein's ladder of citizen participation (1969): Placation"
CO_GOVERNANCE = "Agger & Tortzen's kinds of co-creation (2015): Co-governance"
ARENA = (
    "Torfing, Sørensen & Røiseland's three images of the public sector (2019): Arena of co-creation"
)
TEN = [  # the municipalities described by hand before the national codebook
    "Aarhus Municipality",
    "Albertslund Municipality",
    "Copenhagen Municipality",
    "Furesø Municipality",
    "Gentofte Municipality",
    "Gladsaxe Municipality",
    "Helsingør Municipality",
    "Holbæk Municipality",
    "Roskilde Municipality",
    "Skanderborg Municipality",
]
ALL = 98  # every municipality has its own graph (data/municipalities/: 98 files)


@pytest.fixture(scope="module")
def kg(built) -> KnowledgeGraph:
    return KnowledgeGraph(built.store)


def test_comparison_matrix(kg):
    # the ten hand-described municipalities' rows (the codebook's research added some)
    got = [(r[1], r[2], r[3], r[4]) for r in rows(kg, "comparison-matrix") if r[1] in TEN]
    assert got == [
        ("Aarhus Municipality", "coding", PLACATION, "1"),
        ("Aarhus Municipality", "model", "The Aarhus model for citizen involvement", "1"),
        ("Albertslund Municipality", "coding", PLACATION, "1"),
        ("Albertslund Municipality", "instrument", S17, "1"),
        ("Copenhagen Municipality", "model", "Sammen om Byen (Together about the city)", "1"),
        ("Furesø Municipality", "instrument", S17, "1"),
        (
            "Furesø Municipality",
            "model",
            "Furesømodellen for borgerinddragelse (the Furesø model for citizen involvement)",
            "1",
        ),
        ("Gentofte Municipality", "coding", PLACATION, "1"),
        ("Gentofte Municipality", "instrument", S17, "2"),
        ("Gentofte Municipality", "model", "Opgaveudvalg (task committees)", "1"),
        ("Gladsaxe Municipality", "instrument", S17, "5"),
        ("Helsingør Municipality", "instrument", S17, "1"),
        ("Holbæk Municipality", "model", "Holbæk i Fællesskab (Holbæk together)", "1"),
        ("Roskilde Municipality", "coding", CO_GOVERNANCE, "1"),  # Musikbyudvalget
        ("Roskilde Municipality", "instrument", S17, "1"),  # Musikbyudvalget
        ("Skanderborg Municipality", "coding", ARENA, "1"),
        ("Skanderborg Municipality", "instrument", S17, "2"),
        ("Skanderborg Municipality", "model", "Kommune 3.0 (Municipality 3.0)", "1"),
    ]


def test_comparison_matrix_links_each_coding_to_its_basis(kg):
    codings = {r[1]: r[5] for r in rows(kg, "comparison-matrix") if r[2] == "coding"}
    assert codings == {
        "Aarhus Municipality": "https://w3id.org/netkg/id/aarhus/coding-medborgerskabsudvalg-arnstein",
        "Albertslund Municipality": (
            "https://w3id.org/netkg/id/albertslund/coding-udvalg-borgerinddragelse-arnstein"
        ),
        "Gentofte Municipality": "https://w3id.org/netkg/id/gentofte/coding-opgaveudvalg-arnstein",
        "Roskilde Municipality": "https://w3id.org/netkg/id/roskilde/coding-musikby-samstyring",
        "Skanderborg Municipality": "https://w3id.org/netkg/id/skanderborg/coding-kommune-3-0-torfing",
    }


def test_comparison_matrix_for_one_typology(kg):
    types = [
        r[3] for r in rows(kg, "comparison-matrix", typology="torfing-2019") if r[2] == "coding"
    ]
    assert types == [ARENA]


def test_adoption_timeline(kg):
    got = [(r[1], r[2], r[3], r[4]) for r in rows(kg, "adoption-timeline") if r[1] in TEN]
    assert got == [
        # Albertslund's policy for citizen involvement has no year: its sources disagree
        ("Aarhus Municipality", "2004", "", "co-creation model"),
        ("Skanderborg Municipality", "2012", "", "co-creation model"),
        ("Albertslund Municipality", "2013", "", "network strategy"),
        ("Holbæk Municipality", "2013", "", "co-creation model"),
        ("Aarhus Municipality", "2014", "", "initiative"),
        ("Holbæk Municipality", "2014", "2015", "initiative"),
        ("Skanderborg Municipality", "2014", "2017", "initiative"),
        ("Aarhus Municipality", "2015", "", "policy"),
        ("Copenhagen Municipality", "2015", "", "co-creation model"),
        ("Gentofte Municipality", "2015", "", "co-creation model"),
        ("Copenhagen Municipality", "2016", "", "policy"),  # corrected from 2019
        ("Roskilde Municipality", "2016", "", "initiative"),  # Musikbyudvalget
        ("Furesø Municipality", "2017", "", "co-creation model"),
        ("Helsingør Municipality", "2018", "2019", "initiative"),
        ("Roskilde Municipality", "2018", "2018", "initiative"),  # budget citizen meetings
        ("Gentofte Municipality", "2019", "", "policy"),
        ("Gladsaxe Municipality", "2019", "", "initiative"),  # a hearing, not an adoption
        ("Copenhagen Municipality", "2023", "", "initiative"),
        # Vores Stemmer (2019) is not here: Roskilde took part in it, Mandag Morgen organised it
    ]


def test_shared_instruments(kg):
    # Aarhus is not listed: no page says its committee was set up under section 17(4)
    [(instrument, label, status, count, names)] = rows(kg, "shared-instruments")
    assert (instrument, label, status, count) == (
        "nkg:styrelseslovenParagraph17Stk4",
        S17,
        "",  # status: empty when no day is given
        "45",  # the 45 rows of legal-basis-since (test_catalogue)
    )
    listed = names.split(" | ")
    assert len(listed) == 45 and "Aarhus Municipality" not in listed
    assert {
        "Albertslund Municipality", "Furesø Municipality", "Gentofte Municipality",
        "Helsingør Municipality", "Roskilde Municipality", "Skanderborg Municipality",
    } <= set(listed)  # fmt: skip
    assert listed == sorted(r[1] for r in rows(kg, "legal-basis-since"))


def test_counts_side_by_side(kg):
    got = {(r[0], r[1], r[2]): r[4] for r in rows(kg, "counts", municipality="")}
    assert {r[3] for r in rows(kg, "counts", municipality="")} == {""}  # no day, no status
    assert got[("mun:gentofte", "initiatives", "")] == "1"
    assert got[("mun:gentofte", "co-creation models", "")] == "1"
    assert got[("mun:gentofte", "documents", "")] == "7"  # dct:source objects of its file
    assert got[("mun:albertslund", "units", "Department")] == "4"
    # Roskilde: budget citizen meetings and Musikbyudvalget (it took part in Vores Stemmer)
    assert got[("mun:roskilde", "initiatives", "")] == "2"
    assert not any(k[0] == "mun:roskilde" and k[1] not in ("documents", "initiatives") for k in got)


def test_comparison_tables_as_dataframes(kg):
    comparison = compare(kg)
    assert len(comparison.municipalities) == ALL and set(TEN) <= set(comparison.municipalities)
    assert comparison.municipalities[:3] == [
        "Aabenraa Municipality", "Aalborg Municipality", "Aarhus Municipality",
    ]  # fmt: skip
    assert list(comparison.matrix.index) == comparison.municipalities
    assert comparison.matrix.loc["Furesø Municipality", S17] == 1
    assert comparison.matrix.loc["Gentofte Municipality", PLACATION + " (coding)"] == 1
    assert PLACATION not in comparison.matrix.columns  # a coding is never a bare type
    # each coding's basis written out, not an address to look it up at (issue 22, item 2)
    assert [b.split(":")[0] for b in comparison.codings.basis] == [
        "The sources", "The source", "The source", "The sources", "The source",
    ]  # fmt: skip
    assert comparison.codings.coding.tolist()[2] == PLACATION
    assert not any("w3id.org" in b for b in comparison.codings.basis)
    assert len(comparison.undescribed) == 0  # every municipality has its own graph now
    assert comparison.matrix.loc["Roskilde Municipality"].sum() == 2  # Musikbyudvalget
    assert comparison.matrix.loc["Roskilde Municipality", CO_GOVERNANCE + " (coding)"] == 1
    assert comparison.matrix.loc["Roskilde Municipality", S17] == 1
    assert (
        comparison.counts.loc["Albertslund Municipality", "declared networks: Welfare network"]
        == 15
    )
    assert comparison.instruments.municipalities.tolist() == [45]
    two = compare(kg, ["gentofte", "mun:aarhus"])
    assert two.municipalities == ["Gentofte Municipality", "Aarhus Municipality"]  # as asked
    assert two.instruments.municipalityLabels.tolist() == ["Gentofte Municipality"]
    assert len(two.timeline) == 5  # Aarhus: 2004 model, 2014 initiative, 2015 policy; Gentofte


def test_unknown_municipality_is_named(kg):
    with pytest.raises(Exception, match=r"no municipality .*atlantis"):
        compare(kg, ["atlantis"])


def test_one_municipality_can_be_compared_alone(kg):
    odense = compare(kg, ["odense"])
    assert odense.municipalities == ["Odense Municipality"]
    # its three section 17(4) items (legal-basis-since), nothing else coded
    assert odense.matrix.loc["Odense Municipality"].to_dict() == {S17: 3}


def test_report_files(kg, tmp_path):
    written = write_report(compare(kg), tmp_path)
    assert {p.name for p in written} == {
        "compare.html",
        "matrix.csv",
        "models.csv",
        "timeline.csv",
        "counts.csv",
        "instruments.csv",
        "codings.csv",
        "undescribed.csv",
        "national.csv",  # every municipality on the codebook (tests/test_codebook.py)
    }
    page = (tmp_path / "compare.html").read_text(encoding="utf-8")
    for name in TEN:
        assert name in page
    assert page.count("<svg") == 2  # the heat map and the timeline, inline
    assert not re.search(r'src="https?://', page)  # nothing loaded from the network
    assert not re.search(r'<link[^>]+href="https?://', page)
    assert "(coding)" in page  # codings are marked as codings …
    # … and show their basis, never a link out of the report to look it up (issue 22, item 2)
    assert "The source: a task committee typically has ten citizens" in page
    assert "w3id.org/netkg/id/" not in page
    assert "Municipalities not yet described" in page and "Frederiksberg Municipality" in page
    assert "Co-creation types and legal instruments per municipality" in page
    matrix = (tmp_path / "matrix.csv").read_text(encoding="utf-8").splitlines()
    assert matrix[0].startswith("municipality,")
    assert len(matrix) == ALL + 1  # a header and a row per municipality


def test_compare_command(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "netkg",
            "compare",
            "albertslund",
            "gentofte",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # the count it gives is the files it wrote (issue 22: the README said 6 where it wrote 8)
    files = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert done.stdout == (
        f"compared 2 municipalities: wrote {len(files)} files in {tmp_path}/: compare.html, "
        "matrix.csv, codings.csv, models.csv, timeline.csv, counts.csv, instruments.csv, "
        "undescribed.csv, national.csv\n"
    )
    assert len(files) == 9
    assert "Gentofte Municipality" in (tmp_path / "compare.html").read_text(encoding="utf-8")


def test_albertslund_diagram(kg, tmp_path):
    source = dot_source(kg, "albertslund", lang="da")
    for label in (
        "Albertslund Kommune",
        "Søjle: By, miljø &",
        "Søjle ikke oplyst",
        "Sekretariat for\\nNetværksstrukturen",
        "Bo i Albertslund",
        "[Innovationsnetværk]",
        "Hærværk",
        "medlemsenheder ikke oplyst",
    ):
        assert label in source, label
    svg, png = render(kg, "albertslund", tmp_path / "albertslund", lang="da")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    text = svg.read_text(encoding="utf-8")
    assert "Elever med højt" in text and "Strategisk chefforum" in text


def test_diagram_draws_networks_across_pillars(tmp_path):
    from netkg.pipeline.flow.build import build
    from netkg.pipeline.inputs.layout import Source, default_sources, municipality_graph

    fixture = Path(__file__).parent / "entry" / "synthetic.ttl"
    graph = Source(fixture, municipality_graph(Path("9901-proevekommune.ttl")), "municipality")
    sources = [*default_sources(), graph]  # synthetic: its facts have no quotes
    kg = KnowledgeGraph(build(sources, validate=False, require_support=False).store)
    source = dot_source(kg, "proevekommune", lang="en")
    assert "Pillar: Area A" in source and "Pillar: Area B" in source
    assert source.count('[color="#e76f51" constraint=false style=dashed]') == 2  # two members


def test_diagram_command_and_unknown_municipality(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "netkg", "diagram", "gentofte", "--out", str(tmp_path / "g")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "g.svg").is_file() and (tmp_path / "g.png").is_file()
    bad = subprocess.run(
        [sys.executable, "-m", "netkg", "diagram", "atlantis"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert bad.returncode == 2 and "no municipality" in bad.stderr


# --- compare.html as a reader sees it (issue 11, friction 7) ------------------------------------


@pytest.fixture(scope="module")
def comparison(kg):
    return compare(kg)


def test_timeline_legend_sits_beside_the_plot_and_markers_carry_labels(comparison):
    import matplotlib.pyplot as plt

    from netkg.report.compare import timeline_figure

    fig = timeline_figure(comparison)
    try:
        fig.canvas.draw()
        ax = fig.axes[0]
        legend = ax.get_legend().get_window_extent()
        plot = ax.get_window_extent()
        assert legend.x0 >= plot.x1  # outside the plot area: it can hide no bar or marker
        labels = sorted(t.get_text() for t in ax.texts)
        assert len(labels) == 41  # one per event of adoption-timeline (98 municipalities)
        assert "Strategy for networks (2013)" in labels
        assert "Medborgerskabspolitik…" in labels
        assert "Demokratieksperimentariet (the…" in labels  # long names shortened
    finally:
        plt.close(fig)


def test_heat_map_has_a_colour_scale(comparison):
    import matplotlib.pyplot as plt

    from netkg.report.compare import heatmap_figure

    fig = heatmap_figure(comparison)
    try:
        assert len(fig.axes) == 2  # the map and its colour bar
        bar = fig.axes[1]
        assert bar.get_ylabel() == "models and initiatives"
        # up to Gladsaxe's five section 17(4) items
        assert [t.get_text() for t in bar.get_yticklabels()] == ["0", "1", "2", "3", "4", "5"]
    finally:
        plt.close(fig)


def test_report_tables_read_like_tables(comparison):
    from netkg.report.compare import report_html

    page = report_html(comparison)
    assert "NA&gt;" not in page and "<NA>" not in page
    assert not re.search(r"\bnan\b", page)  # (not the "nan" of "Co-governance")
    tables = re.findall(r"<table.*?</table>", page, re.S)
    # matrix, codings, models, timeline, counts, instruments, municipalities not yet described,
    # and the national view's coverage and municipalities (tests/test_codebook.py)
    assert len(tables) == 9
    for table in tables:
        head = re.search(r"<thead>(.*?)</thead>", table, re.S).group(1)
        assert head.count("<tr") == 1  # one header row, no empty one for the index name
    counts = tables[4]
    head = re.findall(r"<th>(.*?)</th>", counts)
    assert head[:4] == [
        "Municipality",
        "Co-creation models",
        "Declared networks (Innovation network)",
        "Declared networks (Welfare network)",
    ]
    assert "Units (Department)" in head and "units: Department" not in counts
    timeline = tables[3]
    assert re.findall(r"<th>(.*?)</th>", timeline) == [
        "Municipality",
        "Year",
        "Until",
        "Kind",
        "Item",
        "Quote",
        "Source (read)",
    ]
    # an empty cell shows a dash: Skanderborg's 2012 model has no end year
    assert re.search(r"<td>Skanderborg Municipality</td>\s*<td>2012</td>\s*<td>–</td>", timeline)
    assert re.findall(r"<th>(.*?)</th>", tables[1]) == [
        "Municipality",
        "Item",
        "Coding",
        "Basis (the source's words and netkg's argument)",
        "Sources",
    ]
    assert re.findall(r"<th>(.*?)</th>", tables[6]) == ["Municipality", "Code", "Region"]


def test_report_is_byte_identical_run_to_run(comparison):
    from netkg.report.compare import report_html

    first, second = report_html(comparison), report_html(comparison)
    assert first == second
    assert "<dc:date>" not in first  # no time stamp in the SVG metadata


# --- the organisation diagram as a reader sees it (issue 11, friction 9) ------------------------


def _layout(source: str) -> dict:
    """graphviz's own layout of a dot description (positions in points)."""
    done = subprocess.run(
        ["dot", "-Tjson"], input=source, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def _bezier_points(pos: str, steps: int = 20) -> list[tuple[float, float]]:
    points = [tuple(map(float, p.split(","))) for p in pos.split() if not p.startswith(("e", "s"))]
    sampled = []
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i : i + 4]
        for k in range(steps + 1):
            t = k / steps
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            sampled.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    return sampled


def test_diagram_lines_keep_off_the_pillar_titles(kg):
    layout = _layout(dot_source(kg, "albertslund", lang="da"))
    titles = []
    for box in layout["objects"]:
        if box.get("name", "").startswith("cluster") and "lp" in box:
            x, y = map(float, box["lp"].split(","))
            w, h = float(box["lwidth"]) * 72 / 2, float(box["lheight"]) * 72 / 2
            titles.append((box["label"], x - w, x + w, y - h, y + h))
    assert any(t[0].startswith("Søjle: By, miljø") for t in titles)
    for edge in layout.get("edges", []):
        if edge.get("style") == "invis":
            continue
        for px, py in _bezier_points(edge["pos"]):
            for label, x0, x1, y0, y1 in titles:
                assert not (x0 <= px <= x1 and y0 <= py <= y1), f"a line crosses {label!r}"


def test_diagram_fits_a4_landscape_with_readable_text_and_a_legend(kg, tmp_path):
    svg, png = render(kg, "albertslund", tmp_path / "albertslund", lang="da")
    text = svg.read_text(encoding="utf-8")
    width, height = (
        float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', text).groups()
    )
    assert width <= 843 and height <= 599  # A4 landscape, 11.7 × 8.3 in (842 × 598 pt)
    scale = float(re.search(r"scale\(([\d.]+) ", text).group(1))
    assert 12 * scale >= 7.5  # the smallest unit font (14 pt, legend 12 pt) prints at 7.5 pt+
    for words in (
        "Forklaring",
        "Søjle (direktørområde)",
        "Netværk: Velfærdsnetværk",
        "enhed er medlem af netværket",
    ):
        assert words in text, words
    png_width = int.from_bytes(png.read_bytes()[16:20], "big")
    assert png_width <= 1755  # 11.7 in at 150 dpi


def test_diagram_is_byte_identical_across_processes(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        stem = tmp_path / f"run{seed}"
        done = subprocess.run(
            [sys.executable, "-m", "netkg", "diagram", "albertslund", "--out", str(stem)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        outputs.append(
            (stem.with_suffix(".svg").read_bytes(), stem.with_suffix(".png").read_bytes())
        )
    assert outputs[0] == outputs[1]
