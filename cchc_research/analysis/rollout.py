"""Notebook 06: the online-service rollout in a SIMULATED world of district dossiers.

Everything here works on :mod:`cchc_research.simulate` — *simulated* (*mô phỏng*) data with
known true effects, never on real exports. The chain is the one a researcher would run on a
real district export: dossiers → :func:`cchc_research.dossiers.aggregate` → district ×
period panel → estimators, and every estimate is set against the truth.

* :func:`build_rollout_panel` — simulate the world and build the panel (integer period and
  cohort numbers added for the estimators).
* :func:`cohort_table`, :func:`calibration_table` — the rollout cohorts; simulated city
  aggregates against the published figures the world is calibrated to.
* :func:`estimate_all` — naive two-way fixed-effects (TWFE) event study and static ATT (with
  a wild cluster bootstrap), Callaway–Sant'Anna and Sun–Abraham, each with its truth. The
  last two use unit × period variances (:data:`DID_INFERENCE`): with one late unit as the
  only comparison, their analytic intervals cover 82% and 70% of the truth (100 worlds),
  these 95–96% (200 worlds).

A user's own exports and rollout calendar go through :mod:`cchc_research.analysis.own_data`
(notebook 06's ``dossiers`` and ``rollout`` parameters).
* :func:`twfe_weights` — the implicit weights of the static TWFE coefficient on the treated
  cells (de Chaisemartin & D'Haultfœuille 2020), some of them negative.
* :func:`identification_checks` — the specifications refused without a never-treated unit.

Figures, tables and texts in Vietnamese or English are in :mod:`cchc_research.reporting.rollout`
(this module holds data and estimates only).

Identification in this world: every district adopts by 2020 (no never-treated unit), so
Callaway–Sant'Anna compares with the *not-yet-treated* districts and Sun–Abraham with the
*last-treated* cohort; both identify effects only in the periods before the last cohort
adopts (:attr:`RolloutData.identified_through`).

Examples
--------
>>> from cchc_research.analysis.rollout import build_rollout_panel
>>> data = build_rollout_panel(20_000, seed=5, freq="quarter")
>>> data.panel["unit"].nunique(), data.last_cohort, data.identified_through
(22, '2020-Q1', '2019-Q4')
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import AggregationError, FewClustersWarning, ModelError, NoNeverTreatedError
from cchc_research.models import event_study_twfe, staggered_did, twfe, wild_bootstrap
from cchc_research.models.did_weights import twfe_weights as cell_weights
from cchc_research.periods import period_frame
from cchc_research.periods import period_number as calendar_period_number
from cchc_research.simulate import CALIBRATION_TARGETS, DISTRICTS, simulate_dossiers, simulate_panel
from cchc_research.simulate.truth import overall_att
from cchc_research.simulate.world import MERGED_INTO

__all__ = ["FREQS", "OUTCOMES", "ESTIMATORS", "RolloutData", "RolloutEstimates",
           "period_number", "build_rollout_panel", "cohort_table", "calibration_table",
           "twfe_weights", "twfe_decomposition", "estimate_all", "identification_checks"]

#: Panel frequencies supported (cohorts fall on period starts for both).
FREQS = ("month", "quarter")
#: Outcomes with a true effect in the simulated world.
OUTCOMES = ("on_time_rate", "satisfaction_rate")
#: Estimator codes, in display order.
ESTIMATORS = ("truth", "twfe_event_study", "twfe_static", "twfe_static_wild", "twfe_static_window",
              "callaway_santanna", "sun_abraham")

#: Inference used by default for Callaway–Sant'Anna and Sun–Abraham, and its draws.
DID_INFERENCE = "cell_variance"
DID_REPS = 999
_INFERENCE_CODE = {"cluster": "cr1", "CR1": "cr1", "wild-cluster-bootstrap": "wild_bootstrap",
                   "influence": "analytic", "randomization": "randomization",
                   "multiplier-bootstrap": "multiplier", "cell-variance": "cell_variance"}
_PER_YEAR = {"month": 12, "quarter": 4}


def period_number(labels: Any, freq: str) -> np.ndarray:
    """Consecutive integer numbers of canonical period labels ("2019-04", "2019-Q2").

    The numbering of :func:`cchc_research.periods.period_number`: ``12 * year + month - 1`` for
    months, ``4 * year + quarter - 1`` for quarters. Numbers come from each label's calendar
    value, never from its position: a panel with a missing quarter keeps a gap of 2 between
    its neighbours, so event times and cohorts stay exact (the estimators then see an
    unbalanced or uneven panel and say so).

    Parameters
    ----------
    labels : sequence of str
    freq : {"month", "quarter"}

    Returns
    -------
    numpy.ndarray of int64

    Raises
    ------
    AggregationError
        Unknown ``freq``.
    PeriodError
        A label that is not a canonical label of ``freq``.

    Examples
    --------
    >>> period_number(["2019-Q1", "2020-Q1"], "quarter").tolist()
    [8076, 8080]
    >>> period_number(["2019-12"], "month").tolist()
    [24239]
    >>> period_number(["2019-Q1", "2019-Q3"], "quarter").tolist()  # 2019-Q2 missing: a gap
    [8076, 8078]
    """
    if freq not in FREQS:  # the rollout panel is monthly or quarterly
        raise AggregationError(f"freq must be one of {FREQS}, not {freq!r}")
    return calendar_period_number(labels, freq)


def _label(number: int, freq: str) -> str:
    return str(period_frame([int(number)], freq)["period"].iloc[0])


@dataclass
class RolloutData:
    """A simulated world, its district × period panel and its truth.

    Attributes
    ----------
    world : SimulatedWorld
    panel : DataFrame
        :func:`cchc_research.simulate.simulate_panel` output plus ``period_number`` and
        ``cohort_number`` (integers for the estimators).
    truth : DataFrame
        Truth by unit × period at ``freq`` (:func:`cchc_research.simulate.truth_table`).
    freq : str
    """

    world: Any
    panel: pd.DataFrame
    truth: pd.DataFrame
    freq: str

    @property
    def last_cohort(self) -> str:
        """Label of the last rollout cohort."""
        return str(self.panel["cohort"].max())

    @property
    def identified_through(self) -> str:
        """Last period before the last cohort adopts (the not-yet-treated window)."""
        return _label(int(self.panel["cohort_number"].max()) - 1, self.freq)


def build_rollout_panel(n_dossiers: int = 300_000, seed: int = DEFAULT_SEED, *,
                        freq: str = "quarter", world: Any = None) -> RolloutData:
    """Simulate dossiers in memory and aggregate them to the district × period panel.

    Parameters
    ----------
    n_dossiers : int
        Dossiers of the whole world, 2017–2024 (ignored when ``world`` is given).
    seed : int
        Seed of the simulation.
    freq : {"quarter", "month"}
        Panel period. Quarters give 32 periods of 22 districts; rollouts start on quarter
        starts, so event time is exact.
    world : SimulatedWorld, optional
        Reuse a simulated world.

    Returns
    -------
    RolloutData

    Raises
    ------
    AggregationError
        Unknown ``freq``.

    Examples
    --------
    >>> data = build_rollout_panel(20_000, seed=5)
    >>> data.panel[["period_number", "cohort_number"]].dtypes.astype(str).tolist()
    ['int64', 'int64']
    """
    if freq not in FREQS:
        raise AggregationError(f"freq must be one of {FREQS}, not {freq!r}")
    if world is None:
        world = simulate_dossiers(int(n_dossiers), int(seed))
    panel = simulate_panel(world=world, freq=freq)
    panel["period_number"] = period_number(panel["period"], freq)
    panel["cohort_number"] = period_number(panel["cohort"], freq)
    return RolloutData(world=world, panel=panel, truth=world.truth_table(freq), freq=freq)


def cohort_table(data: RolloutData) -> pd.DataFrame:
    """Rollout cohorts: first month, units of the 2021 and districts of the 2020 geography.

    Parameters
    ----------
    data : RolloutData

    Returns
    -------
    DataFrame
        cohort, rollout_month, units_2021, districts_2020, districts (names).

    Examples
    --------
    >>> data = build_rollout_panel(20_000, seed=5)
    >>> cohort_table(data)["units_2021"].tolist()
    [4, 9, 5, 3, 1]
    """
    rows = pd.DataFrame({"district": [d.name_vi for d in DISTRICTS],
                         "unit": [MERGED_INTO.get(d.code, d.code) for d in DISTRICTS],
                         "rollout_month": [d.rollout for d in DISTRICTS]})
    cohorts = data.panel.drop_duplicates("unit").set_index("unit")["cohort"].astype(str)
    rows["cohort"] = rows["unit"].map(cohorts)
    out = rows.groupby("cohort", sort=True).agg(
        rollout_month=("rollout_month", "first"), units_2021=("unit", "nunique"),
        districts_2020=("district", "size"), districts=("district", ", ".join)).reset_index()
    return out.astype({"units_2021": "int64", "districts_2020": "int64"})


def calibration_table(data: RolloutData) -> pd.DataFrame:
    """Simulated city aggregates against the published figures the world is calibrated to.

    City totals are sums of the panel's counts over the target window: late rate =
    resolved late / resolved, on-time rate = resolved on time / resolved, dissatisfaction =
    1 − satisfied / rated. ``std_error`` is the binomial standard error of the simulated
    share (the world is calibrated in expectation, so ``z`` should be small).

    Parameters
    ----------
    data : RolloutData

    Returns
    -------
    DataFrame
        target, period, reported, simulated, std_error, difference, z,
        denominator, source (one row per
        :data:`~cchc_research.simulate.CALIBRATION_TARGETS` entry).

    Raises
    ------
    AggregationError
        The panel's periods do not tile a target window exactly.

    Examples
    --------
    >>> tab = calibration_table(build_rollout_panel(20_000, seed=5))
    >>> tab["target"].tolist()
    ['late_rate_2019_H1', 'on_time_rate_2024_Q1', 'dissatisfaction_rate_2019']
    """
    formulas = {"late_rate_2019_H1": ("resolved_late", "resolved", False),
                "on_time_rate_2024_Q1": ("resolved_on_time", "resolved", False),
                "dissatisfaction_rate_2019": ("satisfied", "rated", True)}
    p = data.panel
    rows = []
    for key, target in CALIBRATION_TARGETS.items():
        num, den, complement = formulas[key]
        lo = pd.Timestamp(target["period"][0])
        hi = pd.Timestamp(target["period"][1]) + pd.offsets.MonthEnd(0)
        inside = p[(p["period_start"] >= lo) & (p["period_end"] <= hi)]
        n_months = (hi.to_period("M") - lo.to_period("M")).n + 1
        if inside.empty or inside["period"].nunique() * (12 // _PER_YEAR[data.freq]) != n_months:
            raise AggregationError(f"the {data.freq} panel does not tile the window of {key}")
        n, k = float(inside[den].sum()), float(inside[num].sum())
        share = 1.0 - k / n if complement else k / n
        se = float(np.sqrt(share * (1.0 - share) / n))
        label = f"{target['period'][0]}..{target['period'][1]}"
        rows.append({"target": key, "period": label,
                     "reported": float(target["value"]), "simulated": share, "std_error": se,
                     "difference": share - float(target["value"]),
                     "z": (share - float(target["value"])) / se, "denominator": int(n),
                     "source": target["source"]})
    return pd.DataFrame(rows)


def twfe_weights(data: RolloutData, outcome: str | None = "on_time_rate") -> pd.DataFrame:
    """Implicit weights of the static TWFE coefficient on each treated cell.

    By Frisch–Waugh–Lovell, the coefficient ``β`` of ``y ~ D | unit + period`` on a balanced
    panel is ``Σ D̃·y / Σ D̃·D`` with ``D̃`` the two-way demeaned treatment, so under parallel
    trends it estimates ``Σ_treated w·τ`` with ``w = D̃ / Σ D̃·D`` (de Chaisemartin &
    D'Haultfœuille 2020). The weights sum to one; cells of early cohorts late in the panel
    get negative weight. ``weighted_outcome`` (``w`` times the outcome over every cell,
    treated and not) sums to ``β`` exactly.

    Parameters
    ----------
    data : RolloutData
    outcome : str, optional
        Outcome column for ``weighted_outcome``; ``None``: weights only (they depend on the
        rollout design alone).

    Returns
    -------
    DataFrame
        unit, cohort, period, event_time, treated, weight (``D̃ / Σ D̃·D`` on every cell),
        the true effects and, with ``outcome``, the outcome and ``weighted_outcome``.

    Raises
    ------
    ModelError
        Unbalanced panel or missing outcome.

    Examples
    --------
    >>> w = twfe_weights(build_rollout_panel(20_000, seed=5), outcome=None)
    >>> round(float(w.loc[w["treated"], "weight"].sum()), 10)
    1.0
    """
    p = data.panel.sort_values(["unit", "period_number"], ignore_index=True)
    w = cell_weights(p, "unit", "period_number", "treated", outcome)  # cchc_research.models.did_weights
    out = p[["unit", "cohort", "period", "event_time", "treated",
             "true_effect_on_time_rate", "true_effect_satisfaction_rate"]].copy()
    out.insert(5, "weight", w["weight"].to_numpy())
    if outcome is not None:
        out[outcome] = p[outcome].to_numpy()
        out["weighted_outcome"] = w["weighted_outcome"].to_numpy()
    return out


def twfe_decomposition(est: "RolloutEstimates") -> pd.DataFrame:
    """What the static TWFE coefficient averages, by cohort, against the equal-weight ATT.

    One row per rollout cohort and a final ``"all"`` row: treated cells, their share under
    equal weights (the ATT's weighting), the sum of their implicit TWFE weights, the number
    and sum of negative weights, the true ATT, the TWFE estimand ``Σ w·τ`` and (``"all"``
    row) the TWFE estimate.

    Parameters
    ----------
    est : RolloutEstimates

    Returns
    -------
    DataFrame
        cohort, treated_cells, equal_weight, twfe_weight, negative_cells, negative_weight,
        true_att, twfe_estimand, twfe_estimate.

    Examples
    --------
    >>> data = build_rollout_panel(40_000, seed=5)
    >>> dec = twfe_decomposition(estimate_all(data, bootstrap_reps=999))
    >>> dec["cohort"].tolist()[-1], bool(dec["negative_cells"].iloc[-1] > 0)
    ('all', True)
    """
    w = est.weights
    tr = w[w["treated"]].copy()
    tr["tau"] = tr[f"true_effect_{est.outcome}"]
    tr["w_tau"] = tr["weight"] * tr["tau"]
    tr["negative"] = tr["weight"] < 0
    tr["neg_weight"] = tr["weight"].where(tr["negative"], 0.0)

    def summarize(g: pd.DataFrame) -> dict[str, float]:
        return {"treated_cells": len(g), "equal_weight": len(g) / len(tr),
                "twfe_weight": float(g["weight"].sum()), "negative_cells": int(g["negative"].sum()),
                "negative_weight": float(g["neg_weight"].sum()),
                "true_att": float(g["tau"].mean()), "twfe_estimand": float(g["w_tau"].sum())}

    rows = [{"cohort": str(c), **summarize(g)} for c, g in tr.groupby("cohort", sort=True)]
    rows.append({"cohort": "all", **summarize(tr),
                 "twfe_estimate": float(est.results["twfe_static"].params["rollout"])})
    out = pd.DataFrame(rows)
    return out.astype({"treated_cells": "int64", "negative_cells": "int64"})


def _truth_event_time(truth: pd.DataFrame, col: str, window: tuple[int, int] | None,
                      through: str | None) -> pd.Series:
    t = truth if through is None else truth[truth["period"].astype(str) <= through]
    e = t["event_time"] if window is None else t["event_time"].clip(*window)
    return t[col].where(t["treated"], 0.0).groupby(e).mean()


def _rows(res, estimator: str, outcome: str, truth: pd.Series, prefix: str = "e=") -> pd.DataFrame:
    tidy = res.tidy()
    tidy = tidy[tidy["term"].str.startswith(prefix)].copy()
    tidy["event_time"] = tidy["term"].str[len(prefix):].astype("int64")
    tidy["estimator"], tidy["outcome"] = estimator, outcome
    tidy["truth"] = tidy["event_time"].map(truth).to_numpy(dtype=float)
    return tidy[["outcome", "estimator", "event_time", "estimate", "std_error", "ci_low", "ci_high",
                 "truth"]]


@dataclass
class RolloutEstimates:
    """Everything :func:`estimate_all` computed for one outcome (tidy frames + raw results)."""

    outcome: str
    event_study: pd.DataFrame
    overall: pd.DataFrame
    weights: pd.DataFrame
    results: dict[str, Any] = field(default_factory=dict)


def estimate_all(data: RolloutData, outcome: str = "on_time_rate", *,
                 window: tuple[int, int] = (-8, 16), bootstrap_reps: int = 9999,
                 seed: int = DEFAULT_SEED, inference: str = DID_INFERENCE,
                 did_reps: int = DID_REPS) -> RolloutEstimates:
    """Naive TWFE, Callaway–Sant'Anna and Sun–Abraham on one outcome, each with its truth.

    * TWFE event study on the full panel (endpoints binned at ``window``; without binning it
      is not identified when every unit is treated) and static TWFE ``y ~ D | unit +
      period``, clustered by district (CR1), with a wild cluster bootstrap (WCR, Webb
      weights, 22 clusters); static TWFE also on the window before the last cohort.
    * Callaway–Sant'Anna, ``control="not_yet_treated"`` (no never-treated district).
    * Sun–Abraham, ``control="last_treated"``.
    * Their intervals and p-values (event study and overall ATT) from ``inference``:
      by default ``"cell_variance"`` (independent cell errors with unit × period
      variances; :meth:`~cchc_research.models.did.StaggeredDiDResults.aggregate`), the
      method whose coverage holds in this design (95–96% over 200 simulated worlds, see
      notebook 06); ``"randomization"`` (rollout dates permuted) holds too but is slightly
      conservative; ``"analytic"`` and ``"multiplier"`` are too narrow here.

    The truth of each estimand: equal weight on treated unit × period cells of the sample
    the estimator uses (full period, or through :attr:`RolloutData.identified_through`),
    event-time profiles binned like the estimator.

    Parameters
    ----------
    data : RolloutData
    outcome : {"on_time_rate", "satisfaction_rate"}
    window : (int, int)
        Event-time window (endpoints binned for TWFE; display range for all).
    bootstrap_reps : int
        Wild cluster bootstrap draws.
    seed : int
        Seed of the bootstrap draws and of the permutations.
    inference : {"cell_variance", "randomization", "multiplier", "analytic"}
        Inference for Callaway–Sant'Anna and Sun–Abraham (``"multiplier"`` applies to
        Callaway–Sant'Anna only; Sun–Abraham then stays analytic).
    did_reps : int
        Permutations (or multiplier draws) for that inference.

    Returns
    -------
    RolloutEstimates
        ``event_study`` (outcome, estimator, event_time, estimate, std_error, ci_low,
        ci_high, truth; estimator ``"truth"`` rows carry the full-period true profile) and
        ``overall`` (outcome, estimator, sample, estimate, std_error, ci_low, ci_high,
        p_value, truth, bias, covers_truth).

    Raises
    ------
    ModelError
        Unknown ``outcome`` or a model error from :mod:`cchc_research.models`.

    Examples
    --------
    >>> est = estimate_all(build_rollout_panel(40_000, seed=5), bootstrap_reps=999)
    >>> est.overall["estimator"].tolist()[:3]
    ['twfe_static', 'twfe_static_wild', 'twfe_static_window']
    """
    if outcome not in OUTCOMES:
        raise ModelError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    true_col = f"true_effect_{outcome}"
    p = data.panel.assign(rollout=data.panel["treated"].astype(float))
    through = data.identified_through
    in_window = p[p["period"].astype(str) <= through]
    spec = dict(outcome=outcome, unit="unit", time="period_number", cohort="cohort_number")
    res: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewClustersWarning)  # answered by the wild bootstrap
        res["twfe_event_study"] = event_study_twfe(p, **spec, window=window)
        res["twfe_static"] = twfe(p, outcome, ["rollout"], fe=["unit", "period_number"],
                                  cluster="unit")
        res["twfe_static_window"] = twfe(in_window, outcome, ["rollout"],
                                         fe=["unit", "period_number"], cluster="unit")
    res["twfe_static_wild"] = wild_bootstrap(res["twfe_static"], B=bootstrap_reps,
                                             weights="webb", seed=seed)
    res["callaway_santanna"] = staggered_did(p, **spec, control="not_yet_treated")
    res["sun_abraham"] = staggered_did(p, **spec, method="sun_abraham", control="last_treated")

    full_truth = _truth_event_time(data.truth, true_col, window, None)
    win_truth = _truth_event_time(data.truth, true_col, None, through)
    es = [_rows(res["twfe_event_study"], "twfe_event_study", outcome, full_truth)]
    agg: dict[str, dict[str, Any]] = {}
    for name in ("callaway_santanna", "sun_abraham"):
        how = "analytic" if (inference == "multiplier" and name == "sun_abraham") else inference
        agg[name] = {kind: res[name].aggregate(kind, inference=how, B=did_reps, seed=seed)
                     for kind in ("dynamic", "simple")}
        rows = _rows(agg[name]["dynamic"], name, outcome, win_truth)
        es.append(rows[rows["event_time"].between(*window)])
    truth_rows = pd.DataFrame({"outcome": outcome, "estimator": "truth",
                               "event_time": full_truth.index.astype("int64"),
                               "truth": full_truth.to_numpy(dtype=float)})
    event_study = pd.concat([truth_rows, *es], ignore_index=True)

    att_full = overall_att(data.truth)[outcome]
    att_win = overall_att(data.truth, through)[outcome]
    first, last = str(p["period"].min()), str(p["period"].max())
    rows = []
    for name, fit, term, truth, sample in (
        ("twfe_static", res["twfe_static"], "rollout", att_full, f"{first}..{last}"),
        ("twfe_static_wild", res["twfe_static_wild"], "rollout", att_full, f"{first}..{last}"),
        ("twfe_static_window", res["twfe_static_window"], "rollout", att_win, f"{first}..{through}"),
        ("callaway_santanna", agg["callaway_santanna"]["simple"], "ATT", att_win,
         f"{first}..{through}"),
        ("sun_abraham", agg["sun_abraham"]["simple"], "ATT", att_win, f"{first}..{through}"),
    ):
        ci = fit.conf_int(0.95).loc[term]
        rows.append({"outcome": outcome, "estimator": name, "sample": sample,
                     "estimate": float(fit.params[term]), "std_error": float(fit.std_errors[term]),
                     "ci_low": float(ci.iloc[0]), "ci_high": float(ci.iloc[1]),
                     "p_value": float(fit.pvalues[term]), "truth": float(truth),
                     "inference": _INFERENCE_CODE.get(fit.cov_type, str(fit.cov_type))})
    overall = pd.DataFrame(rows)
    res["aggregated"] = agg
    overall["bias"] = overall["estimate"] - overall["truth"]
    overall["covers_truth"] = (overall["ci_low"] <= overall["truth"]) & (overall["truth"] <= overall["ci_high"])
    return RolloutEstimates(outcome=outcome, event_study=event_study, overall=overall,
                            weights=twfe_weights(data, outcome), results=res)


def identification_checks(data: RolloutData, outcome: str = "on_time_rate") -> pd.DataFrame:
    """Try the two specifications that need a never-treated unit; say which are refused.

    Without a never-treated district, Callaway–Sant'Anna with ``control="never_treated"``
    has no comparison group, and a TWFE event study with every relative period is
    collinear with the unit and period effects (Borusyak, Jaravel & Spiess 2024, sec. 3).

    Parameters
    ----------
    data : RolloutData
    outcome : str

    Returns
    -------
    DataFrame
        check (``cs_never_treated``, ``twfe_unbinned``), refused (bool), error (class name
        of the refusal, or ``""``).

    Examples
    --------
    >>> identification_checks(build_rollout_panel(40_000, seed=5))["refused"].tolist()
    [True, True]
    """
    spec = dict(unit="unit", time="period_number", cohort="cohort_number")
    calls = {"cs_never_treated": lambda: staggered_did(data.panel, outcome, **spec, control="never_treated"),
             "twfe_unbinned": lambda: event_study_twfe(data.panel, outcome, **spec)}
    rows = []
    for check, call in calls.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FewClustersWarning)
                call()
            rows.append({"check": check, "refused": False, "error": ""})
        except NoNeverTreatedError as err:
            rows.append({"check": check, "refused": True, "error": type(err).__name__})
    return pd.DataFrame(rows)
