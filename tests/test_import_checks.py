"""The importer speaks the workbook's language, and checks at import what the build checks
(issue 22, item 5): every message names sheet, row and column in the workbook's words with a
fix that works; the codings' confidence list offers only what the importer accepts; a missing
excerpt file, a quote that is not verbatim, an unsupported fact and an unlisted municipality
code are found at import, not at the build.

Each test works on a copy of Gentofte's entry folder (every fact quoted) in a project folder of
its own, with the project's own excerpt archive (data/sources/excerpts/)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from netkg.entry.importer import import_workbook
from netkg.entry.workbook import ImportFailed, Problem, load_mapping

REPO = Path(__file__).resolve().parents[1]
GENTOFTE = REPO / "data" / "entry" / "0157-gentofte"
EXCERPT = """# Source: Kommunaldirektøren (a page made up for this test)
# Excerpt taken: 2026-12-01

Kommunaldirektøren

Kommunaldirektør Anna Hansen har ledet administrationen siden 2019.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project folder with a copy of Gentofte's workbook and an excerpt of its own."""
    folder = tmp_path / "study"
    (folder / "data" / "sources" / "excerpts").mkdir(parents=True)
    (folder / "netkg.toml").write_text("", encoding="utf-8")
    (folder / "data" / "sources" / "excerpts" / "test-direktoer.txt").write_text(
        EXCERPT, encoding="utf-8"
    )
    shutil.copytree(GENTOFTE, folder / "workbook")
    monkeypatch.setenv("NETKG_ROOT", str(folder))
    return folder


def edit(folder: Path, sheet: str, change) -> None:
    """Change a sheet's rows (header row first) in place."""
    path = folder / "workbook" / f"{sheet}.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def cell(sheet: str, key: str) -> str:
    """A column's header as the workbook writes it."""
    return next(s for s in load_mapping() if s.key == sheet).column(key).header


def add_row(folder: Path, sheet: str, values: dict[str, str]) -> None:
    def change(rows: list[list[str]]) -> None:
        rows.append([values.get(header, "") for header in rows[0]])

    edit(folder, sheet, change)


def set_cell(folder: Path, sheet: str, row: int, key: str, value: str) -> None:
    def change(rows: list[list[str]]) -> None:
        rows[row - 1][rows[0].index(cell(sheet, key))] = value

    edit(folder, sheet, change)


def run(folder: Path) -> list[Problem]:
    """The problems an import reports (raised or not); the output goes into the project."""
    (folder / "out").mkdir(exist_ok=True)
    try:
        _target, _report, problems = import_workbook(folder / "workbook", folder / "out")
    except ImportFailed as failed:
        return failed.problems
    return problems


def texts(problems: Iterable[Problem]) -> list[str]:
    return [f"{p.severity.upper()}: {p}" for p in problems]


# --- the codings' confidence ---------------------------------------------------------------------


def test_the_codings_confidence_list_offers_only_what_the_importer_accepts(project, tmp_path):
    from netkg.entry.template import write_csv_folder
    from netkg.pipeline.flow.context import context_graph

    write_csv_folder(tmp_path / "template", context_graph())
    with (tmp_path / "template" / "lists.csv").open(encoding="utf-8") as handle:
        offered = [r[2] for r in csv.reader(handle) if r[0] == "codings" and "Confidence" in r[1]]
    assert offered == ["Fortolkning af netkg (interpretation-by-netkg)"]
    set_cell(project, "codings", 3, "confidence", "Delvist bekræftet (partly-confirmed)")
    assert texts(run(project)) == [
        'ERROR: codings, row 3, column "Sikkerhed / Confidence", value "Delvist bekræftet '
        "(partly-confirmed)\": a coding is netkg's interpretation, never a confirmed fact. Fix: "
        'leave the cell empty (it means interpretation by netkg) or pick "Fortolkning af netkg '
        '(interpretation-by-netkg)".'
    ]
    set_cell(project, "codings", 3, "confidence", "")  # the fix it gives works
    assert texts(run(project)) == []
    written = (project / "out" / "0157-gentofte.ttl").read_text(encoding="utf-8")
    assert "nkg:confidence conf:interpretation-by-netkg" in written


# --- the archive of excerpts ----------------------------------------------------------------------


def test_an_access_date_without_an_excerpt_names_the_column_and_a_fix(project):
    set_cell(project, "documents", 3, "excerpt_file", "")
    [problem] = [p for p in run(project) if p.sheet == "documents"]
    assert problem.sheet == "documents" and problem.row == 3
    assert problem.column == "Uddragsfil / Excerpt file"
    assert "nkg:" not in problem.what and '"Uddragsfil / Excerpt file"' in problem.what
    assert problem.fix.endswith(
        "archive the excerpt in the project's data/sources/excerpts/ and write its path here "
        "(e.g. data/sources/excerpts/gentofte-politisk-arbejdsform.txt), or empty the Accessed "
        "cell"
    )


def test_a_missing_excerpt_file_is_found_at_import_in_the_project(project):
    set_cell(project, "documents", 4, "excerpt_file", "data/sources/excerpts/no-such-page.txt")
    assert texts(run(project)) == [
        'ERROR: documents, row 4, column "Uddragsfil / Excerpt file", value '
        '"data/sources/excerpts/no-such-page.txt": there is no such file in the project '
        f"({project}/data/sources/excerpts/) nor in netkg's own data; the build checks every "
        "quote against it. Fix: save the excerpt there (a header of lines starting with #, then "
        "the quoted passages, word for word), or correct the file name."
    ]
    assert not list((project / "out").iterdir())  # nothing written


def test_the_build_error_names_the_project_path(project, tmp_path, capsys):
    from netkg.cli import main

    (project / "data" / "municipalities").mkdir(parents=True, exist_ok=True)
    assert run(project) == []
    target = project / "data" / "municipalities" / "0157-gentofte.ttl"
    text = (project / "out" / "0157-gentofte.ttl").read_text(encoding="utf-8")
    target.write_text(text.replace("gentofte-opgaveudvalg.txt", "gone.txt"), encoding="utf-8")
    assert main(["build", "--out", str(tmp_path / "dist")]) == 2
    err = capsys.readouterr().err
    assert f"archived file {project}/data/sources/excerpts/gone.txt does not exist" in err
    assert "site-packages" not in err and str(REPO / "data") not in err


# --- quotes and support -------------------------------------------------------------------------


def test_a_quote_that_is_not_verbatim_is_refused_at_its_cell(project):
    set_cell(project, "evidence", 4, "quote", "Udvalgene oprettes jf. den kommunale styrelseslov.")
    assert texts(p for p in run(project) if p.severity == "error") == [
        'ERROR: evidence, row 4, column "Citat / Quote", value "Udvalgene oprettes jf. den '
        'kommunale styrelseslov.": the quote is not word for word in '
        "data/sources/excerpts/gentofte-opgaveudvalg.txt; the first part missing or out of "
        'order is "Udvalgene oprettes jf. den kommunale styrelseslov.". Fix: copy the passage '
        "exactly as the excerpt has it, and mark words left out with […]."
    ]


def test_an_unsupported_fact_is_warned_with_a_fix_that_works(project, tmp_path):
    """A person in a post, entered without a quote: the import warns at each cell, naming the
    evidence row to add; adding those rows makes the warnings go, and the project builds."""
    add_row(project, "documents", {
        cell("documents", "id"): "direktoer",
        cell("documents", "label_da"): "Kommunaldirektøren",
        cell("documents", "label_en"): "The municipal director",
        cell("documents", "kind"): "web page",
        cell("documents", "title"): "Kommunaldirektøren",
        cell("documents", "title_language"): "da",
        cell("documents", "url"): "https://example.org/direktoer",
        cell("documents", "accessed"): "2026-12-01",
        cell("documents", "excerpt_file"): "data/sources/excerpts/test-direktoer.txt",
        cell("documents", "describes"): "municipality",
        cell("documents", "known_from"): "doc:netkg-domain-brief",
    })  # fmt: skip
    add_row(project, "people_posts", {
        cell("people_posts", "person"): "Anna Hansen",
        cell("people_posts", "post_da"): "Kommunaldirektør",
        cell("people_posts", "post_en"): "Municipal director",
        cell("people_posts", "role"): "kommunaldirektoer",
        cell("people_posts", "from"): "2019",
        cell("people_posts", "sources"): "direktoer",
    })  # fmt: skip
    warnings = run(project)
    assert warnings and {p.severity for p in warnings} == {"warning"}
    # a person's name identifies them and is no fact to quote (derived.evidence.NOT_FACTS);
    # that they hold the post is
    holder = next(p for p in warnings if p.value == "person:anna-hansen")
    assert str(holder) == (
        'people_posts, row 3, column "Person", value "person:anna-hansen": no row of the '
        "evidence sheet supports this fact; `netkg build` refuses a fact without support. Fix: "
        "add an evidence row with About = people_posts/3, Facts = holder and a quote from the "
        'source that says it, or say how it follows from a quote in "Afledning (engelsk) / '
        'Inference (English)".'
    )
    assert not [p for p in warnings if p.value == "Anna Hansen"]
    role = next(p for p in warnings if p.column == "Rolle / Role")
    assert "About = people_posts/3, Facts = role" in role.fix
    quote = "Kommunaldirektør Anna Hansen har ledet administrationen siden 2019."
    add_row(project, "evidence", {
        cell("evidence", "id"): "direktoer-titel",
        cell("evidence", "about"): "direktoer",
        cell("evidence", "facts"): "title",
        cell("evidence", "quote"): "Kommunaldirektøren",
        cell("evidence", "source"): "direktoer",
    })  # fmt: skip
    add_row(project, "evidence", {
        cell("evidence", "id"): "direktoer-navn",
        cell("evidence", "about"): "person:anna-hansen",
        cell("evidence", "facts"): "person's name",
        cell("evidence", "quote"): quote,
        cell("evidence", "source"): "direktoer",
    })  # fmt: skip
    add_row(project, "evidence", {
        cell("evidence", "id"): "direktoer-stilling",
        cell("evidence", "about"): "people_posts/3",
        cell("evidence", "facts"): "kind; holder; post; post in; in unit; role; period",
        cell("evidence", "quote"): quote,
        cell("evidence", "source"): "direktoer",
        cell("evidence", "inference"): "The page names Anna Hansen as the municipal director, "
        "who heads the administration, since 2019.",
    })  # fmt: skip
    assert texts(run(project)) == []
    # and what the import accepted, the build accepts
    from netkg.cli import main

    (project / "data" / "municipalities").mkdir(parents=True, exist_ok=True)
    shutil.copy(project / "out" / "0157-gentofte.ttl", project / "data" / "municipalities")
    assert main(["build", "--no-validate", "--out", str(tmp_path / "dist")]) == 0


def test_shacl_warnings_speak_of_columns_and_sheets_and_come_once(project):
    shutil.rmtree(project / "workbook")
    shutil.copytree(REPO / "tests" / "entry" / "synthetic", project / "workbook")
    set_cell(project, "networks", 3, "leader", "")
    set_cell(project, "units", 5, "parent", "")
    shown = [p for p in run(project) if "refuses a fact" not in p.what]
    assert [(p.sheet, p.row, p.column) for p in shown if p.severity == "warning"][:2] == [
        ("units", 5, "Hører under / Part of"),
        ("networks", 3, "Leder / Leader"),
    ]
    leader = shown[1]
    assert leader.what == (
        'The network has no leader. Give one with "Leder / Leader", or record a row of the gaps '
        'sheet about "Leder / Leader" if the sources do not say.'
    )
    for problem in shown:
        for term in ("nkg:", "dct:", "org:", "xsd:", "rdfs:"):
            assert term not in problem.what, problem
    assert len(texts(shown)) == len(set(texts(shown)))  # each once


# --- the municipality's code ----------------------------------------------------------------------


def test_a_code_that_is_not_the_municipalitys_is_refused_with_the_right_one(project):
    set_cell(project, "municipality", 3, "code", "0999")
    assert texts(run(project)) == [
        'ERROR: municipality, row 3, column "Kommunekode / Municipality code", value "0999": '
        "the municipality code of gentofte is 0157 (data/shared/municipalities-denmark.ttl "
        "and the described municipalities). Fix: write 0157 (as text, so the leading zero "
        "stays)."
    ]
    set_cell(project, "municipality", 3, "code", "0159")  # Gladsaxe's, for a town of its own
    set_cell(project, "municipality", 3, "slug", "nyby")
    [problem] = [p for p in run(project) if p.sheet == "municipality"]
    assert problem.what == (
        "0159 is the code of gladsaxe, not of nyby (data/shared/municipalities-denmark.ttl "
        "and the described municipalities)"
    )


def test_outside_a_project_the_archive_is_the_working_folders(tmp_path, monkeypatch):
    """A folder that is not yet a project (the import makes it one): its own
    data/sources/excerpts/ is where an excerpt is looked for and named, never netkg's package."""
    monkeypatch.delenv("NETKG_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(GENTOFTE, tmp_path / "workbook")
    page = "data/sources/excerpts/my-page.txt"
    set_cell(tmp_path, "documents", 4, "excerpt_file", page)
    [problem] = run(tmp_path)
    assert problem.value == page
    assert f"in the project ({tmp_path}/data/sources/excerpts/)" in problem.what
    (tmp_path / "data" / "sources" / "excerpts").mkdir(parents=True)
    shutil.copy(REPO / "data" / "sources" / "excerpts" / "gentofte-opgaveudvalg.txt", page)
    assert run(tmp_path) == []
