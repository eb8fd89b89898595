"""``simulate_dossiers``: write (or return) a seeded simulated world of dossiers.

Outputs (every file name contains "simulated"; every table has ``simulated = True``):

* ``simulated_dossiers-00000.parquet`` …: the dossiers, canonical columns
  (:data:`cchc_research.dossiers.schema.DOSSIER_COLUMNS`) plus ``simulated``, cut into
  files of exactly ``chunk_rows`` rows (the last one shorter);
* ``simulated_truth.parquet`` / ``simulated_truth.csv``: true effects by harmonized unit ×
  month (:mod:`cchc_research.simulate.truth`);
* ``simulated_truth_event_time.csv``: true effects by event time (equal unit weights);
* ``simulated_world.json``: parameters, seed, realized structure, calibration, aggregate
  truths.

Same arguments → byte-identical files (no clock, path or host in any output).

Examples
--------
>>> from cchc_research.simulate import simulate_dossiers
>>> world = simulate_dossiers(3_000, seed=7)
>>> len(world.dossiers), bool(world.dossiers["simulated"].all())
(3000, True)
>>> sorted(world.dossiers["status"].unique())
['completed', 'pending', 'returned', 'withdrawn']
"""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cchc_research import __version__
from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import CCHCError, InvalidArgumentError, WorkerProcessError
from cchc_research.simulate.generate import ARROW_SCHEMA, TruthAccumulator, iter_months
from cchc_research.simulate.structure import WorldStructure, simulated_day
from cchc_research.simulate.truth import (
    TRUTH_METHOD,
    overall_att,
    truth_by_event_time,
    truth_from_sums,
    truth_table,
)
from cchc_research.simulate.truth_delegation import (
    delegation_truth_from_sums,
    delegation_truth_table,
)
from cchc_research.simulate.world import WorldParams, units_for_year

__all__ = ["SimulatedWorld", "simulate_dossiers", "iter_dossier_chunks", "FILE_PREFIX",
           "to_canonical_frame"]

#: Prefix of every dossier file written by :func:`simulate_dossiers`.
FILE_PREFIX = "simulated_dossiers-"


def to_canonical_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow table of simulated dossiers → pandas frame with the canonical dtypes.

    Examples
    --------
    >>> from cchc_research.simulate.generate import ARROW_SCHEMA
    >>> to_canonical_frame(ARROW_SCHEMA.empty_table()).dtypes["satisfaction_rating"]
    Int64Dtype()
    """
    from cchc_research.dossiers.schema import DOSSIER_COLUMNS

    frame = table.to_pandas()
    dtypes = dict(DOSSIER_COLUMNS)
    dtypes["simulated"] = "bool"
    return frame.astype(dtypes)


def iter_dossier_chunks(structure: WorldStructure, chunk_rows: int,
                        truth: TruthAccumulator | None = None,
                        *, end: str | None = None) -> Iterator[pa.Table]:
    """Yield the world's dossiers as Arrow tables of exactly ``chunk_rows`` rows.

    Months are generated one at a time and buffered only until a chunk is full, so memory
    stays bounded by about ``chunk_rows`` plus one month of rows.

    Parameters
    ----------
    structure : WorldStructure
    chunk_rows : int
        Rows per chunk (the last chunk holds the remainder).
    truth : TruthAccumulator, optional
        Receives the true effects while generating.
    end : str, optional
        Last day of the world.

    Yields
    ------
    pyarrow.Table

    Raises
    ------
    CCHCError
        ``chunk_rows`` < 1.

    Examples
    --------
    >>> s = WorldStructure.build(2_500, seed=1)
    >>> [t.num_rows for t in iter_dossier_chunks(s, 1_000)]
    [1000, 1000, 500]
    """
    if int(chunk_rows) < 1:
        raise InvalidArgumentError(f"chunk_rows must be >= 1, got {chunk_rows}")
    buffer: list[pa.Table] = []
    buffered = 0
    for month in iter_months(structure, truth, end=end):
        buffer.append(month)
        buffered += month.num_rows
        while buffered >= chunk_rows:
            merged = pa.concat_tables(buffer)
            yield merged.slice(0, chunk_rows).combine_chunks()
            rest = merged.slice(chunk_rows)
            buffer, buffered = [rest], rest.num_rows
    if buffered:
        yield pa.concat_tables(buffer).combine_chunks()


@dataclass
class SimulatedWorld:
    """A generated world: where its files are, its structure and its true effects.

    Attributes
    ----------
    seed, n_dossiers : int
    start, end : str
    params : WorldParams
    structure : WorldStructure
    truth : DataFrame
        Monthly truth by harmonized unit (22 units, 2021 geography) × month of completion.
    dossiers : DataFrame or None
        The dossiers when generated in memory (``out_dir=None``).
    files : tuple of Path
        Dossier files written (empty in memory).
    out_dir : Path or None
    """

    seed: int
    n_dossiers: int
    start: str
    end: str
    params: WorldParams
    structure: WorldStructure
    truth: pd.DataFrame
    dossiers: pd.DataFrame | None = None
    files: tuple[Path, ...] = ()
    out_dir: Path | None = None
    extra_files: dict[str, Path] = field(default_factory=dict)
    delegation_truth: pd.DataFrame | None = None

    def delegation_truth_table(self, freq: str = "month") -> pd.DataFrame:
        """Truth of delegation by unit × field × procedure group × period at ``freq``.

        See :mod:`cchc_research.simulate.truth_delegation`.
        """
        if self.delegation_truth is None:
            raise InvalidArgumentError("this world was built without the delegation truth")
        return delegation_truth_table(self.delegation_truth, freq)

    def read(self) -> pd.DataFrame:
        """All dossiers as one canonical frame (reads the files when written to disk)."""
        if self.dossiers is not None:
            return self.dossiers
        return to_canonical_frame(pa.concat_tables(pq.read_table(f) for f in self.files))

    def source(self) -> pd.DataFrame | list[str]:
        """What to pass to :func:`cchc_research.dossiers.aggregate`: frame or file list."""
        return self.dossiers if self.dossiers is not None else [str(f) for f in self.files]

    def cohorts(self, vintage: int = 2021) -> pd.DataFrame:
        """Rollout cohort (month) of each unit in the 2020 (24) or 2021 (22) geography."""
        from cchc_research.simulate.world import DISTRICTS, MERGED_INTO

        rows = {(MERGED_INTO.get(d.code, d.code) if vintage >= 2021 else d.code): d.rollout
                for d in DISTRICTS}
        return pd.DataFrame({"unit": list(rows), "cohort": list(rows.values())}).sort_values(
            "unit", ignore_index=True).astype({"unit": "string", "cohort": "string"})

    def truth_table(self, freq: str = "month") -> pd.DataFrame:
        """Truth by unit × period at ``freq`` ("month" or "quarter")."""
        return truth_table(self.truth, freq)

    def truth_by_event_time(self, freq: str = "month", through: str | None = None
                            ) -> pd.DataFrame:
        """True effects by event time (see :func:`~cchc_research.simulate.truth.truth_by_event_time`)."""
        return truth_by_event_time(self.truth_table(freq), through=through)

    def overall_att(self, freq: str = "month", through: str | None = None) -> dict[str, float]:
        """Overall true ATT (see :func:`~cchc_research.simulate.truth.overall_att`)."""
        return overall_att(self.truth_table(freq), through=through)


def _write_table(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd", use_dictionary=True)


# --------------------------------------------------------------------------- parallel
@dataclass(frozen=True)
class _Task:
    """A run of consecutive output files made by one worker process.

    ``row_lo``/``row_hi``: the world's rows (in file order) the files hold; ``months``: the
    months of receipt to generate (those overlapping the rows, plus owned empty months);
    ``owned``: the months whose true effects this task reports (each month is owned by
    exactly one task, the one holding its first row).
    """

    first_file: int
    row_lo: int
    row_hi: int
    months: range
    owned: frozenset[int]


def _plan_tasks(structure: WorldStructure, chunk_rows: int, n_tasks: int) -> list[_Task]:
    """Cut the world's files into ``n_tasks`` runs of consecutive files (near-equal rows).

    The files themselves do not depend on the cut: file ``i`` always holds rows
    ``[i * chunk_rows, (i + 1) * chunk_rows)`` of the months in time order. A month straddling
    two tasks is generated by both (each keeps its own rows), so the cost of a cut is at most
    one month per task boundary.
    """
    rows = structure.counts.sum(axis=1).astype(np.int64)
    ends = np.cumsum(rows)
    starts = ends - rows
    total = int(ends[-1]) if len(ends) else 0
    n_months = len(rows)
    n_files = -(-total // chunk_rows)
    if n_files == 0:
        return [_Task(0, 0, 0, range(n_months), frozenset(range(n_months)))]
    n_tasks = max(1, min(n_tasks, n_files))
    cuts = [i * n_files // n_tasks for i in range(n_tasks + 1)]
    tasks = []
    for t in range(n_tasks):
        lo, hi = cuts[t] * chunk_rows, min(cuts[t + 1] * chunk_rows, total)
        last = t == n_tasks - 1
        owned = {k for k in range(n_months)
                 if lo <= starts[k] < hi or (last and starts[k] >= hi)}
        overlap = {k for k in range(n_months) if starts[k] < hi and ends[k] > lo}
        ks = owned | overlap
        tasks.append(_Task(cuts[t], lo, hi, range(min(ks), max(ks) + 1), frozenset(owned)))
    return tasks


_TruthPart = tuple[str, str, int, int, np.ndarray]


def _truth_parts(acc: TruthAccumulator) -> list[_TruthPart]:
    """The non-zero month-of-completion span of each sum (what a worker sends back)."""
    parts = []
    for kind, sums in (("sums", acc.sums), ("delegation", acc.delegation)):
        for name, arr in sums.items():
            cols = np.flatnonzero(np.any(arr != 0, axis=tuple(range(arr.ndim - 1))))
            if len(cols):
                lo, hi = int(cols[0]), int(cols[-1]) + 1
                parts.append((kind, name, lo, hi, arr[..., lo:hi].copy()))
    return parts


def _run_task(structure: WorldStructure, end: str | None, chunk_rows: int, task: _Task,
              out_dir: str | None) -> tuple[int, list, dict[int, list[_TruthPart]]]:
    """Worker: generate the task's months, write (or return) its files, report its truth.

    Top-level so that it can run in a spawned process. Memory: about ``chunk_rows`` plus one
    month of rows, as in :func:`iter_dossier_chunks`.
    """
    rows = structure.counts.sum(axis=1).astype(np.int64)
    starts = np.cumsum(rows) - rows
    truths: dict[int, list[_TruthPart]] = {}
    outputs: list = []
    buffer: list[pa.Table] = []
    buffered = 0
    file_no = task.first_file

    def emit(table: pa.Table) -> None:
        nonlocal file_no
        if out_dir is None:
            outputs.append(table)
        else:
            path = Path(out_dir) / f"{FILE_PREFIX}{file_no:05d}.parquet"
            _write_table(table, path)
            outputs.append(path)
        file_no += 1

    for k in task.months:
        acc = TruthAccumulator(structure) if k in task.owned else None
        month = next(iter_months(structure, acc, end=end, months=range(k, k + 1)))
        if acc is not None:
            truths[k] = _truth_parts(acc)
        a = max(task.row_lo - int(starts[k]), 0)
        b = min(task.row_hi - int(starts[k]), month.num_rows)
        if b <= a:
            continue
        buffer.append(month.slice(a, b - a))
        buffered += b - a
        while buffered >= chunk_rows:
            merged = pa.concat_tables(buffer)
            emit(merged.slice(0, chunk_rows).combine_chunks())
            rest = merged.slice(chunk_rows)
            buffer, buffered = [rest], rest.num_rows
    if buffered:
        emit(pa.concat_tables(buffer).combine_chunks())
    return task.first_file, outputs, truths


def _generate_parallel(structure: WorldStructure, end: str, chunk_rows: int, workers: int,
                       out: Path | None, acc: TruthAccumulator,
                       progress: bool) -> tuple[list[Path], list[pa.Table]]:
    """Generate the world's files with ``workers`` processes; sum the truth into ``acc``.

    The files are those :func:`iter_dossier_chunks` would make (same rows, same cuts), and
    the true effects are added month by month in time order, as in the sequential run, so
    the floating-point sums are identical whatever ``workers`` is.
    """
    tasks = _plan_tasks(structure, chunk_rows, 2 * workers)
    results = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(tasks), unit="task", desc=f"simulated dossiers ({workers} workers)")
    # spawn, not fork: the parent may hold threads (Arrow, DuckDB) that fork would copy
    ctx = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=ctx) as pool:
            futures = [pool.submit(_run_task, structure, end, chunk_rows, t,
                                   None if out is None else str(out)) for t in tasks]
            for future in as_completed(futures):
                results.append(future.result())
                if bar is not None:
                    bar.update(1)
    except BrokenProcessPool as exc:
        raise WorkerProcessError(
            f"a simulation worker process died ({exc}); it may have run out of memory "
            "(try fewer workers or a smaller chunk_rows), or the calling script lacks an "
            "`if __name__ == \"__main__\":` guard, which spawned workers need "
            "(or use workers=1)") from exc
    finally:
        if bar is not None:
            bar.close()
    results.sort(key=lambda r: r[0])
    truths: dict[int, list[_TruthPart]] = {}
    for _, _, part in results:
        truths.update(part)
    for k in sorted(truths):  # time order, as iter_months adds them
        for kind, name, lo, hi, values in truths[k]:
            getattr(acc, kind)[name][..., lo:hi] += values
    outputs = [o for _, outs, _ in results for o in outs]
    if out is None:
        return [], outputs
    return outputs, []


def simulate_dossiers(
    n_dossiers: int,
    seed: int = DEFAULT_SEED,
    *,
    out_dir: str | Path | None = None,
    start: str = "2017-01-01",
    end: str = "2024-12-31",
    chunk_rows: int = 1_000_000,
    params: WorldParams | None = None,
    progress: bool = False,
    workers: int = 1,
) -> SimulatedWorld:
    """Simulate dossiers of Ho Chi Minh City's districts with known true effects.

    Parameters
    ----------
    n_dossiers : int
        Dossiers received between ``start`` and ``end``.
    seed : int
        Root seed (``numpy.random.SeedSequence``); same seed and arguments → identical data.
    out_dir : path, optional
        Write Parquet chunks, truth tables and ``simulated_world.json`` here (existing
        ``simulated_*`` files in it are replaced). ``None`` keeps everything in memory
        (meant for small worlds: tests, notebooks).
    start, end : str
        Simulated period (whole months; must cover 2019-01 .. 2024-03 for calibration).
    chunk_rows : int
        Rows per Parquet file (and per in-memory generation step).
    params : WorldParams, optional
        World parameters (effects, rates); defaults documented in ``world.py``.
    progress : bool
        Show a tqdm progress bar over chunks.
    workers : int
        Processes generating the files (default 1: in this process). With ``workers > 1``
        the files are cut into ``2 * workers`` runs of consecutive files, each made by a
        spawned process that generates the months it needs (every month has its own seed)
        and writes its files directly; the true effects come back per month and are summed
        in time order. Same seed → byte-identical files and truth whatever ``workers`` is.
        Memory per process: about ``chunk_rows`` plus one month of rows.

    Returns
    -------
    SimulatedWorld

    Raises
    ------
    CCHCError
        Non-positive sizes or ``workers``, or a period not covering the calibration windows.

    Examples
    --------
    >>> w = simulate_dossiers(2_000, seed=1)
    >>> sorted(w.dossiers.loc[w.dossiers["received_at"] >= "2021-01-01", "unit"].unique())[:3]
    ['760', '761', '764']
    >>> w.truth.columns[:5].tolist()
    ['unit', 'cohort', 'period', 'event_time', 'treated']
    """
    params = params or WorldParams()
    if int(chunk_rows) < 1:
        raise InvalidArgumentError(f"chunk_rows must be >= 1, got {chunk_rows}")
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise InvalidArgumentError(f"workers must be an integer >= 1, got {workers!r}")
    start, end = simulated_day(start, "start"), simulated_day(end, "end")  # ISO from here on
    structure = WorldStructure.build(n_dossiers, seed, start=start, end=end, params=params)
    for year in sorted({int(m // 12 + 2000) for m in structure.months}):
        units_for_year(year)  # the world must agree with the geography layer
    acc = TruthAccumulator(structure)
    out = None if out_dir is None else Path(out_dir)
    files: list[Path] = []
    tables: list[pa.Table] = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for old in sorted(out.glob("simulated_*")):
            if old.is_file():
                old.unlink()
    if workers > 1:
        files, tables = _generate_parallel(structure, end, int(chunk_rows), int(workers), out,
                                           acc, progress)
    else:
        chunks = iter_dossier_chunks(structure, chunk_rows, acc, end=end)
        if progress:
            from tqdm import tqdm

            chunks = tqdm(chunks, total=-(-int(n_dossiers) // int(chunk_rows)), unit="chunk",
                          desc="simulated dossiers")
        for i, chunk in enumerate(chunks):
            if out is None:
                tables.append(chunk)
            else:
                path = out / f"{FILE_PREFIX}{i:05d}.parquet"
                _write_table(chunk, path)
                files.append(path)
    truth = truth_from_sums(structure, acc)
    deleg_truth = delegation_truth_from_sums(structure, acc)
    world = SimulatedWorld(
        seed=int(seed), n_dossiers=int(n_dossiers), start=start, end=end, params=params,
        structure=structure, truth=truth,
        dossiers=(to_canonical_frame(pa.concat_tables(tables) if tables
                                     else ARROW_SCHEMA.empty_table())
                  if out is None else None),
        files=tuple(files), out_dir=out, delegation_truth=deleg_truth,
    )
    if out is not None:
        world.extra_files = _write_side_files(world, out, chunk_rows)
    return world


def _write_side_files(world: SimulatedWorld, out: Path, chunk_rows: int) -> dict[str, Path]:
    paths = {
        "truth_parquet": out / "simulated_truth.parquet",
        "truth_csv": out / "simulated_truth.csv",
        "truth_event_time": out / "simulated_truth_event_time.csv",
        "world": out / "simulated_world.json",
    }
    _write_table(pa.Table.from_pandas(world.truth, preserve_index=False), paths["truth_parquet"])
    world.truth.to_csv(paths["truth_csv"], index=False, lineterminator="\n")
    world.truth_by_event_time().to_csv(paths["truth_event_time"], index=False,
                                       lineterminator="\n")
    meta: dict[str, Any] = {
        "simulated": True,
        "description": ("SIMULATED dossiers of Ho Chi Minh City's districts (not real data): "
                        "seeded world for testing the dossier pipeline and staggered "
                        "difference-in-differences estimators against known true effects."),
        "package_version": __version__,
        "seed": world.seed,
        "n_dossiers": world.n_dossiers,
        "start": world.start,
        "end": world.end,
        "chunk_rows": int(chunk_rows),
        "files": [f.name for f in world.files],
        "params": world.params.to_dict(),
        "structure": world.structure.describe(),
        "truth_method": TRUTH_METHOD,
        "aggregate_truth": {
            "overall_att_month": world.overall_att("month"),
            "overall_att_month_through_2019_12": world.overall_att("month", "2019-12"),
            "overall_att_quarter": world.overall_att("quarter"),
        },
    }
    paths["world"].write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")
    return paths

