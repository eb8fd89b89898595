"""A user's own one-stop-shop exports and rollout calendar → the district × period panel.

Notebook 06 runs on the simulated world by default; with its ``dossiers`` and ``rollout``
parameters it runs on real exports instead. This module does that part:

* :func:`read_rollout_calendar` — the rollout calendar, a CSV with one row per unit:

  ========================  ==========================================================
  column                    meaning
  ========================  ==========================================================
  ``unit``                  unit code as written in the exports' unit column (required)
  ``online_start``          first day of the online-service model (required; day first
                            ``15/03/2019`` or ISO ``2019-03-15``; 2-digit years refused)
  ``delegation_start``      optional date, same rules (empty allowed)
  ``procedures``            optional procedure list (``;``-separated codes), kept as text
  ========================  ==========================================================

  Any bad row is a :class:`~cchc_research.errors.SchemaError` naming the file, the 1-based
  data row, the column and the value.
* :func:`load_exports` — every file of a path or glob (CSV / Excel as district systems
  export them, or clean Parquet) through :func:`cchc_research.dossiers.read_export`, with the
  read / valid / rejected counts, the rejects with reasons, and each file's SHA-256.
* :func:`build_own_panel` — the exports aggregated with
  :func:`cchc_research.dossiers.aggregate` to unit × period, the cohorts of the calendar
  merged in and the integer ``period_number`` / ``cohort_number`` the estimators use.

Examples
--------
>>> import io, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "calendar.csv"
>>> _ = path.write_text("unit,online_start\\n760,01/01/2019\\n761,2019-04-01\\n", encoding="utf-8")
>>> read_rollout_calendar(path)[["unit", "online_start"]].astype(str).values.tolist()
[['760', '2019-01-01'], ['761', '2019-04-01']]
"""

from __future__ import annotations

import glob
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_research.dossiers import aggregate, read_export
from cchc_research.dossiers.dates import parse_date
from cchc_research.errors import CCHCError, InvalidArgumentError, ParseError, SchemaError
from cchc_research.models import staggered_did
from cchc_research.text import match_text

__all__ = ["CALENDAR_COLUMNS", "OwnExports", "read_rollout_calendar", "load_exports",
           "build_own_panel", "estimate_own", "sha256"]

#: Columns of the rollout calendar: required, then optional.
CALENDAR_COLUMNS = {"required": ("unit", "online_start"), "optional": ("delegation_start", "procedures")}
_PER_YEAR = {"month": 12, "quarter": 4}


def sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_rollout_calendar(path: str | Path) -> pd.DataFrame:
    """Read and validate a rollout calendar (see the module docstring for the format).

    Parameters
    ----------
    path : str or Path
        CSV file (UTF-8, with or without BOM).

    Returns
    -------
    DataFrame
        ``unit`` (str), ``online_start`` (Timestamp), ``delegation_start`` (Timestamp or
        NaT), ``procedures`` (str or missing); one row per unit.

    Raises
    ------
    SchemaError
        Missing file or column, empty file, blank unit, bad or missing date, duplicate
        unit — with file, row, column and value.
    """
    path = Path(path)
    if not path.is_file():
        raise SchemaError(str(path), "rollout calendar not found", file=str(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SchemaError(str(path), f"cannot read the rollout calendar: {exc}", file=str(path)) from exc
    raw.columns = [match_text(str(c)) for c in raw.columns]  # NBSP, zero-width, NFD, upper case
    for col in CALENDAR_COLUMNS["required"]:
        if col not in raw.columns:
            raise SchemaError(", ".join(raw.columns), f"missing column {col!r} (need unit, online_start)",
                              file=str(path), column=col)
    if raw.empty:
        raise SchemaError("", "the rollout calendar has no rows", file=str(path))
    out = pd.DataFrame({"unit": raw["unit"].str.strip()})
    for i, unit in enumerate(out["unit"], start=1):
        if unit == "":
            raise SchemaError(unit, "blank unit code", file=str(path), row=i, column="unit")
    dup = out["unit"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0]) + 1
        raise SchemaError(out["unit"].iloc[i - 1], "unit listed twice", file=str(path), row=i, column="unit")
    for col in ("online_start", "delegation_start"):
        values = raw[col] if col in raw.columns else pd.Series([""] * len(raw))
        parsed = []
        for i, value in enumerate(values, start=1):
            if value.strip() == "" and col == "delegation_start":
                parsed.append(pd.NaT)
                continue
            try:
                parsed.append(parse_date(value.strip(), what=col).normalize())
            except ParseError as exc:
                raise SchemaError(value, exc.reason, file=str(path), row=i, column=col) from exc
        out[col] = pd.to_datetime(pd.Series(parsed, dtype="datetime64[ns]"))
    out["procedures"] = raw["procedures"].replace("", pd.NA) if "procedures" in raw.columns else pd.NA
    return out


@dataclass
class OwnExports:
    """Validated exports: clean dossiers, rejects, and per-file counts and SHA-256."""

    dossiers: pd.DataFrame
    rejects: pd.DataFrame
    files: pd.DataFrame  # file, sha256, read, valid, rejected


def load_exports(pattern: str | Path) -> OwnExports:
    """Validate every export matching ``pattern`` with :func:`cchc_research.dossiers.read_export`.

    Parameters
    ----------
    pattern : str or Path
        A file, or a glob (``exports/*.xlsx``).

    Returns
    -------
    OwnExports

    Raises
    ------
    SchemaError
        No file matches.
    CCHCError
        From :func:`read_export` (unreadable file, no header...).
    """
    paths = sorted(Path(p) for p in glob.glob(str(pattern))) or ([Path(pattern)] if Path(pattern).is_file() else [])
    if not paths:
        raise SchemaError(str(pattern), "no export file matches this path or glob", file=str(pattern))
    frames, rejects, rows = [], [], []
    for p in paths:
        exp = read_export(p)
        frames.append(exp.dossiers)
        rejects.append(exp.rejects)
        rows.append({"file": p.name, "sha256": sha256(p), "read": int(exp.counts.read),
                     "valid": int(exp.counts.valid), "rejected": int(exp.counts.rejected)})
    return OwnExports(dossiers=pd.concat(frames, ignore_index=True),
                      rejects=pd.concat(rejects, ignore_index=True), files=pd.DataFrame(rows))


def build_own_panel(exports: OwnExports, calendar: pd.DataFrame, freq: str = "quarter") -> pd.DataFrame:
    """Aggregate validated exports to unit × period and merge the rollout cohorts.

    Parameters
    ----------
    exports : OwnExports
    calendar : DataFrame
        From :func:`read_rollout_calendar`.
    freq : {"quarter", "month"}

    Returns
    -------
    DataFrame
        :func:`cchc_research.dossiers.aggregate` columns plus ``cohort`` (label of the
        period containing ``online_start``), ``period_number``, ``cohort_number``,
        ``event_time``, ``treated``.

    Raises
    ------
    SchemaError
        A unit of the exports missing from the calendar (the calendar must date every unit).
    InvalidArgumentError
        Unknown ``freq``.
    """
    if freq not in _PER_YEAR:
        raise InvalidArgumentError(f"freq must be one of {tuple(_PER_YEAR)}, not {freq!r}")
    panel = aggregate(exports.dossiers, freq=freq, by=("unit",))
    panel["unit"] = panel["unit"].astype(str)
    missing = sorted(set(panel["unit"]) - set(calendar["unit"]))
    if missing:
        raise SchemaError(", ".join(missing), "unit(s) of the exports have no row in the rollout calendar",
                          column="unit")
    per = _PER_YEAR[freq]
    start = calendar.set_index("unit")["online_start"]
    cohort_idx = (start.dt.year * per + (start.dt.month - 1) // (12 // per)).astype("int64")
    labels = {u: str(x) for u, x in zip(cohort_idx.index, _labels(cohort_idx.to_numpy(), freq))}
    panel["period_number"] = _numbers(panel["period_start"], freq)
    panel["cohort_number"] = panel["unit"].map(cohort_idx).astype("int64")
    panel.insert(1, "cohort", panel["unit"].map(labels).astype("string"))
    panel["event_time"] = panel["period_number"] - panel["cohort_number"]
    panel["treated"] = panel["event_time"] >= 0
    return panel


def _numbers(starts: pd.Series, freq: str) -> np.ndarray:
    per = _PER_YEAR[freq]
    s = pd.to_datetime(starts)
    return (s.dt.year * per + (s.dt.month - 1) // (12 // per)).to_numpy(dtype="int64")


def _labels(idx: np.ndarray, freq: str) -> list[str]:
    per = _PER_YEAR[freq]
    if freq == "quarter":
        return [f"{i // per}-Q{i % per + 1}" for i in idx]
    return [f"{i // per}-{i % per + 1:02d}" for i in idx]


def estimate_own(panel: pd.DataFrame, outcome: str = "on_time_rate", *, inference: str = "cell_variance",
                 B: int = 999, seed: int = 20240415) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Callaway–Sant'Anna (not yet treated) and Sun–Abraham (last treated) on a user's panel.

    No truth is known for real data: the tables carry estimates and intervals only.

    Parameters
    ----------
    panel : DataFrame
        From :func:`build_own_panel`.
    outcome : str
        A rate column of the panel (``on_time_rate``, ``satisfaction_rate``...).
    inference : str
        As :meth:`cchc_research.models.did.StaggeredDiDResults.aggregate`.
    B, seed : int
        Draws and seed (randomization / multiplier inference).

    Returns
    -------
    overall : DataFrame
        estimator, inference, estimate, std_error, ci_low, ci_high, p_value.
    event_study : DataFrame
        estimator, term, estimate, std_error, ci_low, ci_high.

    Raises
    ------
    ModelError
        From the estimators. Unit-periods without a rate (no resolved dossier) are dropped
        first; units then observed in fewer periods are dropped by the estimators with an
        :class:`~cchc_research.errors.UnbalancedPanelWarning` (as R ``did``).
    """
    spec = dict(unit="unit", time="period_number", cohort="cohort_number")
    # a cell without resolved dossiers has no rate: it is dropped, and a unit that loses a
    # period is then dropped by the estimator to balance the panel (UnbalancedPanelWarning)
    panel = panel.dropna(subset=[outcome])
    overall, event = [], []
    for name, control in (("callaway_santanna", "not_yet_treated"), ("sun_abraham", "last_treated")):
        never = (panel["cohort_number"] > panel["period_number"].max()).any()
        ctrl = "never_treated" if never else control
        res = staggered_did(panel, outcome, **spec, method=name, control=ctrl)
        for kind, rows in (("simple", overall), ("dynamic", event)):
            tidy = res.aggregate(kind, inference=inference, B=B, seed=seed).tidy()
            tidy.insert(0, "estimator", name)
            tidy.insert(1, "control", ctrl)
            tidy["inference"] = inference
            rows.append(tidy)
    return pd.concat(overall, ignore_index=True), pd.concat(event, ignore_index=True)
