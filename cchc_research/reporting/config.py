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

Parameters are checked against the notebook's ``parameters`` cell before anything runs
(:func:`check_parameters`, through ``papermill.inspect_notebook``): unknown names are refused with
a did-you-mean, values of the wrong type are refused with the expected type.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import papermill
import yaml

from cchc_research import config
from cchc_research.errors import ReportError

__all__ = ["RunSpec", "load_config", "parse_config", "check_parameters", "notebook_parameters",
           "parse_cli_value", "RUNNER_PARAMETERS"]

#: Parameters the runner sets itself; a config may not set them.
RUNNER_PARAMETERS = frozenset({"output_dir"})
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
            raise ReportError(f"{source}: run {name!r}: 'parameters' must be a mapping", run=name)
        if "output_dir" in params:
            raise ReportError(f"{source}: run {name!r}: 'output_dir' is set by the runner", run=name,
                              parameter="output_dir")
        timeout = raw.get("timeout", defaults.get("timeout", 600))
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
            raise ReportError(f"{source}: run {name!r}: 'timeout' must be a positive number of seconds, "
                              f"got {timeout!r}", run=name)
        spec = RunSpec(name=name, notebook=path, parameters=dict(params), title=str(raw.get("title", name)),
                       timeout=timeout)
        if check_notebooks:
            check_parameters(spec, source=source)
        runs.append(spec)
    return runs


# papermill's inferred type names (from the annotation) -> accepted Python types. bool is not an int
# here, and an int is accepted where a float is expected (as Python's own numeric tower does).
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "list": (list, tuple),
    "dict": (dict,), "tuple": (list, tuple),
}


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """The notebook's ``parameters`` cell as papermill reads it (name -> type, default, help).

    Raises
    ------
    ReportError
        When the notebook cannot be read or has no cell tagged ``parameters``.
    """
    try:
        found = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # noqa: BLE001 - papermill raises several kinds; all mean "unreadable"
        raise ReportError(f"cannot read the parameters cell of {notebook}: {type(exc).__name__}: {exc}") from exc
    return dict(found)


def _expected_type(info: dict) -> str | None:
    name = info.get("inferred_type_name")
    if name in _TYPES:
        return name
    try:  # unannotated: the type of the literal default, where there is one
        default = ast.literal_eval(str(info.get("default")))
    except (ValueError, SyntaxError):
        return None
    kind = type(default).__name__
    return kind if kind in _TYPES else None


def check_parameters(spec: RunSpec, *, source: str = "") -> None:
    """Refuse a run whose parameters the notebook does not declare, or whose values have the wrong type.

    Compares ``spec.parameters`` with the notebook's ``parameters`` cell
    (``papermill.inspect_notebook``). Runs before any kernel starts.

    Raises
    ------
    ReportError
        ``parameter`` names the offending key; the message has a did-you-mean (``difflib``) for an
        unknown name and the expected type (from the annotation, else the default) for a wrong value.
    """
    declared = notebook_parameters(spec.notebook)
    where = f"{source}: " if source else ""
    known = sorted(k for k in declared if k not in RUNNER_PARAMETERS)
    for key, value in spec.parameters.items():
        if key not in declared or key in RUNNER_PARAMETERS:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"the notebook's parameters are: {', '.join(known)}"
            raise ReportError(f"{where}run {spec.name!r}: parameter {key!r} is not in the parameters cell "
                              f"of {spec.notebook.name}", run=spec.name, parameter=key, hint=hint)
        want = _expected_type(declared[key])
        if want is None or value is None:
            continue
        ok = isinstance(value, _TYPES[want]) and not (want != "bool" and isinstance(value, bool))
        if not ok:
            raise ReportError(
                f"{where}run {spec.name!r}: parameter {key!r} must be {want} "
                f"(default {declared[key].get('default')}), got {type(value).__name__} {value!r}",
                run=spec.name, parameter=key,
                hint=f"give {key} a value of type {want}" + (" (quote codes such as '01' as text)" if want == "str" else ""))


def parse_cli_value(text: str) -> object:
    """A ``-p NAME VALUE`` value as papermill's command line reads it: int, float, bool, None, else text.

    >>> parse_cli_value("2024"), parse_cli_value("0.5"), parse_cli_value("True"), parse_cli_value("abc")
    (2024, 0.5, True, 'abc')
    """
    if text in ("True", "true"):
        return True
    if text in ("False", "false"):
        return False
    if text in ("None", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def load_config(path: str | Path | None = None) -> list[RunSpec]:
    """Read and validate ``reports.yml`` (default: the one in the home folder, ``config.REPORTS_CONFIG``)."""
    path = Path(path or config.REPORTS_CONFIG)
    if not path.exists():
        raise ReportError(f"report config not found: {path}",
                          hint="run inside a cchc home (`cchc init DIR`), set CCHC_HOME or pass --config")
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise ReportError(f"{path}: not valid YAML: {exc}") from exc
    return parse_config(data, source=str(path))
