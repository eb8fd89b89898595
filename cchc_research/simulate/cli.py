"""Command line for the simulated world (a typer sub-app, registered by :mod:`cchc_research.cli`).

``cchc simulate dossiers OUT_DIR --rows 1000000 --seed 1`` writes the simulated dossier
chunks, truth tables and ``simulated_world.json``; ``cchc simulate panel OUT.csv`` writes
the simulated unit × period panel with the truth merged.

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

import typer

from cchc_research.config import DEFAULT_SEED

__all__ = ["app"]

app = typer.Typer(help="Simulated one-stop-shop dossiers with known true effects (SIMULATED).",
                  no_args_is_help=True)


@app.command("dossiers")
def dossiers_command(
    out_dir: Path = typer.Argument(..., help="Directory for the simulated_* files."),
    rows: int = typer.Option(1_000_000, help="Number of dossiers."),
    seed: int = typer.Option(DEFAULT_SEED, help="Root seed."),
    chunk_rows: int = typer.Option(1_000_000, help="Rows per Parquet file."),
    start: str = typer.Option("2017-01-01", help="First day simulated."),
    end: str = typer.Option("2024-12-31", help="Last day simulated."),
    progress: bool = typer.Option(True, help="Show a progress bar."),
) -> None:
    """Write simulated dossiers (Parquet chunks), truth tables and simulated_world.json."""
    from cchc_research.simulate.core import simulate_dossiers

    world = simulate_dossiers(rows, seed, out_dir=out_dir, chunk_rows=chunk_rows, start=start,
                              end=end, progress=progress)
    typer.echo(f"{len(world.files)} simulated dossier files, {rows} rows, in {out_dir}")


@app.command("panel")
def panel_command(
    out: Path = typer.Argument(..., help="Output .csv or .parquet file."),
    rows: int = typer.Option(500_000, help="Number of dossiers."),
    seed: int = typer.Option(DEFAULT_SEED, help="Root seed."),
    freq: str = typer.Option("month", help="month, quarter, half or year."),
) -> None:
    """Write the simulated unit × period panel with cohorts and true effects."""
    from cchc_research.simulate.panel import simulate_panel

    panel = simulate_panel(rows, seed, freq=freq)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".parquet":
        panel.to_parquet(out, index=False)
    else:
        panel.to_csv(out, index=False, lineterminator="\n")
    typer.echo(f"{len(panel)} rows ({panel['unit'].nunique()} units) written to {out}")
