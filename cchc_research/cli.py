"""The ``cchc`` command line.

Commands: ``cchc build`` (raw → processed), ``cchc dossiers …`` (one-stop-shop exports →
panels), ``cchc simulate …`` (the seeded simulated world), ``cchc reports …`` (papermill runs).
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

from cchc_research.errors import CCHCError

app = typer.Typer(help="cchc-research: Vietnam public-administration-reform indicators and models.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=False)


@app.command()
def build(quiet: bool = typer.Option(False, "--quiet", "-q", help="Only print errors.")) -> None:
    """Rebuild data/processed from data/raw; print rows read / processed / rejected per source."""
    from cchc_research.build import build as run_build

    try:
        report = run_build(log=(lambda r: None) if quiet else (lambda r: console.print(
            f"  {r['source_id']:<14} read {r['rows_read']:>6}  processed {r['rows_processed']:>6}  "
            f"rejected {r['rows_rejected']:>5}  ({r['seconds']:.1f}s)")))
    except CCHCError as exc:
        console.print(f"[bold red]build failed[/]: {type(exc).__name__}: {exc}")
        raise typer.Exit(code=1) from exc
    if not quiet:
        table = Table(title="cchc build: source accounting")
        for col in ["source", "rows read", "processed", "rejected", "values"]:
            table.add_column(col, justify="right" if col != "source" else "left")
        for r in report.counts.itertuples(index=False):
            table.add_row(r.source_id, str(r.rows_read), str(r.rows_processed), str(r.rows_rejected), str(r.values))
        console.print(table)
        console.print(f"wrote {len(report.outputs)} files to data/processed in {report.seconds:.1f}s")


def _register_subcommands() -> None:
    from cchc_research.dossiers.cli import app as dossiers_app
    from cchc_research.reporting.cli import app as reports_app
    from cchc_research.simulate.cli import app as simulate_app

    app.add_typer(dossiers_app, name="dossiers", help="One-stop-shop dossier exports → unit × period panels.")
    app.add_typer(simulate_app, name="simulate", help="The seeded simulated world (labelled simulated).")
    app.add_typer(reports_app, name="reports", help="Run the parameterized notebooks into reports/.")


_register_subcommands()


def main() -> None:  # pragma: no cover - entry point
    """Entry point of the ``cchc`` script."""
    try:
        app()
    except CCHCError as exc:
        console.print(f"[bold red]error[/]: {type(exc).__name__}: {exc}")
        sys.exit(1)
