"""Report runner: papermill execution, HTML, run.json, index, failures, atomic publication."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cchc_research.errors import ReportError
from cchc_research.reporting.config import RunSpec, load_config, parse_config
from cchc_research.reporting.runner import run_reports

FIXTURE = Path(__file__).parent / "fixtures" / "fixture_report.ipynb"


def _spec(name: str, **params) -> RunSpec:
    return RunSpec(name=name, notebook=FIXTURE, parameters=params, title=f"Fixture {name}", timeout=120)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    outcomes = run_reports([_spec("good-vi"), _spec("bad", fail=True), _spec("good-en", title="On-time rate")],
                           jobs=2, reports_dir=out, progress=False)
    return out, {o.name: o for o in outcomes}


def test_statuses_and_failure_isolated(reports):
    out, outcomes = reports
    assert outcomes["good-vi"].status == "ok"
    assert outcomes["good-en"].status == "ok"
    assert outcomes["bad"].status == "failed"
    assert "failing on purpose" in outcomes["bad"].error


def test_run_folder_contents(reports):
    out, _ = reports
    run = out / "good-vi"
    for name in ("report.ipynb", "report.html", "run.json", "figures/on-time.png", "tables/on-time.csv"):
        assert (run / name).exists(), name
    info = json.loads((run / "run.json").read_text("utf-8"))
    assert info["status"] == "ok" and info["parameters"] == {}
    assert {"git", "data", "packages", "seconds", "kernel"} <= set(info)
    assert info["packages"]["papermill"] != "not installed"
    html = (run / "report.html").read_text("utf-8")
    assert "data:image/png;base64" in html  # the figure is embedded
    assert "Parameters of this run" in html
    assert "save_figure(" not in html  # code is hidden
    assert not list(out.glob(".tmp-*"))


def test_failed_run_keeps_executed_notebook_with_error(reports):
    out, _ = reports
    nb = json.loads((out / "bad" / "report.ipynb").read_text("utf-8"))
    errors = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors and errors[0]["evalue"] == "failing on purpose"
    assert json.loads((out / "bad" / "run.json").read_text("utf-8"))["status"] == "failed"


def test_index_lists_every_run_with_status(reports):
    out, _ = reports
    index = (out / "index.html").read_text("utf-8")
    for name in ("good-vi", "good-en", "bad"):
        assert f">{name}<" in index
    assert "failed" in index and 'href="good-vi/report.html"' in index


def test_good_report_never_overwritten_by_failure(tmp_path):
    ok = run_reports([_spec("r")], reports_dir=tmp_path, progress=False)[0]
    assert ok.status == "ok"
    before = (tmp_path / "r" / "report.ipynb").read_bytes()
    bad = run_reports([_spec("r", fail=True)], reports_dir=tmp_path, progress=False)[0]
    assert bad.status == "failed" and bad.published == "r.failed"
    assert (tmp_path / "r" / "report.ipynb").read_bytes() == before
    assert json.loads((tmp_path / "r.failed" / "run.json").read_text("utf-8"))["status"] == "failed"
    assert "last good report kept" in (tmp_path / "index.html").read_text("utf-8")
    again = run_reports([_spec("r")], reports_dir=tmp_path, progress=False)[0]
    assert again.status == "ok" and not (tmp_path / "r.failed").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "non-empty 'runs'"),
        ({"runs": [{"name": "Bad Name", "notebook": "x.ipynb"}]}, "invalid name"),
        ({"runs": [{"name": "a", "notebook": "x.ipynb"}, {"name": "a", "notebook": "x.ipynb"}]}, "used twice"),
        ({"runs": [{"name": "a"}]}, "lacks 'notebook'"),
        ({"runs": [{"name": "a", "notebook": "x.ipynb", "parameters": [1]}]}, "must be a mapping"),
        ({"runs": [{"name": "a", "notebook": "x.ipynb", "parameters": {"output_dir": "/"}}]}, "set by the runner"),
        ({"runs": [{"name": "a", "notebook": "does-not-exist.ipynb"}]}, "not found"),
    ],
)
def test_bad_config_is_a_clear_error(data, message):
    with pytest.raises(ReportError, match=message):
        parse_config(data, check_notebooks=message == "not found")


def test_project_config_is_valid():
    runs = load_config()
    assert len(runs) >= 6
    assert len({r.notebook.name for r in runs}) >= 6


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed (./run test installs it)")
def test_index_opens_in_headless_chromium(reports, tmp_path):
    out, _ = reports
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", (out / "index.html").as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    assert 'id="runs"' in dom
    for name in ("good-vi", "good-en", "bad"):
        assert name in dom


def test_report_html_uses_fonts_with_vietnamese_glyphs(reports):
    from cchc_research.reporting.render import VIETNAMESE_FONT_CSS

    out, _ = reports
    assert VIETNAMESE_FONT_CSS in (out / "good-vi" / "report.html").read_text("utf-8")


def test_figure_font_covers_every_vietnamese_label():
    """The PNG font (DejaVu Sans, shipped with matplotlib) has a glyph for every character we print."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    from cchc_research.catalog import load_catalog
    from cchc_research.labels import _LABELS, SIMULATED
    from cchc_research.reporting.artifacts import VIETNAMESE_FONT

    path = font_manager.findfont(font_manager.FontProperties(family=VIETNAMESE_FONT), fallback_to_default=False)
    cmap = TTFont(path)["cmap"].getBestCmap()
    texts = [vi for vi, _ in _LABELS.values()] + list(SIMULATED.values())
    texts += [ind.name_vi for ind in load_catalog().values()]
    missing = sorted({ch for t in texts for ch in t if not ch.isspace() and ord(ch) not in cmap})
    assert not missing, missing


def test_cli_exit_code_and_index_for_a_config(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cchc_research import config
    from cchc_research.cli import app

    cfg = tmp_path / "reports.yml"
    cfg.write_text(
        "runs:\n"
        f"  - {{name: ok-run, notebook: '{FIXTURE}', parameters: {{title: 'Hồ sơ đúng hạn'}}}}\n"
        f"  - {{name: bad-run, notebook: '{FIXTURE}', parameters: {{fail: true}}}}\n"
        f"  - {{name: not-run, notebook: '{FIXTURE}'}}\n", encoding="utf-8")
    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path / "out")
    result = CliRunner().invoke(app, ["reports", "run", "--config", str(cfg), "--only", "ok-run",
                                      "--only", "bad-run", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "1 ok, 1 failed" in result.output
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert ">not-run<" in index and "missing" in index  # listed although not executed
    unknown = CliRunner().invoke(app, ["reports", "run", "--config", str(cfg), "--only", "nope"])
    assert unknown.exit_code != 0
