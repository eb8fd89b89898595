"""The delegation study: did procedures delegated to districts get resolved on time more often?

Research question (issue 11, "the delegation question"): when a city delegates procedures to
its districts (phân cấp, ủy quyền — Resolution 54/2017/QH14 for Ho Chi Minh City), are the
delegated procedures resolved on time more often, and are citizens more satisfied with them?

Design (difference in differences at procedure group × district × period level)
-------------------------------------------------------------------------------
* A **cell** is a district × field × procedure group: the procedures of a field delegated on
  the same date form one group, the procedures never delegated form the comparison group
  (``"not_delegated"``). Counts are summed over the procedures of a group, so each cell's
  ``on_time_rate`` is resolved on time / resolved and ``satisfaction_rate`` satisfied / rated
  (the definitions of :func:`cchc_research.dossiers.aggregate`).
* The **cohort** of a delegated cell is the period containing its delegation date (that
  period counts as treated, as R ``did`` counts the first treated period). Comparison cells
  are never treated.
* **Estimators**: Callaway & Sant'Anna (2021) ATT(g, t) with never-treated comparison cells,
  aggregated to the simple and dynamic (event-time) ATT, standard errors from the influence
  functions summed within district (``cluster="unit"``: the cells of a district share its
  shocks); and a two-way fixed-effects regression of the outcome on the delegation dummy with
  cell, district × period and field × period fixed effects (each delegated group is compared
  with the never-delegated procedures of its own field in the same period, so no
  already-treated cell serves as a control), CR1 by district (:func:`cchc_research.models.twfe`,
  ``ssc="stata"``).
* **Identification**: parallel trends between delegated and never-delegated procedures of a
  field within a district, no anticipation, and no spill-over from delegated procedures to the
  others (staff moved between procedures would violate it). Delegated procedures are chosen
  by the authorities, not at random; pre-period event-time estimates are the check shown.
* **Inference caveat**: clustering by district assumes no shocks common to a procedure group
  across districts; delegation dates vary by field only (few fields), so a shock hitting one
  field's delegated procedures city-wide at the delegation date would be confounded and not
  reflected in the standard errors. In the simulated world there is no such shock (by
  construction); the coverage of the intervals there is measured by
  ``tests/models/test_recovery_delegation.py``.

Data
----
:func:`simulate_delegation` builds a *simulated* world (:mod:`cchc_research.simulate`) in which
delegation has known true effects (``delegation_late_reduction`` and
``delegation_sat_gain``) and fields are delegated on staggered dates
(:data:`DEFAULT_DELEGATION_STARTS`); :func:`build_delegation_panel` works on any clean dossier
source with ``procedure_code``, ``field`` and either a ``delegated`` flag or a delegation
calendar (:func:`read_delegation_calendar`).

Examples
--------
>>> d = simulate_delegation(60_000, seed=3)
>>> d.simulated, sorted(d.panel["group"].unique())[:1]
(True, ['delegated'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.dossiers.aggregate import aggregate
from cchc_research.periods import period_frame, period_index
from cchc_research.errors import ModelError, SchemaError
from cchc_research.models import staggered_did, twfe, wild_bootstrap
from cchc_research.simulate import WorldParams, simulate_dossiers
from cchc_research.simulate.world import FIELDS, MERGED_INTO
from cchc_research.text import match_text

__all__ = [
    "DEFAULT_DELEGATION_STARTS",
    "DEFAULT_EFFECTS",
    "OUTCOMES",
    "DelegationData",
    "DelegationEstimates",
    "delegation_calendar_from_dossiers",
    "read_delegation_calendar",
    "build_delegation_panel",
    "contrast_panel",
    "simulate_delegation",
    "estimate_delegation",
    "delegation_results",
]

#: Outcomes of the study (rates of :func:`cchc_research.dossiers.aggregate`).
OUTCOMES: tuple[str, ...] = ("on_time_rate", "satisfaction_rate")

#: Staggered delegation dates of the simulated study world, by field (simulated; four yearly
#: cohorts of two fields from 2018-01, when Resolution 54/2017/QH14 came into force, to 2021-01).
DEFAULT_DELEGATION_STARTS: dict[str, str] = dict(zip(
    [f.code for f in FIELDS],
    ["2018-01", "2019-01", "2020-01", "2018-01", "2021-01", "2019-01", "2020-01", "2021-01"]))

#: True effects of delegation in the simulated study world: share of a delegated dossier's
#: late risk removed (``eta``) and share of its dissatisfaction gap closed (``gamma``).
DEFAULT_EFFECTS: dict[str, float] = {"delegation_late_reduction": 0.5,
                                     "delegation_sat_gain": 0.3}

_COUNTS = ("received", "resolved", "resolved_on_time", "rated", "satisfied")


@dataclass
class DelegationData:
    """The cell × period panel of the delegation study.

    Attributes
    ----------
    panel : DataFrame
        One row per cell × period: ``cell``, ``unit`` (district), ``field``, ``group``
        (``"delegated"`` or ``"not_delegated"``), ``cohort`` (period label of the delegation
        date, NA for comparison cells), ``cohort_idx`` (its period index, 0 = never),
        ``period``, ``time`` (period index), ``event_time`` (NA for comparison cells),
        ``post`` (1 when delegation is in force), the counts ``received``, ``resolved``,
        ``resolved_on_time``, ``rated``, ``satisfied`` and the rates ``on_time_rate``,
        ``satisfaction_rate`` (NaN when the denominator is 0); plus, when simulated, the
        true effects ``true_effect_on_time_rate`` and ``true_effect_satisfaction_rate`` and
        the expected rates ``expected_on_time_rate``, ``expected_satisfaction_rate`` (model
        probabilities averaged over the cell's resolved / rated dossiers).
    calendar : DataFrame
        The delegation calendar used (``unit``, ``procedure_code``, ``delegation_start``).
    freq : str
    simulated : bool
    world : dict
        Simulated world's seed, size and delegation parameters (empty for real data).
    sources : list of str
        Source files (empty for in-memory data).
    """

    panel: pd.DataFrame
    calendar: pd.DataFrame
    freq: str
    simulated: bool
    world: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def true_att(self) -> dict[str, float]:
        """True overall ATT (equal weight per treated cell × period with resolutions).

        Raises
        ------
        ModelError
            The data are not simulated (no truth).
        """
        if not self.simulated:
            raise ModelError("the true effect is known only for simulated data")
        t = self.panel[(self.panel["post"] == 1) & (self.panel["resolved"] > 0)]
        return {o: float(t[f"true_effect_{o}"].mean()) for o in OUTCOMES}

    def true_by_event_time(self) -> pd.DataFrame:
        """True effects by event time (mean over delegated cells), simulated data only."""
        if not self.simulated:
            raise ModelError("the true effect is known only for simulated data")
        t = self.panel[(self.panel["group"] == "delegated") & (self.panel["resolved"] > 0)]
        g = t.groupby("event_time", sort=True)[[f"true_effect_{o}" for o in OUTCOMES]].mean()
        return g.reset_index().astype({"event_time": "int64"})


def delegation_calendar_from_dossiers(dossiers: pd.DataFrame) -> pd.DataFrame:
    """Delegation dates read off a dossier-level ``delegated`` flag.

    A procedure is delegated in a district from the first receipt date of one of its
    dossiers flagged ``delegated``; procedures never flagged are not delegated.

    Parameters
    ----------
    dossiers : DataFrame
        Clean dossiers with ``unit``, ``procedure_code``, ``received_at`` and ``delegated``
        (boolean; NA counts as not delegated).

    Returns
    -------
    DataFrame
        ``unit``, ``procedure_code``, ``delegation_start`` (datetime64, the day), sorted.

    Raises
    ------
    SchemaError
        A needed column is missing.
    """
    need = ["unit", "procedure_code", "received_at", "delegated"]
    missing = [c for c in need if c not in dossiers.columns]
    if missing:
        raise SchemaError(None, f"dossiers lack column(s) {missing} needed for the delegation "
                          "calendar", column=missing[0])
    flagged = dossiers.loc[dossiers["delegated"].fillna(False).astype(bool), need[:3]]
    cal = (flagged.groupby(["unit", "procedure_code"], sort=True)["received_at"].min()
           .dt.normalize().rename("delegation_start").reset_index())
    return cal.astype({"unit": "string", "procedure_code": "string"})


def read_delegation_calendar(path: str | Path) -> pd.DataFrame:
    """Read a delegation calendar CSV: ``procedure_code, delegation_start[, unit]``.

    Dates are day-first (``15/01/2018``) or ISO (``2018-01-15``); a row without ``unit``
    applies to every district.

    Parameters
    ----------
    path : str or Path
        UTF-8 CSV with a header row.

    Returns
    -------
    DataFrame
        ``unit`` (NA = every district), ``procedure_code``, ``delegation_start``.

    Raises
    ------
    SchemaError
        Missing columns, an unreadable date (naming file, row, column and value), or the same
        procedure and district listed twice.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SchemaError(None, f"cannot read the delegation calendar: {exc}",
                          file=str(path)) from exc
    raw.columns = [match_text(c) for c in raw.columns]  # NBSP, zero-width, NFD, upper case
    for col in ("procedure_code", "delegation_start"):
        if col not in raw.columns:
            raise SchemaError(None, f"the delegation calendar needs a {col!r} column "
                              f"(columns: {list(raw.columns)})", file=str(path), column=col)
    if "unit" not in raw.columns:
        raw["unit"] = ""
    dates = []
    for i, value in enumerate(raw["delegation_start"], start=2):
        text = value.strip()
        iso = len(text) == 10 and text[4] == "-"
        ts = pd.to_datetime(text, format="%Y-%m-%d" if iso else "%d/%m/%Y", errors="coerce")
        if pd.isna(ts):
            raise SchemaError(value, "delegation_start must be a date dd/mm/yyyy or yyyy-mm-dd "
                              "(4-digit year)", file=str(path), row=i, column="delegation_start")
        dates.append(ts)
    out = pd.DataFrame({"unit": raw["unit"].str.strip().replace("", pd.NA),
                        "procedure_code": raw["procedure_code"].str.strip(),
                        "delegation_start": pd.to_datetime(pd.Series(dates))})
    dup = out.duplicated(["unit", "procedure_code"], keep=False)
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        raise SchemaError(str(out.loc[dup, "procedure_code"].iloc[0]),
                          "procedure listed twice for the same district", file=str(path),
                          row=row, column="procedure_code")
    return out.astype({"unit": "string", "procedure_code": "string"})


def _cell_panel(agg: pd.DataFrame, calendar: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Sum the unit × procedure × period aggregate into cells and attach cohorts."""
    cal = calendar.copy()
    generic = cal[cal["unit"].isna()].drop(columns="unit")
    specific = cal[cal["unit"].notna()]
    a = agg.merge(specific, on=["unit", "procedure_code"], how="left")
    if len(generic):
        a = a.merge(generic.rename(columns={"delegation_start": "_generic"}),
                    on="procedure_code", how="left")
        a["delegation_start"] = a["delegation_start"].fillna(a["_generic"])
        a = a.drop(columns="_generic")
    start_idx = period_index(a["delegation_start"], freq)
    a["cohort_idx"] = start_idx.fillna(0).astype("int64")
    a["group"] = np.where(a["cohort_idx"] > 0, "delegated", "not_delegated")
    a["time"] = period_index(a["period_start"], freq).astype("int64")
    keys = ["unit", "field", "group", "cohort_idx", "time", "period"]
    cells = a.groupby(keys, sort=True, dropna=False)[list(_COUNTS)].sum().reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        cells["on_time_rate"] = np.where(cells["resolved"] > 0,
                                         cells["resolved_on_time"] / cells["resolved"], np.nan)
        cells["satisfaction_rate"] = np.where(cells["rated"] > 0,
                                              cells["satisfied"] / cells["rated"], np.nan)
    delegated = cells["cohort_idx"] > 0
    labels = period_frame(np.where(delegated, cells["cohort_idx"], cells["time"]), freq)["period"]
    cells["cohort"] = pd.array(np.where(delegated, labels.to_numpy(), None), dtype="string")
    cells["event_time"] = pd.Series(cells["time"] - cells["cohort_idx"],
                                    dtype="Int64").where(delegated)
    cells["post"] = (delegated & (cells["time"] >= cells["cohort_idx"])).astype("int64")
    cells["cell"] = (cells["unit"].astype(str) + "|" + cells["field"].astype(str) + "|"
                     + np.where(delegated, "delegated " + cells["cohort"].fillna(""),
                                "not_delegated"))
    order = ["cell", "unit", "field", "group", "cohort", "cohort_idx", "period", "time",
             "event_time", "post", *_COUNTS, *OUTCOMES]
    return cells[order].astype({"cell": "string", "unit": "string", "field": "string",
                                "group": "string", "period": "string"})


def build_delegation_panel(dossiers: pd.DataFrame | str | Path | list, calendar: pd.DataFrame | None = None,
                           freq: str = "quarter", engine: str = "duckdb") -> pd.DataFrame:
    """Cell × period panel of the delegation study from clean dossiers.

    Parameters
    ----------
    dossiers : DataFrame, path, glob or list of paths
        Clean canonical dossiers (what :func:`cchc_research.dossiers.aggregate` accepts)
        with ``unit``, ``field`` and ``procedure_code``.
    calendar : DataFrame, optional
        ``unit`` (NA = every district), ``procedure_code``, ``delegation_start``
        (:func:`read_delegation_calendar`). Default: read off the dossiers' ``delegated``
        flag (:func:`delegation_calendar_from_dossiers`; needs a DataFrame).
    freq : {"month", "quarter", "half", "year"}
    engine : {"duckdb", "pandas"}

    Returns
    -------
    DataFrame
        See :attr:`DelegationData.panel` (without the true effects).

    Raises
    ------
    SchemaError
        Missing columns, or no calendar given for file input.
    ModelError
        No procedure is delegated, or none is never delegated (no comparison group).
    """
    if calendar is None:
        if not isinstance(dossiers, pd.DataFrame):
            raise SchemaError(None, "give a delegation calendar (read_delegation_calendar) for file "
                              "input, or pass the dossiers as a DataFrame with 'delegated'")
        calendar = delegation_calendar_from_dossiers(dossiers)
    agg = aggregate(dossiers, freq=freq, by=("unit", "field", "procedure_code"), engine=engine)
    panel = _cell_panel(agg, calendar, freq)
    groups = set(panel["group"])
    if "delegated" not in groups:
        raise ModelError("no procedure is delegated in these data (check the calendar)")
    if "not_delegated" not in groups:
        raise ModelError("every procedure is delegated: there is no comparison group")
    return panel


def simulate_delegation(n_dossiers: int = 600_000, seed: int = 20240415, *,
                        freq: str = "quarter",
                        starts: dict[str, str] | None = None,
                        effects: dict[str, float] | None = None) -> DelegationData:
    """Simulate the delegation study's world and build its panel with the truth (SIMULATED).

    Parameters
    ----------
    n_dossiers : int
        Dossiers 2017–2024 (generated in memory).
    seed : int
        Seed of the simulation (:func:`cchc_research.simulate.simulate_dossiers`).
    freq : {"month", "quarter", "half", "year"}
    starts : dict, optional
        Delegation month by field code (default :data:`DEFAULT_DELEGATION_STARTS`).
    effects : dict, optional
        ``delegation_late_reduction`` and ``delegation_sat_gain`` (default
        :data:`DEFAULT_EFFECTS`).

    Returns
    -------
    DelegationData
        ``simulated=True``; the panel carries the true effects per cell × period.
    """
    eff = dict(DEFAULT_EFFECTS if effects is None else effects)
    params = WorldParams(delegation_start=dict(starts or DEFAULT_DELEGATION_STARTS), **eff)
    world = simulate_dossiers(n_dossiers, seed, params=params)
    dossiers = world.dossiers.copy()
    # the 2021 geography throughout (Quận 2, Quận 9 and Thủ Đức counted under 769), as the
    # truth and the rollout panel (cchc_research.simulate.panel)
    dossiers["unit"] = dossiers["unit"].replace(MERGED_INTO)
    # the world's own calendar: every delegable procedure of a field from the field's month
    # (the truth is known per field x procedure group, so cells must follow it exactly)
    st = world.structure
    starts_by_field = dict(params.delegation_start)
    calendar = pd.DataFrame(
        [{"unit": pd.NA, "procedure_code": str(st.proc_codes[i, j]),
          "delegation_start": pd.Timestamp(starts_by_field[f.code] + "-01")}
         for i, f in enumerate(FIELDS) for j in range(st.proc_codes.shape[1])
         if st.proc_delegable[i, j]]).astype({"unit": "string", "procedure_code": "string"})
    panel = build_delegation_panel(dossiers, calendar=calendar, freq=freq)
    truth = world.delegation_truth_table(freq)
    truth = truth.groupby(["unit", "field", "group", "period"], sort=False).agg(
        true_effect_on_time_rate=("true_effect_on_time_rate", "first"),
        true_effect_satisfaction_rate=("true_effect_satisfaction_rate", "first"),
        expected_on_time_rate=("expected_on_time_rate", "first"),
        expected_satisfaction_rate=("expected_satisfaction_rate", "first"),
    ).reset_index()
    panel = panel.merge(truth, on=["unit", "field", "group", "period"], how="left",
                        validate="many_to_one")
    for o in OUTCOMES:
        panel[f"true_effect_{o}"] = panel[f"true_effect_{o}"].fillna(0.0)
    calendar = delegation_calendar_from_dossiers(dossiers)
    meta = {"seed": int(seed), "n_dossiers": int(n_dossiers), "starts": params.delegation_start,
            **eff}
    return DelegationData(panel=panel, calendar=calendar, freq=freq, simulated=True, world=meta)


def contrast_panel(panel: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Within district × field contrasts: each delegated cell minus its field's comparison cell.

    Parameters
    ----------
    panel : DataFrame
        :attr:`DelegationData.panel`.
    outcome : str
        One of :data:`OUTCOMES`.

    Returns
    -------
    DataFrame
        One row per delegated cell × period in which both the cell and the never-delegated
        cell of the same district and field have the outcome: ``cell``, ``unit``, ``field``,
        ``cohort``, ``cohort_idx``, ``period``, ``time``, ``event_time``, ``post``,
        ``outcome`` (the contrast, rate scale) and, when present, the delegated cell's
        ``true_effect`` (the comparison cell's true effect is zero by definition).
    """
    keep = ["cell", "unit", "field", "cohort", "cohort_idx", "period", "time", "event_time",
            "post", outcome]
    truth_col = f"true_effect_{outcome}"
    treated = panel.loc[panel["group"] == "delegated", keep + (
        [truth_col] if truth_col in panel.columns else [])]
    control = panel.loc[panel["group"] == "not_delegated", ["unit", "field", "time", outcome]]
    m = treated.merge(control.rename(columns={outcome: "_control"}),
                      on=["unit", "field", "time"], how="inner", validate="many_to_one")
    m["outcome"] = m[outcome] - m["_control"]
    m = m[m["outcome"].notna()].drop(columns=[outcome, "_control"])
    if truth_col in m.columns:
        m = m.rename(columns={truth_col: "true_effect"})
    return m.reset_index(drop=True)


@dataclass
class DelegationEstimates:
    """Estimates of the delegation study for one outcome.

    Attributes
    ----------
    outcome : str
    cs : StaggeredDiDResults
        Callaway–Sant'Anna ATT(g, t), never-treated comparison, clustered by district.
    simple, dynamic : results of ``cs.aggregate("simple" | "dynamic")``
    twfe : TWFEResults
        Delegation dummy with cell, district × period and field × period fixed effects, CR1
        by district.
    n_cells, n_delegated_cells, n_districts, n_periods : int
        Cells in the TWFE sample, delegated cells (contrast series) in the Callaway–Sant'Anna
        sample, districts and periods.
    truth : dict
        Simulated data only: the true ``simple`` ATT (equal weight over the identified
        treated contrast cells × periods, the estimand of ``simple``), the ``dynamic`` one
        (mean over event times), ``by_event_time`` (DataFrame) and ``twfe_cells`` (mean true
        effect over all delegated cells × periods, the TWFE's treated sample).
    """

    outcome: str
    cs: Any
    simple: Any
    dynamic: Any
    twfe: Any
    n_cells: int
    n_delegated_cells: int
    n_districts: int
    n_periods: int
    truth: dict[str, Any] = field(default_factory=dict)

    def summary_table(self, level: float = 0.95) -> pd.DataFrame:
        """One row per estimator: estimate, std_error, ci_low, ci_high, p_value (rate scale)."""
        rows = []
        for name, res, term in (("callaway_santanna", self.simple, None),
                                ("twfe_field_period_fe", self.twfe, "post")):
            if res is None:
                continue
            tidy = res.tidy(level) if term is None else res.tidy(level).query("term == @term")
            r = tidy.iloc[0]
            rows.append({"estimator": name, "estimate": float(r["estimate"]),
                         "std_error": float(r["std_error"]), "ci_low": float(r["ci_low"]),
                         "ci_high": float(r["ci_high"]), "p_value": float(r["p_value"])})
        return pd.DataFrame(rows)


def estimate_delegation(data: DelegationData, outcome: str = "on_time_rate", *,
                        with_twfe: bool = True) -> DelegationEstimates:
    """Fit the study's two estimators for one outcome.

    * Callaway–Sant'Anna on the within district × field contrasts (:func:`contrast_panel`),
      not-yet-delegated contrasts as comparison (periods from the last cohort's delegation on
      are not identified and dropped, as R ``did``), influence functions summed by district.
      Contrast series whose cells miss a period are dropped (balanced panel, as R ``did``
      with ``allow_unbalanced_panel=FALSE``).
    * TWFE on the cells: outcome on the delegation dummy with cell, district × period and
      field × period fixed effects, CR1 by district.

    Parameters
    ----------
    data : DelegationData
    outcome : {"on_time_rate", "satisfaction_rate"}
    with_twfe : bool, default True
        Also fit the TWFE check (``False`` leaves ``twfe`` as None; Monte Carlo loops).

    Returns
    -------
    DelegationEstimates

    Raises
    ------
    ModelError
        Unknown outcome (or an estimator's own refusal, e.g. a single cohort without
        not-yet-treated comparisons).
    """
    if outcome not in OUTCOMES:
        raise ModelError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    contrasts = contrast_panel(data.panel, outcome)
    n_periods = int(contrasts["time"].nunique())
    counts = contrasts.groupby("cell")["time"].transform("size")
    contrasts = contrasts[counts == n_periods].reset_index(drop=True)
    cs = staggered_did(contrasts, outcome="outcome", unit="cell", time="time",
                       cohort="cohort_idx", control="not_yet_treated", cluster="unit")
    p = data.panel[data.panel[outcome].notna()].copy()
    p["unit_time"] = p["unit"].astype(str) + "|" + p["time"].astype(str)
    p["field_time"] = p["field"].astype(str) + "|" + p["time"].astype(str)
    tw = (twfe(p, outcome, ["post"], fe=["cell", "unit_time", "field_time"], cluster="unit",
               vcov="cluster", ssc="stata") if with_twfe else None)
    truth: dict[str, Any] = {}
    if data.simulated:
        last = int(contrasts["cohort_idx"].max())
        window = contrasts[(contrasts["post"] == 1) & (contrasts["time"] < last)]
        by_e = window.groupby("event_time")["true_effect"].mean()
        truth = {"simple": float(window["true_effect"].mean()),
                 "dynamic": float(by_e.mean()),
                 "by_event_time": by_e.rename("true_effect").reset_index().astype(
                     {"event_time": "int64"}),
                 "twfe_cells": float(p.loc[p["post"] == 1, f"true_effect_{outcome}"].mean())}
    return DelegationEstimates(
        outcome=outcome, cs=cs, simple=cs.aggregate("simple"), dynamic=cs.aggregate("dynamic"),
        twfe=tw, n_cells=int(p["cell"].nunique()),
        n_delegated_cells=int(contrasts["cell"].nunique()),
        n_districts=int(p["unit"].nunique()), n_periods=n_periods, truth=truth)


def delegation_results(n_dossiers: int = 600_000, seed: int = 20240415, *,
                       late_reduction: float = 0.5, sat_gain: float = 0.3,
                       bootstrap_reps: int = 9999) -> dict[str, Any]:
    """The whole delegation study on its simulated world: the numbers notebook 07 shows.

    Parameters
    ----------
    n_dossiers, seed : int
        Size and seed of the simulated world (:func:`simulate_delegation`).
    late_reduction, sat_gain : float
        True effects of delegation in the world (``delegation_late_reduction``,
        ``delegation_sat_gain``), each in [0, 1).
    bootstrap_reps : int
        Wild cluster bootstrap draws for the TWFE check (Webb weights, 22 district clusters;
        :func:`cchc_research.models.wild_bootstrap`, seeded with ``seed``).

    Returns
    -------
    dict
        ``data`` (:class:`DelegationData`), ``estimates`` (outcome → :class:`DelegationEstimates`),
        ``bootstrap`` (outcome → wild bootstrap result of the TWFE), ``table`` (one row per
        outcome × estimator: ``outcome``, ``estimator``, ``estimate``, ``ci_low``,
        ``ci_high``, ``p_value``, ``truth``; rate scale), ``event_study`` (on-time rate:
        ``event_time``, ``estimate``, ``ci_low``, ``ci_high``, ``truth``), ``cohorts``
        (``cohort``, ``fields`` (codes), ``cells``).
    """
    data = simulate_delegation(n_dossiers, seed, effects={
        "delegation_late_reduction": float(late_reduction),
        "delegation_sat_gain": float(sat_gain)})
    estimates, boots, rows = {}, {}, []
    for outcome in OUTCOMES:
        est = estimate_delegation(data, outcome)
        boot = wild_bootstrap(est.twfe, param="post", B=int(bootstrap_reps), seed=int(seed))
        estimates[outcome], boots[outcome] = est, boot
        s = est.simple.tidy().iloc[0]
        rows.append({"outcome": outcome, "estimator": "cs_contrasts",
                     "estimate": float(s["estimate"]), "ci_low": float(s["ci_low"]),
                     "ci_high": float(s["ci_high"]), "p_value": float(s["p_value"]),
                     "truth": est.truth["simple"]})
        ci = boot.conf_int().loc["post"]
        rows.append({"outcome": outcome, "estimator": "twfe_ddd",
                     "estimate": float(est.twfe.params["post"]), "ci_low": float(ci["lower"]),
                     "ci_high": float(ci["upper"]), "p_value": float(boot.pvalues["post"]),
                     "truth": est.truth["twfe_cells"]})
    on = estimates["on_time_rate"]
    dyn = on.dynamic.tidy()
    dyn = dyn[dyn["term"].str.startswith("e=")].copy()
    dyn["event_time"] = dyn["term"].str[2:].astype(int)
    truth_e = on.truth["by_event_time"].set_index("event_time")["true_effect"]
    dyn["truth"] = dyn["event_time"].map(truth_e).fillna(0.0)
    event = dyn[["event_time", "estimate", "ci_low", "ci_high", "truth"]].reset_index(drop=True)
    deleg = data.panel[data.panel["group"] == "delegated"]
    cohorts = (deleg.groupby("cohort", sort=True)
               .agg(fields=("field", lambda s: sorted(set(s))), cells=("cell", "nunique"))
               .reset_index())
    return {"data": data, "estimates": estimates, "bootstrap": boots,
            "table": pd.DataFrame(rows), "event_study": event, "cohorts": cohorts}
