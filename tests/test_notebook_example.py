"""The example notebook (docs/examples/kazakhstan-2021.ipynb) runs headless in a fresh Jupyter
kernel without an error, and its cells show the rules, the result, the comparison and the data
frames as HTML (scripts/notebook_screenshots.py renders and photographs it for the docs)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "examples" / "kazakhstan-2021.ipynb"


def html_of(cell: dict) -> str:  # type: ignore[type-arg]
    return "".join("".join(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", []))


def test_the_example_notebook_executes() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    committed = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs for c in committed), "the committed notebook shows its outputs (run the script)"
    nbclient.NotebookClient(nb, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    cells = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in cells for o in c.outputs if o.output_type == "error"]
    by_source = {c.source.splitlines()[-1]: c for c in cells}
    assert "IPU Parline" in html_of(by_source["rules"]) and "<span style=\"color" in html_of(by_source["rules"])
    assert "5,148,074" in html_of(by_source["result"]) and "<svg" in html_of(by_source["result"])
    assert "Hare, no threshold" in html_of(by_source["comparison"])  # the rule file's label
    assert "<table" in html_of(by_source["result.to_pandas()"])  # pandas' own HTML
    numpy_cell = cells[-1].outputs[0]["data"]["text/plain"]
    assert numpy_cell == "{'QHP': 10, 'NurOtan': 76, 'Auyl': 0, 'AkZhol': 12, 'Adal': 0, 'APK': 9}"
