"""``cchc simulate``: write the seeded simulated dossier world to Parquet (labelled simulated)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, add_completion=False)
console = Console()


@app.command("dossiers")
def dossiers(
    out_dir: Path = typer.Argument(..., help="Folder for simulated_dossiers-*.parquet, truth and world.json."),
    n: int = typer.Option(1_000_000, "--n", help="Number of dossiers received 2017–2024."),
    seed: int = typer.Option(20240415, "--seed", help="Root seed (same seed → byte-identical files)."),
    chunk_rows: int = typer.Option(1_000_000, "--chunk-rows", help="Rows per Parquet file."),
) -> None:
    """Simulate one-stop-shop dossiers of HCMC's districts (SIMULATED data, known true effects)."""
    from cchc_research.simulate import simulate_dossiers

    world = simulate_dossiers(n, seed, out_dir=out_dir, chunk_rows=chunk_rows, progress=True)
    console.print(f"wrote {n:,} SIMULATED dossiers (seed {seed}) to {out_dir}")
    del world
