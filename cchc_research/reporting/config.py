"""The report-run configuration (``reports.yml`` at the project root).

Format::

    defaults:
      timeout: 600          # seconds per cell (papermill execution_timeout)
    runs:
      - name: targets-hcm-vi                # folder under reports/
        notebook: 02_targets_scorecard.ipynb  # under notebooks/
        title: "Mục tiêu CCHC — TP.HCM"
        parameters: {city: "79", lang: "vi"}

Examples
--------
>>> from cchc_research.reporting.config import parse_config
>>> runs = parse_config({"runs": [{"name": "a", "notebook": "x.ipynb", "parameters": {"lang": "en"}}]},
...                     check_notebooks=False)
>>> runs[0].name, runs[0].parameters["lang"], runs[0].timeout
('a', 'en', 600)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cchc_research import config
from cchc_research.errors import ReportError

__all__ = ["RunSpec", "load_config", "parse_config", "DEFAULT_CONFIG"]

DEFAULT_CONFIG = config.PROJECT_ROOT / "reports.yml"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class RunSpec:
    """One report run: a notebook and the parameters to inject."""

    name: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    title: str = ""
    timeout: int = 600

    @property
    def output_dir(self) -> Path:
        return config.REPORTS_DIR / self.name


def parse_config(data: dict, *, source: str = "reports.yml", check_notebooks: bool = True) -> list[RunSpec]:
    """Validate a loaded config mapping and return its runs (errors name the run and key)."""
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list) or not data["runs"]:
        raise ReportError(f"{source}: needs a non-empty 'runs' list")
    defaults = data.get("defaults") or {}
    runs: list[RunSpec] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["runs"], start=1):
        if not isinstance(raw, dict):
            raise ReportError(f"{source}: run #{i} is not a mapping")
        name = raw.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise ReportError(f"{source}: run #{i} has an invalid name {name!r} (lowercase, digits, - and _)")
        if name in seen:
            raise ReportError(f"{source}: run name {name!r} is used twice")
        seen.add(name)
        nb = raw.get("notebook")
        if not isinstance(nb, str):
            raise ReportError(f"{source}: run {name!r} lacks 'notebook'")
        path = config.NOTEBOOKS_DIR / nb
        if check_notebooks and not path.exists():
            raise ReportError(f"{source}: run {name!r}: notebook {nb!r} not found in notebooks/")
        params = raw.get("parameters") or {}
        if not isinstance(params, dict):
            raise ReportError(f"{source}: run {name!r}: 'parameters' must be a mapping")
        if "output_dir" in params:
            raise ReportError(f"{source}: run {name!r}: 'output_dir' is set by the runner")
        timeout = int(raw.get("timeout", defaults.get("timeout", 600)))
        runs.append(RunSpec(name=name, notebook=path, parameters=dict(params),
                            title=str(raw.get("title", name)), timeout=timeout))
    return runs


def load_config(path: str | Path | None = None) -> list[RunSpec]:
    """Read and validate ``reports.yml`` (default: the project's)."""
    path = Path(path or DEFAULT_CONFIG)
    if not path.exists():
        raise ReportError(f"report config not found: {path}")
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise ReportError(f"{path}: not valid YAML: {exc}") from exc
    return parse_config(data, source=str(path))
