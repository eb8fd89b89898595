"""``cchc reports``: run the configured notebooks into ``reports/``.

Messages go to stdout, errors to stderr. Exit codes: 0 all runs ok, 1 a run failed, 2 refused
before running (bad config, unknown parameter or run name), 128 + signal number when stopped by
SIGTERM (143) or SIGINT (130).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import typer
from rich.console import Console

from cchc_research import config
from cchc_research.errors import ReportError
from cchc_research.reporting.config import load_config, parse_cli_value
from cchc_research.reporting.runner import KERNEL_NAME, RunInterrupted, install_kernel, run_reports

app = typer.Typer(no_args_is_help=True, add_completion=False)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def _refuse(exc: ReportError, code: int = 2) -> None:
    err_console.print(f"[bold red]error[/]: {type(exc).__name__}: {exc}", markup=True, highlight=False)
    raise typer.Exit(code=code)


def parse_overrides(args: list[str]) -> dict[str, object]:
    """``-p NAME VALUE`` / ``-r NAME VALUE`` pairs, as papermill's command line takes them.

    ``-p`` values are read like papermill's (:func:`parse_cli_value`); ``-r`` keeps the text.

    Raises
    ------
    ReportError
        On anything else, or a pair missing its value.

    >>> parse_overrides(["-p", "as_of_year", "2024", "-r", "city", "01"])
    {'as_of_year': 2024, 'city': '01'}
    """
    out: dict[str, object] = {}
    i = 0
    while i < len(args):
        flag = args[i]
        if flag not in ("-p", "--param", "-r", "--raw"):
            raise ReportError(f"unknown option or argument {flag!r}",
                              hint="see `cchc reports run --help`; parameters are given as -p NAME VALUE")
        if i + 2 >= len(args):
            raise ReportError(f"{flag} needs a NAME and a VALUE", hint="e.g. -p as_of_year 2024")
        name, value = args[i + 1], args[i + 2]
        out[name] = value if flag in ("-r", "--raw") else parse_cli_value(value)
        i += 3
    return out


@app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(
    ctx: typer.Context,
    only: list[str] = typer.Option(None, "--only", help="Run only these run names (repeatable)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Runs executed in parallel (one kernel each)."),
    config_path: Path = typer.Option(None, "--config", help="Run list (default: reports.yml in the home)."),
) -> None:
    """Execute the runs of the config with papermill; exit 1 if any run failed.

    Parameters of the selected runs can be overridden as with papermill: ``-p NAME VALUE`` (VALUE
    read as int, float, True/False, None, else text) and ``-r NAME VALUE`` (kept as text, for codes
    such as ``-r city 01``). Every parameter is checked against the notebook's ``parameters`` cell
    before anything runs.
    """
    try:
        overrides = parse_overrides(list(ctx.args))
        all_runs = runs = load_config(config_path)
        if only:
            unknown = sorted(set(only) - {r.name for r in runs})
            if unknown:
                raise ReportError(f"unknown run name(s): {', '.join(unknown)}",
                                  hint="`cchc reports list` shows the configured runs")
            runs = [r for r in runs if r.name in set(only)]
        if overrides:
            runs = [dataclasses.replace(r, parameters={**r.parameters, **overrides}) for r in runs]
        t0 = time.perf_counter()
        outcomes = run_reports(runs, jobs=jobs, index_runs=all_runs)
    except RunInterrupted as exc:
        err_console.print(f"[bold red]stopped[/]: {exc}", highlight=False)
        raise typer.Exit(code=128 + exc.signum) from None
    except ReportError as exc:
        _refuse(exc)
    for o in outcomes:
        colour = "green" if o.status == "ok" else "red"
        line = f"  [{colour}]{o.status:<6}[/] {o.name:<28} {o.seconds:6.1f}s  → reports/{o.published}"
        console.print(line, highlight=False)
        if o.error:
            err_console.print(f"  [red]{o.name}[/]: {o.error}", highlight=False)
    failed = [o for o in outcomes if o.status != "ok"]
    console.print(f"{len(outcomes) - len(failed)} ok, {len(failed)} failed in {time.perf_counter() - t0:.1f}s; "
                  f"index: {config.REPORTS_DIR / 'index.html'}", highlight=False)
    if failed:
        raise typer.Exit(code=1)


@app.command("list")
def list_runs(config_path: Path = typer.Option(None, "--config")) -> None:
    """List the configured runs (their parameters checked against each notebook)."""
    try:
        runs = load_config(config_path)
    except ReportError as exc:
        _refuse(exc)
    for r in runs:
        console.print(f"{r.name:<28} {r.notebook.name:<36} {r.parameters}", highlight=False, markup=False)


@app.command("install-kernel")
def install_kernel_cmd(
    name: str = typer.Option(KERNEL_NAME, "--name", help="Kernel name (the runner, nbval and schedulers use "
                                                         f"{KERNEL_NAME!r})."),
    user: bool = typer.Option(False, "--user", help="Register for the current user instead of this environment."),
) -> None:
    """Register this Python as a Jupyter kernel (the report runner's kernel)."""
    console.print(f"kernel {name!r} registered in {install_kernel(name, user=user)}", highlight=False)
