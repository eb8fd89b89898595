"""Static checks of the committed notebooks (the nbval run re-executes them separately)."""

from __future__ import annotations

import json
import re

import pytest
from papermill.translators import PythonTranslator

from cchc_research import config
from cchc_research.reporting.config import load_config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def _load(path):
    return json.loads(path.read_text("utf-8"))


def _parameter_cells(nb):
    return [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]


def test_there_are_seven_research_notebooks():
    assert len(NOTEBOOKS) == 7, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec_and_one_parameters_cell(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    cells = _parameter_cells(nb)
    assert len(cells) == 1
    assert not any("injected-parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"])
    assert nb["cells"][0]["cell_type"] == "markdown", "the first cell states the question and the data"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_parameter_is_literal_typed_and_commented(path):
    """papermill must parse every line, so `papermill --help-notebook` lists all parameters."""
    cell = _parameter_cells(_load(path))[0]
    source = "".join(cell["source"])
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    params = PythonTranslator.inspect({"source": source})
    assert len(params) == len(lines), f"papermill parsed {len(params)} of {len(lines)} lines"
    names = {p.name for p in params}
    assert {"lang", "output_dir"} <= names
    for p in params:
        assert p.help, f"{p.name} has no comment"
        assert p.inferred_type_name != "None", f"{p.name} has no type annotation"
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)  # literal defaults: runs without the library
    assert namespace["lang"] in ("vi", "en") and namespace["output_dir"] == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_with_outputs_and_without_volatile_metadata(path):
    nb = _load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])]
    assert code and all(c.get("execution_count") for c in code), "execute the notebook before committing"
    assert any(c.get("outputs") for c in code)
    assert "papermill" not in nb["metadata"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


@pytest.mark.parametrize("name", ["06_online_rollout_simulated.ipynb", "07_delegation_online_dose.ipynb"])
def test_simulated_notebook_says_so(name):
    nb = _load(config.NOTEBOOKS_DIR / name)
    first = "".join(nb["cells"][0]["source"])
    assert re.search(r"SIMULATED|simulated", first) and re.search(r"MÔ PHỎNG|mô phỏng", first, re.IGNORECASE)


def test_every_notebook_has_a_report_run():
    used = {r.notebook.name for r in load_config()}
    assert used == {p.name for p in NOTEBOOKS}
