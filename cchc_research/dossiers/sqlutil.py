"""DuckDB helpers shared by the aggregation engine and the export validation.

Examples
--------
>>> quote_literal("it's"), quote_ident('a"b')
("'it''s'", '"a""b"')
"""

from __future__ import annotations

import threading

import duckdb
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["quote_literal", "quote_ident", "connect", "run_query"]


def quote_literal(text: object) -> str:
    """A SQL string literal for ``text`` (single quotes doubled)."""
    return "'" + str(text).replace("'", "''") + "'"


def quote_ident(name: object) -> str:
    """A SQL identifier for ``name`` (double quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def connect(
    threads: int | None = None, memory_limit: str | None = None, temp_directory: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the given resource settings."""
    con = duckdb.connect(":memory:")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {quote_literal(memory_limit)}")
    if temp_directory is not None:
        con.execute(f"SET temp_directory = {quote_literal(temp_directory)}")
    con.execute("SET preserve_insertion_order = false")
    return con


def run_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    progress: bool = False,
    description: str = "DuckDB",
    fetch: bool = True,
) -> pd.DataFrame | None:
    """Run ``sql`` on ``con``; with ``progress``, show a rich progress bar on stderr.

    The query runs in a worker thread while the main thread polls
    ``con.query_progress()`` (DuckDB's own estimate of the fraction done).
    """
    if not progress:
        result = con.execute(sql)
        return result.df() if fetch else None
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    box: dict[str, object] = {}

    def work() -> None:
        try:
            result = con.execute(sql)
            box["out"] = result.df() if fetch else None
        except BaseException as exc:  # re-raised in the calling thread
            box["err"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(description, total=100)
        while thread.is_alive():
            thread.join(0.2)
            done = con.query_progress()
            if done >= 0:
                bar.update(task, completed=min(done, 100.0))
        bar.update(task, completed=100)
    if "err" in box:
        raise box["err"]  # type: ignore[misc]
    return box.get("out")  # type: ignore[return-value]
