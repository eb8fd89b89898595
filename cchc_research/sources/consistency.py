"""Consistency checks on published figures: ratio vs stated percentage, parts vs total.

Published reports often print a figure twice ("443.915/454.821 hồ sơ … đạt tỷ lệ 97,6%") or
give parts and their total (on time + late = resolved; level 3 + level 4 = online procedures;
PAPI dimensions = PAPI total). These checks recompute one side from the other and compare,
allowing for the rounding of the printed figure: a percentage printed with *d* decimals is
exact to ±0.5·10⁻ᵈ percentage points, so the tolerance on a share is ``0.5 * 10**-(d + 2)``;
a sum tolerates the rounding of each printed part and of the total.

Every check returns a tidy table (:data:`CHECK_COLUMNS`): one row per comparison, with the
``status`` ``ok`` or ``mismatch``, the ``expected`` and ``observed`` values, the ``tolerance``
and the ``rows`` (``source_id`` of every row involved, which for seed facts contains the
``fact_id``). :func:`run_all_checks` runs every check on the long indicator table.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({
...     "indicator": ["on_time_rate", "on_time_rate"], "geo_code": ["79", "79"],
...     "period": ["2024-Q1", "2024-Q1"], "comparison": ["==", "=="],
...     "value": [443915 / 454821, 0.976], "numerator": [443915.0, None],
...     "denominator": [454821.0, None], "raw_value": ["443.915/454.821", "97,6%"],
...     "source_id": ["seed_facts:002-15", "seed_facts:002-16"],
...     "source_file": ["seed_facts/seed_facts.csv"] * 2, "quote": ["q", "q"]})
>>> check_ratio_vs_percent(frame)[["status", "tolerance", "rows"]].values.tolist()
[['ok', 0.0005, 'seed_facts:002-15;seed_facts:002-16']]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from cchc_research.errors import SchemaError

__all__ = ["CHECK_COLUMNS", "PARTS_RULES", "SHARE_RULES", "printed_decimals", "check_ratio_vs_percent",
           "check_parts_sum", "check_share_of_counts", "run_all_checks"]

#: Columns of every checks table, in order.
CHECK_COLUMNS: dict[str, str] = {
    "check": "string", "status": "string", "indicator": "string", "geo_code": "string", "period": "string",
    "expected": "float64", "observed": "float64", "difference": "float64", "tolerance": "float64",
    "rows": "string", "source_file": "string",
}
_NEEDED = ("indicator", "geo_code", "period", "value", "source_id", "source_file")
_EPS = 1e-12  # floating-point slack added to every tolerance


def printed_decimals(raw: object) -> int:
    """Number of decimals a figure was printed with (used for rounding tolerances only).

    The last ``,`` or ``.`` of the first number separates decimals unless exactly three digits
    follow it in a figure without a percent sign (then it groups thousands).

    Examples
    --------
    >>> printed_decimals("97,6%"), printed_decimals("91.87 percent"), printed_decimals("1.626")
    (1, 2, 0)
    >>> printed_decimals("12,345%"), printed_decimals(None)
    (3, 0)
    """
    if not isinstance(raw, str):
        return 0
    m = re.search(r"\d[\d.,]*", raw)
    if m is None:
        return 0
    token = m.group(0).rstrip(".,")
    sep = max(token.rfind(","), token.rfind("."))
    if sep < 0:
        return 0
    k = len(token) - sep - 1
    percent = bool(re.search(r"%|percent|phần trăm", raw, re.IGNORECASE))
    return 0 if (k == 3 and not percent) else k


def _share_tolerance(raw: object) -> float:
    return 0.5 * 10.0 ** -(printed_decimals(raw) + 2)


def _value_tolerance(raw: object) -> float:
    """Half a unit of the last printed decimal, in the value's unit (shares for percentages)."""
    d = printed_decimals(raw)
    if isinstance(raw, str) and "%" in raw:
        return 0.5 * 10.0 ** -(d + 2)
    return 0.0 if d == 0 else 0.5 * 10.0 ** -d


def _check_frame(frame: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise SchemaError(missing, "frame lacks columns needed for consistency checks", column=missing[0])


def _tidy(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
    return out.astype(CHECK_COLUMNS).reset_index(drop=True)


def _record(check, expected, observed, tolerance, rows, *, indicator, geo_code, period, source_file) -> dict:
    diff = float(observed) - float(expected)
    return {"check": check, "status": "ok" if abs(diff) <= tolerance + _EPS else "mismatch",
            "indicator": indicator, "geo_code": geo_code, "period": period, "expected": float(expected),
            "observed": float(observed), "difference": diff, "tolerance": float(tolerance),
            "rows": ";".join(rows), "source_file": source_file}


def check_ratio_vs_percent(frame: pd.DataFrame) -> pd.DataFrame:
    """Compare stated ratios with the percentages stated for the same quantity.

    Two cases: a row that carries both a ratio (``numerator``/``denominator``) and a printed
    percentage (``raw_value`` with ``%``); and a ratio row and a percentage row of the same
    indicator, geography, period, source file and quote (the same sentence).

    Parameters
    ----------
    frame : DataFrame
        Long indicator rows (:data:`cchc_research.sources.base.INDICATOR_COLUMNS`).

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS`; ``expected`` = numerator / denominator, ``observed`` = the stated share.

    Raises
    ------
    SchemaError
        A needed column is missing.
    """
    _check_frame(frame)
    d = frame[(frame.get("comparison", "==") == "==")].copy()
    for col in ("numerator", "denominator", "raw_value", "quote"):
        if col not in d.columns:
            d[col] = pd.NA
    has_ratio = d["numerator"].notna() & d["denominator"].notna() & (d["denominator"].astype(float) > 0)
    is_pct = d["raw_value"].fillna("").str.contains("%")
    out = []
    for _, r in d[has_ratio & is_pct].iterrows():
        out.append(_record("ratio_vs_percent", r["numerator"] / r["denominator"], r["value"],
                           _share_tolerance(r["raw_value"]), [r["source_id"]], indicator=r["indicator"],
                           geo_code=r["geo_code"], period=r["period"], source_file=r["source_file"]))
    d["_q"] = d["quote"].fillna("")
    keys = ["indicator", "geo_code", "period", "source_file", "_q"]
    ratios, pcts = d[has_ratio & ~is_pct], d[~has_ratio & is_pct]
    for _, r in ratios.merge(pcts, on=keys, suffixes=("", "_pct")).iterrows():
        out.append(_record("ratio_vs_percent", r["numerator"] / r["denominator"], r["value_pct"],
                           _share_tolerance(r["raw_value_pct"]), [r["source_id"], r["source_id_pct"]],
                           indicator=r["indicator"], geo_code=r["geo_code"], period=r["period"],
                           source_file=r["source_file"]))
    return _tidy(out)


def check_parts_sum(
    frame: pd.DataFrame,
    parts: Sequence[str],
    total: str | float,
    *,
    name: str | None = None,
    optional_parts: Sequence[str] = (),
    tolerance: float | None = None,
) -> pd.DataFrame:
    """Check that parts add up to their total, per geography, period and source file.

    Parameters
    ----------
    frame : DataFrame
        Long indicator rows.
    parts : sequence of str
        Indicator codes that must all be present for a group to be checked.
    total : str or float
        The total's indicator code, or a constant (``1.0`` for complements such as
        on-time + late rates).
    name : str, optional
        Check name (default ``"sum:" + total``).
    optional_parts : sequence of str
        Codes added to the sum when present (e.g. PAPI D7/D8 from 2018).
    tolerance : float, optional
        Absolute tolerance; default: the rounding of every printed value involved
        (half a unit of its last printed decimal, in the indicator's unit).

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS`; ``expected`` = total, ``observed`` = sum of parts.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"indicator": ["dossiers_resolved_on_time", "dossiers_resolved_late", "dossiers_resolved"],
    ...                   "geo_code": "79", "period": "2024-Q1", "value": [90.0, 9.0, 100.0],
    ...                   "raw_value": ["90", "9", "100"], "unit": "count",
    ...                   "source_id": ["a", "b", "c"], "source_file": "x.csv"})
    >>> check_parts_sum(f, ["dossiers_resolved_on_time", "dossiers_resolved_late"], "dossiers_resolved")[
    ...     ["status", "expected", "observed"]].values.tolist()
    [['mismatch', 100.0, 99.0]]
    """
    _check_frame(frame)
    name = name or f"sum:{total}"
    members = [*parts, *optional_parts]
    codes = members + ([total] if isinstance(total, str) else [])
    keys, values, ids, tols = _wide(frame, codes)
    present = ~np.isnan(values)
    n_parts, n_members = len(parts), len(members)
    complete = present[:, :n_parts].all(axis=1)
    if isinstance(total, str):
        complete &= present[:, n_members]
    out = []
    for i in np.flatnonzero(complete):
        used = np.flatnonzero(present[i])
        observed = float(np.nansum(values[i, :n_members]))
        expected = float(values[i, n_members]) if isinstance(total, str) else float(total)
        tol = tolerance if tolerance is not None else float(tols[i, used].sum())
        out.append(_record(name, expected, observed, tol, [str(ids[i, j]) for j in used],
                           indicator=total if isinstance(total, str) else "+".join(parts),
                           geo_code=keys[i][0], period=keys[i][1], source_file=keys[i][2]))
    return _tidy(out)


def check_share_of_counts(frame: pd.DataFrame, share: str, numerator: str, denominator: str, *,
                          name: str | None = None) -> pd.DataFrame:
    """Check a stated share against the counts it is made of (e.g. on-time rate vs on-time / resolved).

    Rows are matched by geography, period and source file; the tolerance is the rounding of the
    printed share (the counts are taken as exact).

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS`; ``expected`` = numerator / denominator, ``observed`` = the share.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"indicator": ["on_time_rate", "dossiers_resolved_on_time", "dossiers_resolved"],
    ...                   "geo_code": "79", "period": "2024", "value": [0.976, 443915.0, 454821.0],
    ...                   "raw_value": ["97,6%", "443.915", "454.821"], "source_id": ["a", "b", "c"],
    ...                   "source_file": "x.csv"})
    >>> check_share_of_counts(f, "on_time_rate", "dossiers_resolved_on_time", "dossiers_resolved")[
    ...     ["status", "rows"]].values.tolist()
    [['ok', 'a;b;c']]
    """
    _check_frame(frame)
    keys, values, ids, tols = _wide(frame, [share, numerator, denominator])
    out = []
    for i in np.flatnonzero(~np.isnan(values).any(axis=1) & (np.nan_to_num(values[:, 2]) > 0)):
        out.append(_record(name or f"share_of_counts:{share}", values[i, 1] / values[i, 2], values[i, 0],
                           float(tols[i, 0]), [str(x) for x in ids[i]], indicator=share,
                           geo_code=keys[i][0], period=keys[i][1], source_file=keys[i][2]))
    return _tidy(out)


def _wide(frame: pd.DataFrame, codes: list[str]):
    """Values, source ids and rounding tolerances of ``codes`` per (geo_code, period, source_file).

    Only ``==`` rows are used; of several rows for one indicator in a group the first by
    ``source_id`` is kept. Returns (keys, values, ids, tolerances) with one column per code.
    """
    d = frame[frame["indicator"].isin(codes)]
    if "comparison" in d.columns:
        d = d[d["comparison"] == "=="]
    d = d.assign(raw_value=d["raw_value"] if "raw_value" in d.columns else pd.NA)
    d = d.sort_values("source_id", kind="stable").drop_duplicates(
        ["geo_code", "period", "source_file", "indicator"], keep="first")
    d = d.assign(_tol=[_value_tolerance(r) for r in d["raw_value"]])
    index = ["geo_code", "period", "source_file"]
    if d.empty:
        return [], np.empty((0, len(codes))), np.empty((0, len(codes)), dtype=object), np.empty((0, len(codes)))
    wide = {col: d.pivot(index=index, columns="indicator", values=col).reindex(columns=codes)
            for col in ("value", "source_id", "_tol")}
    return (list(wide["value"].index), wide["value"].to_numpy(dtype=float),
            wide["source_id"].to_numpy(dtype=object), wide["_tol"].to_numpy(dtype=float))


#: Parts-sum rules run by :func:`run_all_checks`: (name, parts, total, optional parts, tolerance).
#: The PAPI tolerance (1e-4) is the one stated in the PAPI catalog entry.
PARTS_RULES: tuple[tuple[str, tuple[str, ...], str | float, tuple[str, ...], float | None], ...] = (
    ("on_time_plus_late_equals_resolved", ("dossiers_resolved_on_time", "dossiers_resolved_late"),
     "dossiers_resolved", (), None),
    ("level3_plus_level4_equals_online_procedures", ("online_procedures_level3", "online_procedures_level4"),
     "online_procedures_level34", (), None),
    ("on_time_rate_plus_late_rate_equals_one", ("on_time_rate", "late_rate"), 1.0, (), None),
    ("satisfaction_plus_dissatisfaction_equals_one", ("satisfaction_rate", "dissatisfaction_rate"), 1.0, (), None),
    ("papi_dimensions_sum_to_total",
     ("papi_d1_participation", "papi_d2_transparency", "papi_d3_vertical_accountability",
      "papi_d4_control_of_corruption", "papi_d5_public_admin_procedures", "papi_d6_public_service_delivery"),
     "papi_total", ("papi_d7_environmental_governance", "papi_d8_e_governance"), 1e-4),
)


#: Share-of-counts rules run by :func:`run_all_checks`: (share, numerator, denominator).
SHARE_RULES: tuple[tuple[str, str, str], ...] = (
    ("on_time_rate", "dossiers_resolved_on_time", "dossiers_resolved"),
    ("late_rate", "dossiers_resolved_late", "dossiers_resolved"),
    ("online_dossier_share", "dossiers_received_online", "dossiers_received"),
    ("full_online_dossier_share", "dossiers_full_online", "dossiers_received"),
)


def run_all_checks(frame: pd.DataFrame) -> pd.DataFrame:
    """Run the ratio-vs-percent check and every rule of :data:`PARTS_RULES` and :data:`SHARE_RULES`.

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS`, sorted by check, source file, geography and period.

    Examples
    --------
    >>> from cchc_research.sources.seed_facts import read_seed_facts
    >>> checks = run_all_checks(read_seed_facts().indicators)
    >>> checks[["rows", "status"]].values.tolist()
    [['seed_facts:002-15;seed_facts:002-16', 'ok'], ['seed_facts:002-17;seed_facts:002-18', 'mismatch']]
    """
    tables = [check_ratio_vs_percent(frame)]
    for name, parts, total, optional, tol in PARTS_RULES:
        tables.append(check_parts_sum(frame, parts, total, name=name, optional_parts=optional, tolerance=tol))
    for share, num, den in SHARE_RULES:
        tables.append(check_share_of_counts(frame, share, num, den))
    out = pd.concat([t for t in tables if not t.empty] or [_tidy([])], ignore_index=True)
    out = out.sort_values(["check", "source_file", "geo_code", "period", "rows"], kind="stable")
    return out.reset_index(drop=True).astype(CHECK_COLUMNS)

