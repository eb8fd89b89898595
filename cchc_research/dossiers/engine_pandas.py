"""The in-memory (pandas) engine of :func:`cchc_research.dossiers.aggregate.aggregate`.

It implements exactly the counting rules of the DuckDB engine
(:mod:`cchc_research.dossiers.engine_duckdb`) with vectorized pandas operations; the two
are tested against each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pandas as pd
from tqdm import tqdm

from cchc_research.dossiers.inputs import (
    NA_KEY,
    expand_paths,
    require_aggregate_columns,
    require_validated_frame,
    source_label,
)
from cchc_research.periods import period_index
from cchc_research.dossiers.workdays import WorkCalendar

__all__ = ["aggregate_counts_pandas", "load_frame"]

def load_frame(source: object, progress: bool = False) -> pd.DataFrame:
    """A validated DataFrame from a DataFrame, a Parquet/CSV path, a glob or a list of paths.

    Raises
    ------
    UnvalidatedInputError
        The input is a raw export or its date columns are not ISO timestamps.
    """
    if isinstance(source, pd.DataFrame):
        return require_validated_frame(source)
    files = expand_paths(source)  # type: ignore[arg-type]
    parts = []
    for f in tqdm(files, desc="reading", unit="file", disable=not progress):
        if Path(f).suffix.lower() in (".parquet", ".pq"):
            parts.append(require_validated_frame(pd.read_parquet(f), file=f))
        else:
            parts.append(require_validated_frame(pd.read_csv(f, dtype="string"), file=f))
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return frame


def _require(frame: pd.DataFrame, by: Sequence[str], file: str | None = None) -> None:
    require_aggregate_columns(list(frame.columns), by, file=file)


def _day(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).astype("datetime64[ns]").dt.normalize()


def aggregate_counts_pandas(
    source: object,
    freq: str,
    by: Sequence[str],
    as_of: pd.Timestamp | None,
    cal: WorkCalendar,
    progress: bool = False,
) -> pd.DataFrame:
    """Counts per group × period index (see :func:`~cchc_research.dossiers.aggregate.finalize`)."""
    frame = load_frame(source, progress=progress)
    _require(frame, by, source_label(source))
    by = list(by)
    d = pd.DataFrame(index=frame.index)
    for col in by:
        d[col] = frame[col].astype("string").fillna(NA_KEY).astype(str)
    d["rd"] = _day(frame["received_at"])
    if "due_at" in frame.columns:
        d["dd"] = _day(frame["due_at"])
    else:
        n = pd.to_numeric(frame["statutory_days"]).astype("float64").to_numpy()
        base = cal.work_index(d["rd"])
        derived = cal.working_date(base + n).to_numpy()
        d["dd"] = pd.Series(derived, index=d.index).where(n != 0, d["rd"])
    d["cd"] = _day(frame["completed_at"])
    d["status"] = frame["status"].astype(str)
    d["channel"] = frame["channel"].astype(str)
    level = frame["online_level"] if "online_level" in frame.columns else pd.Series(pd.NA, index=frame.index)
    d["level"] = level.astype("string")
    rating = (
        frame["satisfaction_rating"] if "satisfaction_rating" in frame.columns
        else pd.Series(pd.NA, index=frame.index)
    )
    d["rating"] = pd.to_numeric(rating).astype("Float64")
    if as_of is not None:
        d = d[d["rd"] <= as_of].copy()
        d.loc[d["cd"] > as_of, "cd"] = pd.NaT
    d["rp"] = period_index(d["rd"], freq)
    d["cp"] = period_index(d["cd"], freq)
    d["op"] = period_index(d["dd"] + pd.Timedelta(days=1), freq)
    keys = by
    if as_of is not None:
        horizon = int(period_index(pd.Series([as_of]), freq).iloc[0])
    else:
        horizon = int(pd.concat([d["rp"], d["cp"]]).max()) if len(d) else 0

    active = d["status"] != "withdrawn"
    online = active & (d["channel"] == "online")
    recv = (
        d.assign(
            received=1,
            withdrawn=(~active).astype("int64"),
            received_online=online.astype("int64"),
            received_online_full=(online & (d["level"] == "full").fillna(False)).astype("int64"),
            received_online_partial=(online & (d["level"] == "partial").fillna(False)).astype("int64"),
        )
        .groupby(keys + ["rp"], sort=False)[
            ["received", "withdrawn", "received_online", "received_online_full", "received_online_partial"]
        ]
        .sum()
        .rename_axis(keys + ["period_idx"])
    )

    closed = d[d["cd"].notna()].copy()
    completed = closed["status"] == "completed"
    rated = closed["status"].isin(["completed", "returned"]) & closed["rating"].notna()
    closed["resolved"] = completed.astype("int64")
    closed["resolved_on_time"] = (completed & (closed["cd"] <= closed["dd"]).fillna(False)).astype("int64")
    closed["rated"] = rated.astype("int64")
    closed["satisfied"] = (rated & (closed["rating"] >= 4).fillna(False)).astype("int64")
    wd = pd.Series(
        cal.work_index(closed["cd"]) - cal.work_index(closed["rd"]), index=closed.index
    )
    closed["wd"] = wd.where(completed)
    grouped = closed.groupby(keys + ["cp"], sort=False)
    res = grouped[["resolved", "resolved_on_time", "rated", "satisfied"]].sum()
    res["median_working_days"] = grouped["wd"].median()
    res = res.rename_axis(keys + ["period_idx"])

    eligible = d["status"].isin(["completed", "pending"]) & d["op"].notna()
    starts_mask = eligible & (d["op"] <= horizon) & (d["cp"].isna() | (d["op"] < d["cp"])).fillna(True)
    if as_of is not None:
        starts_mask &= (d["dd"] < as_of).fillna(False)
    ends_mask = eligible & d["cp"].notna() & (d["op"] < d["cp"]).fillna(False)
    starts = d[starts_mask].groupby(keys + ["op"], sort=False).size().rename("od_start")
    ends = d[ends_mask].groupby(keys + ["cp"], sort=False).size().rename("od_end")
    starts = starts.rename_axis(keys + ["period_idx"])
    ends = ends.rename_axis(keys + ["period_idx"])

    if keys:
        firsts = list(d.groupby(keys, sort=False)["rp"].min().items())
    else:
        firsts = [((), d["rp"].min())] if len(d) else []
    grid_rows = []
    for key, p0 in firsts:
        key = key if isinstance(key, tuple) else (key,)
        for p in range(int(p0), horizon + 1):
            grid_rows.append((*key, p))
    grid = pd.DataFrame(grid_rows, columns=keys + ["period_idx"])
    grid["period_idx"] = grid["period_idx"].astype("int64")
    out = grid
    for part in (recv, res, starts.to_frame(), ends.to_frame()):
        part = part.reset_index()
        part["period_idx"] = part["period_idx"].astype("int64")
        out = out.merge(part, on=keys + ["period_idx"], how="left")
    out = out.sort_values(keys + ["period_idx"], kind="stable")
    delta = out["od_start"].fillna(0) - out["od_end"].fillna(0)
    out["overdue_pending"] = delta.groupby([out[k] for k in keys]).cumsum().astype("int64") if keys else delta.cumsum().astype("int64")
    return out.drop(columns=["od_start", "od_end"]).reset_index(drop=True)
