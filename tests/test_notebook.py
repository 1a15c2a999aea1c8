"""The notebook tour (notebooks/tour.ipynb) runs top to bottom on the shipped data, and shows
results as HTML tables with inline SPARQL, labels and compact IRIs (issue 11); it says how to
install Jupyter, and covers as-of, diff, compare and the diagram (issue 22)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.external, pytest.mark.slow]
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "tour.ipynb"


@pytest.fixture(scope="module")
def executed():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    os.environ.pop("NETKG_ROOT", None)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, with the cell, if any cell fails
    return notebook


def _outputs(cell) -> dict[str, str]:
    found: dict[str, str] = {}
    for output in cell.outputs:
        for kind, value in output.get("data", {}).items():
            found[kind] = found.get(kind, "") + str(value)
    return found


def test_every_code_cell_runs_and_shows_a_result(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert len(code) == 11
    for cell in code[1:]:
        assert cell.outputs, cell.source
        assert not [o for o in cell.outputs if o.output_type == "error"]


def test_results_are_html_tables_with_compact_iris(executed):
    networks = _outputs(executed.cells[3])
    assert networks["text/html"].startswith('<table class="netkg-results">')
    assert ">alb:network-haervaerk</td>" in networks["text/html"]
    assert "<p>10 rows</p>" in networks["text/html"]


def test_labels_inline_sparql_and_new_questions(executed):
    counts = _outputs(executed.cells[5])["text/html"]
    assert "municipalityLabel" in counts and "Gentofte Municipality" in counts
    since = _outputs(executed.cells[7])["text/html"]
    assert ">2015</td>" in since and ">Opgaveudvalg (task committees)</td>" in since
    coding = _outputs(executed.cells[9])["text/html"]
    assert "the netkg project" in coding and "Interpretation by netkg" in coding
    inline = _outputs(executed.cells[11])["text/plain"]
    assert "networks" in inline and "10" in inline


def test_the_committed_notebook_has_its_outputs():
    import json

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert all(c["outputs"] for c in cells if c["cell_type"] == "code" and c is not cells[1])


def test_it_says_how_to_install_jupyter():
    import json

    first = "".join(json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"][0]["source"])
    assert "pip install 'netkg[notebook]'" in first and "jupyter lab tour.ipynb" in first


def test_as_of_diff_compare_and_the_diagram(executed):
    as_of = _outputs(executed.cells[15])["text/html"]
    assert ">spring 2015</td>" in as_of and ">2013</td>" in as_of  # as precise as the source
    assert "2013-01-01" not in as_of
    changes = _outputs(executed.cells[17])["text/html"]
    assert ">started</td>" in changes and ">alb:network-haervaerk</td>" in changes
    matrix = _outputs(executed.cells[19])["text/html"]
    assert "Gentofte Municipality" in matrix and "(coding)" in matrix
    drawing = _outputs(executed.cells[21])["image/svg+xml"]
    assert drawing.startswith("<svg") and "Pillar: " in drawing
