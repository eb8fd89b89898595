"""Command line for dossier exports (registered by the main CLI as ``cchc dossiers``).

Commands
--------
``aggregate IN OUT``
    Unit × period panel from clean dossiers (Parquet/CSV file, glob or folder of Parquet
    chunks) to OUT (.parquet or .csv).
``validate IN``
    Read and validate an export; print read / valid / rejected; optionally write the clean
    records (``--clean``) and the rejects (``--rejects``). ``--engine duckdb`` (default
    except for Excel) streams to Parquet out of core, ``--engine pandas`` reads in memory;
    both run the same front end and rules, so they give the same result.
    ``--header-row N`` names the header row when the automatic search (below title rows)
    is not wanted.

Choices (``--freq``, ``--engine``) are checked by the parser; ``--as-of`` is read by the
export date parser (day first ``30/06/2024`` or ISO ``2024-06-30``), and an invalid date
is a one-line error, not a traceback.

Examples
--------
>>> from typer.testing import CliRunner
>>> from cchc_research.dossiers.cli import app
>>> result = CliRunner().invoke(app, ["aggregate", "--help"])
>>> result.exit_code
0
"""

from __future__ import annotations

import tempfile
from enum import Enum
from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from cchc_research.dossiers.aggregate import BY_COLUMNS, aggregate
from cchc_research.dossiers.dates import ARGUMENT_WINDOW, parse_date
from cchc_research.dossiers.io import read_export
from cchc_research.dossiers.validate_sql import validate_to_parquet
from cchc_research.errors import CCHCError

__all__ = ["app"]

app = typer.Typer(
    help="One-stop-shop dossier exports: validate them and aggregate them into panels.",
    no_args_is_help=True,
    add_completion=False,
)


class Freq(str, Enum):
    """Period lengths of ``aggregate``."""

    month = "month"
    quarter = "quarter"
    half = "half"
    year = "year"


class Engine(str, Enum):
    """Engines."""

    duckdb = "duckdb"
    pandas = "pandas"


def _as_of(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        return parse_date(value, what="--as-of", window=ARGUMENT_WINDOW).date().isoformat()
    except CCHCError as exc:
        raise typer.BadParameter(str(exc), param_hint="--as-of") from exc


def _split_by(values: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


def check_output(out: Path) -> None:
    """Refuse an output path before any work: wrong suffix, or a folder that cannot be made.

    Raises ``typer.BadParameter`` (usage error) or prints ``error: cannot write …`` on stderr and
    exits 1 — never an ``OSError`` traceback.
    """
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise typer.BadParameter(f"output must end in .csv or .parquet, not {suffix!r}", param_hint="OUT")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        typer.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
        raise typer.Exit(code=1) from exc


def compute_and_write(compute, out: Path, **csv_options) -> pd.DataFrame:
    """Check ``out``, run ``compute()`` (our errors become one ``error:`` line, exit 1), write the frame."""
    check_output(out)
    try:
        frame = compute()
    except CCHCError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    write_table(frame, out, **csv_options)
    return frame


def write_table(frame: pd.DataFrame, out: Path, **csv_options) -> None:
    """Write ``frame`` to ``out`` (.parquet, or .csv with ``csv_options``), refusing as :func:`check_output`."""
    check_output(out)
    try:
        if out.suffix.lower() == ".parquet":
            frame.to_parquet(out, index=False)
        else:
            frame.to_csv(out, index=False, **csv_options)
    except OSError as exc:
        typer.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
        raise typer.Exit(code=1) from exc


@app.command("aggregate")
def aggregate_command(
    source: str = typer.Argument(..., help="Parquet/CSV file, glob ('chunks/*.parquet') or folder."),
    out: Path = typer.Argument(..., help="Output table (.parquet or .csv)."),
    freq: Freq = typer.Option(Freq.month, help="Period length."),
    by: list[str] = typer.Option(["unit"], help=f"Grouping columns, repeatable or comma-separated: {', '.join(BY_COLUMNS)}"),
    as_of: Optional[str] = typer.Option(
        None, "--as-of", help="Snapshot date, day first (30/06/2024) or ISO (2024-06-30)."
    ),
    engine: Engine = typer.Option(Engine.duckdb, help="Aggregation engine."),
    threads: Optional[int] = typer.Option(None, help="DuckDB threads."),
    memory_limit: Optional[str] = typer.Option(None, help="DuckDB memory limit, e.g. 2GB."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Aggregate clean dossiers into one row per group × period."""
    as_of = _as_of(as_of)
    freq = freq.value
    table = compute_and_write(
        lambda: aggregate(source, freq=freq, by=_split_by(by), as_of=as_of, engine=engine.value,
                          threads=threads, memory_limit=memory_limit, progress=progress),
        out, date_format="%Y-%m-%d")
    typer.echo(f"{len(table)} rows ({freq}, by {', '.join(_split_by(by)) or '-'}) -> {out}")


@app.command("validate")
def validate_command(
    source: str = typer.Argument(..., help="Export file (.csv, .xlsx, .parquet) or Parquet glob."),
    rejects: Optional[Path] = typer.Option(None, "--rejects", help="Write rejects (.parquet or .csv)."),
    clean: Optional[Path] = typer.Option(None, "--clean", help="Write clean dossiers (.parquet or .csv)."),
    engine: Optional[Engine] = typer.Option(
        None, help="Engine (default: duckdb, out of core; pandas for Excel). Same rules, same result."
    ),
    header_row: Optional[int] = typer.Option(
        None, "--header-row", min=1, help="1-based row of the header (default: found below title rows)."
    ),
    units: Optional[str] = typer.Option(None, help="Allowed unit codes, comma-separated (default: geography layer)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Validate an export and print read / valid / rejected."""
    allowed = None if units is None else [u.strip() for u in units.split(",") if u.strip()]
    is_excel = Path(source).suffix.lower() in (".xlsx", ".xlsm", ".xls")
    chosen = engine.value if engine is not None else ("pandas" if is_excel else "duckdb")
    try:
        if chosen == "pandas":
            result = read_export(source, units=allowed, header_row=header_row)
            counts, clean_frame, reject_frame = result.counts, result.dossiers, result.rejects
        else:
            with tempfile.TemporaryDirectory() as tmp:
                clean_tmp = Path(tmp) / "clean.parquet"
                rejects_tmp = Path(tmp) / "rejects.parquet"
                counts = validate_to_parquet(
                    source, clean_tmp, rejects_tmp, units=allowed, progress=progress,
                    header_row=header_row,
                )
                reject_frame = pd.read_parquet(rejects_tmp)
                if clean is not None and clean.suffix.lower() == ".parquet":
                    clean.parent.mkdir(parents=True, exist_ok=True)
                    clean.write_bytes(clean_tmp.read_bytes())
                    clean_frame = None
                else:
                    clean_frame = pd.read_parquet(clean_tmp) if clean is not None else None
    except CCHCError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    if rejects is not None:
        write_table(reject_frame, rejects, date_format="%Y-%m-%d")
    if clean is not None and clean_frame is not None:
        write_table(clean_frame, clean, date_format="%Y-%m-%d")
    typer.echo(f"read: {counts.read}")
    typer.echo(f"valid: {counts.valid}")
    typer.echo(f"rejected: {counts.rejected}")
    if len(reject_frame):
        summary = reject_frame.groupby("reason").size().sort_values(ascending=False, kind="stable")
        for reason, n in summary.items():
            typer.echo(f"  {reason}: {n}")
