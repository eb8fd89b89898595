"""Decision 1191/QĐ-UBND targets against the latest reported actuals (notebook 02).

Decision 1191/QĐ-UBND (2021-04-07) is Ho Chi Minh City's public-administration reform plan
for 2020–2025; its targets are HCMC's. For another city the same targets are shown as a
*benchmark* only.

Matching rules (no apples to oranges):

* a target is matched to actuals **on indicator code only** — a target on procedures offered
  online (``online_procedure_share``) is never read against dossiers filed online
  (``online_dossier_share``); other indicators of the same family that the city reports are
  listed in ``not_compared`` so the reader sees what was left out and why;
* actuals are the city's reported values (``comparison == "=="``; rows flagged ``target`` and
  bound-only figures such as "dưới 10%" are not actuals), reported no later than ``as_of``;
* two derivations are explicit and labelled: the complement from the catalog
  (``satisfaction_rate = 1 − dissatisfaction_rate``) and a province rank printed with a news
  figure (``rank=3/63`` on ``par_index`` → ``par_index_rank``);
* actuals are city-wide; a target restricted to a sub-population (land registration office
  branches, petitions, land and investment dossiers, schools and hospitals) has no comparable
  actual and is reported as ``no_data`` with the reason.

The gap is in the indicator's unit (percentage points for shares), signed with the catalog
polarity so that a negative gap means *short of the target*.

The selection of actuals lives in :mod:`cchc_research.analysis.scorecard_actuals` (public names
re-exported here); the wording, tables and figure of the notebook live in
:mod:`cchc_research.reporting.scorecard`.

Examples
--------
>>> card = scorecard("79", as_of=2025)
>>> row = card[card["target_id"] == "003-07"].iloc[0]
>>> row["actual_period"], round(float(row["gap"]), 1), row["status"]
('2024-Q1', -0.4, 'not_met')
"""

from __future__ import annotations

import pandas as pd

from cchc_research.analysis.scorecard_actuals import (
    HEADLINE_CODES,
    PLAN_CITY,
    indicator_catalog,
    city_code,
    flag_set,
    load_inputs,
    pick_latest,
    candidate_actuals,
    headline_indicators,
    latest_actuals,
)
from cchc_research.errors import InvalidArgumentError, SchemaError

__all__ = [
    "PLAN_CITY",
    "DECISION_DATE",
    "CITYWIDE_SCOPES",
    "HEADLINE_CODES",
    "STATUSES",
    "signed_gap",
    "target_met",
    "candidate_actuals",
    "latest_actuals",
    "scorecard",
    "trajectory_table",
    "headline_indicators",
    "not_compared_table",
    "status_counts",
    "scorecard_results",
]

#: Date of signature of Decision 1191/QĐ-UBND.
DECISION_DATE = pd.Timestamp("2021-04-07")
#: Target scopes for which a city-wide actual is a like-for-like comparison.
CITYWIDE_SCOPES = frozenset({"", "each field", "state administrative agencies, each field",
                             "level 3/4 online public services",
                             "departments and district-level people's committees"})
STATUSES = ("met", "not_met", "no_data")


def signed_gap(actual: float, target: float, polarity: str, unit: str) -> float:
    """Actual minus target, signed so that negative means short of the target.

    Parameters
    ----------
    actual, target : float
        Values in the indicator's stored unit (shares as fractions).
    polarity : {"higher_better", "lower_better", "neutral"}
        From the catalog. For ``lower_better`` the sign is flipped; ``neutral`` gives NaN.
    unit : str
        Catalog unit; ``share`` gaps are returned in percentage points (× 100).

    Returns
    -------
    float
        The gap (NaN if either value is missing or the polarity is neutral).

    Raises
    ------
    InvalidArgumentError
        For an unknown polarity.

    Examples
    --------
    >>> round(signed_gap(0.976, 0.98, "higher_better", "share"), 4)
    -0.4
    >>> round(signed_gap(0.03, 0.02, "lower_better", "share"), 4)
    -1.0
    >>> signed_gap(3, 5, "lower_better", "rank")
    2.0
    """
    if polarity not in ("higher_better", "lower_better", "neutral"):
        raise InvalidArgumentError(f"unknown polarity {polarity!r}")
    if actual is None or target is None or pd.isna(actual) or pd.isna(target) or polarity == "neutral":
        return float("nan")
    diff = float(actual) - float(target)
    if polarity == "lower_better":
        diff = -diff
    return diff * 100.0 if unit == "share" else diff


def target_met(actual: float, comparison: str, target: float, *, tol: float = 1e-9) -> bool:
    """Whether ``actual`` satisfies ``actual <comparison> target``.

    Parameters
    ----------
    actual, target : float
    comparison : {">=", ">", "<=", "<", "=="}
    tol : float
        Absolute tolerance for ``>=``, ``<=`` and ``==`` (floating-point noise only).

    Returns
    -------
    bool

    Raises
    ------
    InvalidArgumentError
        For an unknown comparison or a missing value.

    Examples
    --------
    >>> target_met(0.976, ">=", 0.98), target_met(0.98, ">=", 0.98), target_met(0.98, ">", 0.98)
    (False, True, False)
    >>> target_met(0.01, "<", 0.0)
    False
    """
    if pd.isna(actual) or pd.isna(target):
        raise InvalidArgumentError("target_met needs both an actual and a target value")
    a, t = float(actual), float(target)
    ops = {">=": a >= t - tol, ">": a > t, "<=": a <= t + tol, "<": a < t, "==": abs(a - t) <= tol}
    if comparison not in ops:
        raise InvalidArgumentError(f"unknown comparison {comparison!r}")
    return bool(ops[comparison])


def _step_year(group: pd.DataFrame, as_of: int) -> pd.DataFrame:
    years = group["trajectory_year"].astype("Int64")
    if years.isna().all():
        return group
    eligible = group[years <= as_of]
    chosen = int(eligible["trajectory_year"].max()) if len(eligible) else int(years.min())
    return group[years == chosen]


def _related_rows(city_rows: list[dict], code: str, catalog) -> list[dict]:
    """Same-family, same-unit indicators the city reports under another code (not compared).

    One dict per distinct (indicator, period, comparison, value): ``indicator``, ``period``,
    ``comparison``, ``value``, ``unit``.
    """
    entry = catalog.get(code)
    if entry is None:
        return []
    out = []
    for rec in city_rows:
        other = catalog.get(rec["indicator"])
        if (rec["indicator"] == code or other is None or other.family != entry.family
                or other.unit != entry.unit):
            continue
        row = {"indicator": rec["indicator"], "period": rec["period"], "comparison": rec["comparison"],
               "value": float(rec["value"]), "unit": other.unit}
        if row not in out:
            out.append(row)
    return out


def _related(city_rows: list[dict], code: str, catalog) -> str:
    """The rows of :func:`_related_rows` as one ``"; "``-joined line (the ``not_compared`` column)."""
    parts = []
    for rec in _related_rows(city_rows, code, catalog):
        value = rec["value"]
        shown = f"{value * 100:.1f}%" if rec["unit"] == "share" else f"{value:g}"
        cmp = "" if rec["comparison"] == "==" else f"{rec['comparison']} "
        text = f"{rec['indicator']} {rec['period']}: {cmp}{shown}"
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _city_rows(ind: pd.DataFrame, code: str, as_of: int) -> list[dict]:
    """The city's reported (non-target) rows up to ``as_of``, sorted, as records."""
    rows = ind[(ind["geo_code"] == code) & (pd.to_datetime(ind["period_end"]).dt.year <= as_of)]
    rows = rows[["target" not in flag_set(f) for f in rows["flags"]]]
    rows = rows.sort_values(["indicator", "period_end", "source_id"], kind="mergesort")
    return rows[["indicator", "period", "comparison", "value"]].astype(
        {"indicator": object, "period": object, "comparison": object}).to_dict("records")


def scorecard(city: str = PLAN_CITY, *, as_of: int = 2025, targets: pd.DataFrame | None = None,
              indicators: pd.DataFrame | None = None, include_restatements: bool = False) -> pd.DataFrame:
    """Each Decision 1191 target against the city's latest reported actual.

    Parameters
    ----------
    city : str
        Province name or GSO code. Decision 1191 is HCMC's plan: for any other city the rows
        are marked ``benchmark=True`` (HCMC's target used as a yardstick).
    as_of : int
        Year of the assessment: actuals reported up to this year; for yearly trajectories the
        step of this year (or the last step before it) is scored.
    targets, indicators : pandas.DataFrame, optional
        The targets and long indicator tables (loaded by default).
    include_restatements : bool
        Keep targets the decision states a second time (flag ``restatement``).

    Returns
    -------
    pandas.DataFrame
        One row per target: ``target_id``, ``indicator``, ``scope``, ``comparison``,
        ``target``, ``unit``, ``deadline`` (year), ``trajectory_year``, ``benchmark``,
        ``actual``, ``actual_period``, ``actual_source``, ``derivation``, ``gap`` (indicator
        unit, percentage points for shares; negative = short of the target), ``gap_unit``,
        ``status`` (``met`` / ``not_met`` / ``no_data``), ``note`` (in words), ``reasons`` (the
        same as ``;``-joined codes: ``infeasible``, ``scope_differs``, ``predates_decision``,
        ``no_actual``), ``not_compared`` (same-family
        indicators the city reports that were *not* compared) and ``flags``.

    Raises
    ------
    SchemaError
        If the targets table lacks a required column.

    Examples
    --------
    >>> card = scorecard("79").set_index("target_id")
    >>> card.loc["003-07", ["actual_period", "status"]].tolist(), float(card.loc["003-07", "target"])
    (['2024-Q1', 'not_met'], 0.98)
    >>> card.loc["003-08", "status"]  # petitions only: no comparable city-wide actual
    'no_data'
    >>> bool(scorecard("01")["benchmark"].all())
    True
    """
    ind, tgt = load_inputs(indicators, targets)
    need = ["target_id", "indicator", "scope", "comparison", "value", "unit", "deadline",
            "trajectory_year", "flags", "geo_code"]
    missing = [c for c in need if c not in tgt.columns]
    if missing:
        raise SchemaError(", ".join(missing), "targets lacks required column(s)")
    code = city_code(city)
    catalog = indicator_catalog()
    cands = candidate_actuals(code, as_of=as_of, indicators=ind)
    actuals = pick_latest(cands[cands["agency"] == ""])
    by_code = actuals.set_index("indicator")
    city_rows = _city_rows(ind, code, as_of)
    tgt = tgt.copy()
    tgt["_flags"] = [flag_set(f) for f in tgt["flags"]]
    if not include_restatements:
        tgt = tgt[["restatement" not in fs for fs in tgt["_flags"]]]
    tgt["_group"] = [next((f.split("=", 1)[1] for f in fs if f.startswith("step_of=")), tid.split("@")[0])
                     for fs, tid in zip(tgt["_flags"], tgt["target_id"])]
    parts = [_step_year(g, as_of) for _, g in tgt.groupby("_group", sort=False)]
    tgt = pd.concat(parts).sort_values("target_id", kind="mergesort")
    rows = []
    for rec in tgt.to_dict("records"):
        ind_code = str(rec["indicator"])
        entry = catalog.get(ind_code)
        polarity = entry.polarity if entry is not None else "neutral"
        unit = str(rec["unit"])
        scope = "" if rec["scope"] is None or pd.isna(rec["scope"]) else str(rec["scope"])
        notes, reasons = [], []
        related = ""
        actual = period = source = derivation = None
        gap = float("nan")
        status = "no_data"
        if "infeasible_target" in rec["_flags"]:
            notes.append("infeasible target (a rate below 0%)")
            reasons.append("infeasible")
        if scope not in CITYWIDE_SCOPES:
            notes.append(f"target scope '{scope}' differs from the reported actuals (city-wide, all fields)")
            reasons.append("scope_differs")
        elif ind_code in by_code.index:
            act = by_code.loc[ind_code]
            actual, period, source = float(act["value"]), str(act["period"]), str(act["source_id"])
            derivation = str(act["derivation"])
            gap = signed_gap(actual, rec["value"], polarity, unit)
            status = "met" if target_met(actual, str(rec["comparison"]), rec["value"]) else "not_met"
            if pd.Timestamp(act["period_end"]) < DECISION_DATE:
                notes.append("actual predates Decision 1191 (2021-04-07)")
                reasons.append("predates_decision")
        else:
            notes.append("no reported actual with this indicator code")
            reasons.append("no_actual")
            related = _related(city_rows, ind_code, catalog)
        rows.append({
            "target_id": rec["target_id"],
            "indicator": ind_code,
            "scope": scope,
            "comparison": rec["comparison"],
            "target": float(rec["value"]),
            "unit": unit,
            "deadline": int(pd.Timestamp(rec["deadline"]).year),
            "trajectory_year": rec["trajectory_year"],
            "benchmark": code != str(rec["geo_code"]),
            "actual": actual,
            "actual_period": period,
            "actual_source": source,
            "derivation": derivation,
            "gap": gap,
            "gap_unit": "pp" if unit == "share" else unit,
            "status": status,
            "note": "; ".join(notes),
            "reasons": ";".join(reasons),
            "not_compared": related,
            "flags": ";".join(sorted(rec["_flags"])),
        })
    out = pd.DataFrame(rows)
    out["actual"] = out["actual"].astype(float)
    out["trajectory_year"] = out["trajectory_year"].astype("Int64")
    return out.reset_index(drop=True)


def trajectory_table(city: str = PLAN_CITY, *, targets: pd.DataFrame | None = None,
                     indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Yearly target trajectories ("mỗi năm tiếp theo giảm thêm 1%") with the actual of each year.

    Parameters
    ----------
    city : str
        Province name or GSO code (HCMC's targets are a benchmark for other cities).
    targets, indicators : pandas.DataFrame, optional
        Loaded by default.

    Returns
    -------
    pandas.DataFrame
        One row per (trajectory, year), restatements dropped: ``trajectory`` (id of the base
        target), ``indicator``, ``scope``, ``year``, ``comparison``, ``target``, ``infeasible``,
        ``actual`` (latest city-wide value reported within that year, NaN if none or if the
        scope is not city-wide), ``actual_period``, ``gap`` and ``status``.

    Examples
    --------
    >>> traj = trajectory_table("79")
    >>> late = traj[traj["indicator"] == "late_rate"]
    >>> late[["year", "target"]].round(2).values.tolist()[-1], bool(late["infeasible"].iloc[-1])
    ([2025.0, 0.0], True)
    """
    ind, tgt = load_inputs(indicators, targets)
    code = city_code(city)
    catalog = indicator_catalog()
    cands = candidate_actuals(code, as_of=9999, indicators=ind)
    cands = cands[cands["agency"] == ""]
    cands = cands.assign(year=pd.to_datetime(cands["period_end"]).dt.year)
    tgt = tgt[tgt["trajectory_year"].notna()].copy()
    fsets = [flag_set(f) for f in tgt["flags"]]
    tgt = tgt[["restatement" not in fs for fs in fsets]]
    fsets = [fs for fs in fsets if "restatement" not in fs]
    tgt["trajectory"] = [next((f.split("=", 1)[1] for f in fs if f.startswith("step_of=")), tid.split("@")[0])
                         for fs, tid in zip(fsets, tgt["target_id"])]
    tgt["infeasible"] = ["infeasible_target" in fs for fs in fsets]
    rows = []
    for rec in tgt.sort_values(["trajectory", "trajectory_year"]).to_dict("records"):
        year = int(rec["trajectory_year"])
        scope = "" if pd.isna(rec["scope"]) else str(rec["scope"])
        entry = catalog.get(str(rec["indicator"]))
        actual, period, gap, status = float("nan"), None, float("nan"), "no_data"
        if scope in CITYWIDE_SCOPES:
            here = pick_latest(cands[(cands["indicator"] == rec["indicator"]) & (cands["year"] == year)])
            if len(here):
                actual, period = float(here["value"].iloc[0]), str(here["period"].iloc[0])
                gap = signed_gap(actual, rec["value"], entry.polarity if entry else "neutral", str(rec["unit"]))
                status = "met" if target_met(actual, str(rec["comparison"]), rec["value"]) else "not_met"
        rows.append({"trajectory": rec["trajectory"], "indicator": rec["indicator"], "scope": scope,
                     "year": year, "comparison": rec["comparison"], "target": float(rec["value"]),
                     "infeasible": bool(rec["infeasible"]), "actual": actual, "actual_period": period,
                     "gap": gap, "status": status})
    return pd.DataFrame(rows, columns=["trajectory", "indicator", "scope", "year", "comparison", "target",
                                       "infeasible", "actual", "actual_period", "gap", "status"])


def not_compared_table(card: pd.DataFrame, city: str = PLAN_CITY, *, as_of: int = 2025,
                       indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """What the city reports under another definition for each target without an actual (listed, not scored).

    Parameters
    ----------
    card : pandas.DataFrame
        Output of :func:`scorecard` for the same city and ``as_of``.
    city : str
    as_of : int
    indicators : pandas.DataFrame, optional
        Loaded by default.

    Returns
    -------
    pandas.DataFrame
        One row per (target, related figure): ``target_id``, ``indicator`` (the target's),
        ``related`` (the other indicator code), ``period``, ``comparison``, ``value``, ``unit``.

    Examples
    --------
    >>> card = scorecard("79")
    >>> nc = not_compared_table(card, "79")
    >>> "online_procedure_share" in set(nc["indicator"]), bool((nc["related"] != nc["indicator"]).all())
    (True, True)
    """
    ind, _ = load_inputs(indicators, None)
    code = city_code(city)
    catalog = indicator_catalog()
    rows_city = _city_rows(ind, code, as_of)
    rows = []
    for rec in card[card["status"] == "no_data"].to_dict("records"):
        for rel in _related_rows(rows_city, str(rec["indicator"]), catalog):
            rows.append({"target_id": rec["target_id"], "indicator": rec["indicator"], "related": rel["indicator"],
                         "period": rel["period"], "comparison": rel["comparison"], "value": rel["value"],
                         "unit": rel["unit"]})
    return pd.DataFrame(rows, columns=["target_id", "indicator", "related", "period", "comparison", "value", "unit"])


def status_counts(card: pd.DataFrame) -> pd.DataFrame:
    """Number of targets by status, in the order of :data:`STATUSES`, plus ``total``.

    Examples
    --------
    >>> status_counts(pd.DataFrame({"status": ["met", "no_data", "no_data"]})).values.tolist()
    [['met', 1], ['not_met', 0], ['no_data', 2], ['total', 3]]
    """
    counts = card["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    out = pd.DataFrame({"status": list(STATUSES) + ["total"],
                        "targets": [int(v) for v in counts.to_numpy()] + [len(card)]})
    return out


def scorecard_results(city: str = PLAN_CITY, *, as_of: int = 2025) -> dict[str, pd.DataFrame]:
    """Every table of notebook ``02_targets_scorecard`` for ``city``.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``card`` (:func:`scorecard`), ``status_counts``, ``trajectories``
        (:func:`trajectory_table`), ``not_compared`` (:func:`not_compared_table`),
        ``restated`` (targets stated twice with different comparisons, flag
        ``inconsistent_restatement``) and ``headline`` (:func:`headline_indicators`).
    """
    card = scorecard(city, as_of=as_of)
    restated = scorecard(city, as_of=as_of, include_restatements=True)
    restated = restated[restated["flags"].str.contains("inconsistent_restatement")].reset_index(drop=True)
    return {
        "card": card,
        "status_counts": status_counts(card),
        "trajectories": trajectory_table(city),
        "not_compared": not_compared_table(card, city, as_of=as_of),
        "restated": restated,
        "headline": headline_indicators(city, as_of=as_of),
    }
