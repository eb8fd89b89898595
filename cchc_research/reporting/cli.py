"""``cchc reports``: run the configured notebooks into ``reports/``."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, add_completion=False)
console = Console()


@app.command("run")
def run(
    only: list[str] = typer.Option(None, "--only", help="Run only these run names (repeatable)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Runs executed in parallel (one kernel each)."),
    config_path: Path = typer.Option(None, "--config", help="Run list (default: reports.yml)."),
) -> None:
    """Execute the runs of the config with papermill; exit 1 if any run failed."""
    from cchc_research.errors import ReportError
    from cchc_research.reporting.config import load_config
    from cchc_research.reporting.runner import run_reports

    all_runs = runs = load_config(config_path)
    if only:
        unknown = sorted(set(only) - {r.name for r in runs})
        if unknown:
            raise ReportError(f"unknown run name(s): {', '.join(unknown)}")
        runs = [r for r in runs if r.name in set(only)]
    t0 = time.perf_counter()
    outcomes = run_reports(runs, jobs=jobs, index_runs=all_runs)
    for o in outcomes:
        colour = "green" if o.status == "ok" else "red"
        console.print(f"  [{colour}]{o.status:<6}[/] {o.name:<28} {o.seconds:6.1f}s  → reports/{o.published}"
                      + (f"\n         {o.error}" if o.error else ""))
    failed = [o for o in outcomes if o.status != "ok"]
    console.print(f"{len(outcomes) - len(failed)} ok, {len(failed)} failed in {time.perf_counter() - t0:.1f}s; "
                  "index: reports/index.html")
    if failed:
        raise typer.Exit(code=1)


@app.command("list")
def list_runs(config_path: Path = typer.Option(None, "--config")) -> None:
    """List the configured runs."""
    from cchc_research.reporting.config import load_config

    for r in load_config(config_path):
        console.print(f"{r.name:<28} {r.notebook.name:<36} {r.parameters}")
