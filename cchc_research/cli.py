"""The ``cchc`` command line.

Commands: ``cchc init DIR`` (a new home folder), ``cchc build`` (raw → processed), ``cchc dossiers
…`` (one-stop-shop exports → panels), ``cchc simulate …`` (the seeded simulated world), ``cchc
reports …`` (papermill runs). ``--home DIR`` (or the environment variable ``CCHC_HOME``) chooses
the folder holding ``data/``, ``notebooks/``, ``reports.yml`` and ``reports/``; ``--version``
prints the version. Errors go to stderr.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from cchc_research import __version__, config
from cchc_research.dossiers.cli import app as dossiers_app
from cchc_research.errors import CCHCError
from cchc_research.reporting.cli import app as reports_app
from cchc_research.simulate.cli import app as simulate_app

app = typer.Typer(help="cchc-research: Vietnam public-administration-reform indicators and models.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        console.print(f"cchc-research {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    home: Path = typer.Option(None, "--home", envvar=config.HOME_ENV, file_okay=False,
                              help="Home folder with data/, notebooks/, reports.yml and reports/ "
                                   "(default: the source checkout, else the current folder)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """cchc-research: Vietnam public-administration-reform indicators and models."""
    if home is not None:
        if not home.expanduser().is_dir() and ctx.invoked_subcommand != "init":
            raise typer.BadParameter(
                f"the home folder {home} does not exist (from --home or {config.HOME_ENV}); make one "
                f"with `cchc init {home}`, or point --home at an existing home folder",
                param_hint="--home",
            )
        config.set_home(home)


@app.command()
def init(
    directory: str = typer.Argument(..., metavar="DIRECTORY", help="New home folder (created; must be empty)."),
) -> None:
    """Make a home folder: copy the notebooks, reports.yml and the raw data (with its MANIFEST).

    Then ``cchc --home DIR build`` and ``cchc --home DIR reports run`` (or set ``CCHC_HOME=DIR``).
    """
    source = config.home_template()
    if source is None:
        err_console.print("error: the notebooks and raw data of this installation were not found "
                          "(reinstall cchc-research from its wheel or run from the source checkout)")
        raise typer.Exit(code=2)
    if not directory.strip():
        raise typer.BadParameter("an empty path is not a folder name; give the new home folder, "
                                 "e.g. `cchc init ~/cchc-home`", param_hint="DIRECTORY")
    directory = Path(directory).expanduser().resolve()
    if directory.exists() and not directory.is_dir():
        err_console.print(f"error: {directory} exists and is a file, not a folder", highlight=False)
        raise typer.Exit(code=2)
    if directory.exists() and any(directory.iterdir()):
        err_console.print(f"error: {directory} exists and is not empty", highlight=False)
        raise typer.Exit(code=2)
    (directory / "data").mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "data" / "raw", directory / "data" / "raw")
    shutil.copytree(source / "notebooks", directory / "notebooks",
                    ignore=shutil.ignore_patterns("conftest.py", ".ipynb_checkpoints", "__pycache__"))
    shutil.copy2(source / "reports.yml", directory / "reports.yml")
    console.print(f"initialised {directory} (data/raw, notebooks/, reports.yml); next: "
                  f"cchc --home {directory} build", highlight=False)


@app.command()
def build(quiet: bool = typer.Option(False, "--quiet", "-q", help="Only print errors.")) -> None:
    """Rebuild data/processed from data/raw; print rows read / processed / rejected per source."""
    from cchc_research.build import build as run_build  # heavy (pandas, readers): loaded when used

    try:
        report = run_build(log=(lambda r: None) if quiet else (lambda r: console.print(
            f"  {r['source_id']:<14} read {r['rows_read']:>6}  processed {r['rows_processed']:>6}  "
            f"rejected {r['rows_rejected']:>5}  ({r['seconds']:.1f}s)")))
    except CCHCError as exc:
        err_console.print(f"[bold red]build failed[/]: {type(exc).__name__}: {exc}", highlight=False)
        raise typer.Exit(code=1) from exc
    if not quiet:
        table = Table(title="cchc build: source accounting")
        for col in ["source", "rows read", "processed", "rejected", "values"]:
            table.add_column(col, justify="right" if col != "source" else "left")
        for r in report.counts.itertuples(index=False):
            table.add_row(r.source_id, str(r.rows_read), str(r.rows_processed), str(r.rows_rejected), str(r.values))
        console.print(table)
        console.print(f"wrote {len(report.outputs)} files to {config.PROCESSED_DIR} in {report.seconds:.1f}s")


app.add_typer(dossiers_app, name="dossiers", help="One-stop-shop dossier exports → unit × period panels.")
app.add_typer(simulate_app, name="simulate", help="The seeded simulated world (labelled simulated).")
app.add_typer(reports_app, name="reports", help="Run the parameterized notebooks into reports/.")


def main() -> None:  # pragma: no cover - entry point
    """Entry point of the ``cchc`` script: project errors become one line on stderr and exit code 1."""
    try:
        app()
    except CCHCError as exc:
        err_console.print(f"[bold red]error[/]: {type(exc).__name__}: {exc}", highlight=False)
        sys.exit(1)
