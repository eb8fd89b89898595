"""Command line for the simulated world (a typer sub-app, registered by :mod:`cchc_research.cli`).

``cchc simulate dossiers OUT_DIR --rows 1000000 --seed 1`` writes the simulated dossier
chunks, truth tables and ``simulated_world.json``; ``cchc simulate panel OUT.csv`` writes
the simulated unit × period panel with the truth merged; ``cchc simulate export OUT_DIR``
writes the simulated world as district one-stop-shop exports (.xlsx and .csv with title
rows, Vietnamese headers and values, day-first dates) plus the rollout calendar.

Examples
--------
>>> from typer.testing import CliRunner
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     result = CliRunner().invoke(app, ["dossiers", tmp, "--rows", "2000", "--seed", "3"])
...     names = sorted(p.name for p in pathlib.Path(tmp).iterdir())
>>> result.exit_code, names[0]
(0, 'simulated_dossiers-00000.parquet')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from cchc_research.config import DEFAULT_SEED
from cchc_research.dossiers.cli import compute_and_write
from cchc_research.errors import CCHCError
from cchc_research.simulate.core import simulate_dossiers
from cchc_research.simulate.export import SPLITS, simulate_export
from cchc_research.simulate.panel import simulate_panel

__all__ = ["app"]

app = typer.Typer(help="Simulated one-stop-shop dossiers with known true effects (SIMULATED).",
                  no_args_is_help=True)


@app.command("dossiers")
def dossiers_command(
    out_dir: Path = typer.Argument(..., help="Directory for the simulated_* files."),
    rows: int = typer.Option(1_000_000, min=1, help="Number of dossiers."),
    seed: int = typer.Option(DEFAULT_SEED, min=0, help="Root seed (>= 0)."),
    chunk_rows: int = typer.Option(1_000_000, min=1, help="Rows per Parquet file."),
    start: str = typer.Option("2017-01-01", help="First day simulated (ISO or day first, 01/01/2017)."),
    end: str = typer.Option("2024-12-31", help="Last day simulated (ISO or day first)."),
    progress: bool = typer.Option(True, help="Show a progress bar."),
    workers: int = typer.Option(1, min=1, help="Processes generating the files in parallel "
                                "(same files whatever the number)."),
) -> None:
    """Write simulated dossiers (Parquet chunks), truth tables and simulated_world.json."""
    try:
        world = simulate_dossiers(rows, seed, out_dir=out_dir, chunk_rows=chunk_rows,
                                  start=start, end=end, progress=progress, workers=workers)
    except CCHCError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"{len(world.files)} simulated dossier files, {rows} rows, in {out_dir}")


@app.command("panel")
def panel_command(
    out: Path = typer.Argument(..., help="Output .csv or .parquet file."),
    rows: int = typer.Option(500_000, min=1, help="Number of dossiers."),
    seed: int = typer.Option(DEFAULT_SEED, min=0, help="Root seed (>= 0)."),
    freq: Literal["month", "quarter", "half", "year"] = typer.Option("month", help="month, quarter, half or year."),
) -> None:
    """Write the simulated unit × period panel with cohorts and true effects."""
    panel = compute_and_write(lambda: simulate_panel(rows, seed, freq=freq), out, lineterminator="\n")
    typer.echo(f"{len(panel)} rows ({panel['unit'].nunique()} units) written to {out}")


@app.command("export")
def export_command(
    out_dir: Path = typer.Argument(..., help="Directory for the simulated_export_* files."),
    rows: int = typer.Option(20_000, min=1, help="Number of dossiers."),
    seed: int = typer.Option(DEFAULT_SEED, min=0, help="Root seed (>= 0)."),
    split: str = typer.Option("district", help=f"One file per: {' | '.join(SPLITS)}."),
    start: str = typer.Option("2017-01-01", help="First day simulated (ISO or day first, 01/01/2017)."),
    end: str = typer.Option("2024-12-31", help="Last day simulated (ISO or day first)."),
) -> None:
    """Write the simulated world as one-stop-shop exports (.xlsx/.csv) + rollout calendar (SIMULATED)."""
    if split not in SPLITS:
        raise typer.BadParameter(f"choose from {', '.join(SPLITS)}", param_hint="--split")
    try:
        files = simulate_export(out_dir, rows, seed, split=split, start=start, end=end)
    except CCHCError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"{len(files) - 1} simulated export files and {files[-1].name} in {out_dir}")
