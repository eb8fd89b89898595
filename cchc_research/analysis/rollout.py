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
  a wild cluster bootstrap), Callaway–Sant'Anna and Sun–Abraham, each with its truth.
* :func:`twfe_weights` — the implicit weights of the static TWFE coefficient on the treated
  cells (de Chaisemartin & D'Haultfœuille 2020), some of them negative.
* :func:`plot_event_study`, :func:`display_table` — figure and tables in Vietnamese or English.

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

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import AggregationError, FewClustersWarning, ModelError, PeriodError
from cchc_research.labels import SIMULATED, check_lang

__all__ = ["FREQS", "OUTCOMES", "ESTIMATORS", "RolloutData", "RolloutEstimates", "text",
           "period_number", "build_rollout_panel", "cohort_table", "calibration_table",
           "twfe_weights", "estimate_all", "display_table", "plot_event_study"]

#: Panel frequencies supported (cohorts fall on period starts for both).
FREQS = ("month", "quarter")
#: Outcomes with a true effect in the simulated world.
OUTCOMES = ("on_time_rate", "satisfaction_rate")
#: Estimator codes, in display order.
ESTIMATORS = ("truth", "twfe_event_study", "twfe_static", "twfe_static_wild", "twfe_static_window",
              "callaway_santanna", "sun_abraham")

_PER_YEAR = {"month": 12, "quarter": 4}
_PATTERN = {"month": re.compile(r"^(\d{4})-(\d{2})$"), "quarter": re.compile(r"^(\d{4})-Q([1-4])$")}

_TEXT: dict[str, tuple[str, str]] = {  # key: (vi, en)
    "truth": ("Tác động thật", "True effect"),
    "truth_window": ("Tác động thật (cửa sổ nhận diện)", "True effect (identified window)"),
    "twfe_event_study": ("TWFE nghiên cứu sự kiện (thông thường)", "TWFE event study (naive)"),
    "twfe_static": ("TWFE tĩnh, toàn kỳ", "TWFE static, full period"),
    "twfe_static_wild": ("TWFE tĩnh, toàn kỳ — bootstrap cụm hoang dã",
                         "TWFE static, full period — wild cluster bootstrap"),
    "twfe_static_window": ("TWFE tĩnh, trước nhóm cuối", "TWFE static, before the last cohort"),
    "callaway_santanna": ("Callaway–Sant'Anna (đối chứng: chưa triển khai)",
                          "Callaway–Sant'Anna (not-yet-treated controls)"),
    "sun_abraham": ("Sun–Abraham (đối chứng: nhóm triển khai sau cùng)",
                    "Sun–Abraham (last-treated cohort as control)"),
    "on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "satisfaction_rate": ("Tỷ lệ hài lòng", "Satisfaction rate"),
    "late_rate_2019_H1": ("Tỷ lệ trễ hạn, 6 tháng đầu 2019", "Late rate, H1 2019"),
    "on_time_rate_2024_Q1": ("Tỷ lệ đúng hạn, quý I/2024", "On-time rate, Q1 2024"),
    "dissatisfaction_rate_2019": ("Tỷ lệ không hài lòng, 2019", "Dissatisfaction rate, 2019"),
    "event_time_quarter": ("Thời gian tương đối (quý, 0 = quý triển khai)",
                           "Event time (quarters, 0 = rollout quarter)"),
    "event_time_month": ("Thời gian tương đối (tháng, 0 = tháng triển khai)",
                         "Event time (months, 0 = rollout month)"),
    "effect": ("Tác động ước lượng", "Estimated effect"),
    "event_title": ("Triển khai dịch vụ trực tuyến cấp quận — dữ liệu MÔ PHỎNG: {outcome}",
                    "District online-service rollout — SIMULATED data: {outcome}"),
    "caption": ("Nguồn: thế giới MÔ PHỎNG của cchc_research.simulate ({n:,} hồ sơ, seed {seed}); "
                "không phải số liệu thật. Khoảng tin cậy 95%.",
                "Source: SIMULATED world of cchc_research.simulate ({n:,} dossiers, seed {seed}); "
                "not real data. 95% confidence intervals."),
    "estimator": ("Phương pháp", "Estimator"), "sample": ("Mẫu", "Sample"),
    "outcome": ("Chỉ tiêu", "Outcome"), "estimate": ("Ước lượng", "Estimate"),
    "std_error": ("Sai số chuẩn", "Std. error"), "ci_low": ("CI 95% dưới", "95% CI low"),
    "ci_high": ("CI 95% trên", "95% CI high"), "bias": ("Độ chệch", "Bias"),
    "covers_truth": ("CI chứa giá trị thật?", "CI covers truth?"),
    "p_value": ("Giá trị p", "p-value"), "event_time": ("Thời gian tương đối", "Event time"),
    "cohort": ("Nhóm triển khai", "Rollout cohort"), "rollout_month": ("Tháng triển khai", "Rollout month"),
    "units_2021": ("Số đơn vị (22, địa giới 2021)", "Units (22, 2021 geography)"),
    "districts_2020": ("Số quận/huyện (24, địa giới 2020)", "Districts (24, 2020 geography)"),
    "districts": ("Quận/huyện", "Districts"), "indicator": ("Chỉ tiêu", "Indicator"),
    "period": ("Kỳ", "Period"), "reported": ("Số công bố", "Reported"),
    "simulated": ("Số MÔ PHỎNG", "SIMULATED"), "difference": ("Chênh lệch", "Difference"),
    "z": ("Chênh lệch / sai số", "Difference / s.e."), "denominator": ("Mẫu số (hồ sơ)", "Denominator (dossiers)"),
    "source": ("Nguồn số công bố", "Source of the reported figure"),
    "full_period": ("toàn kỳ {first}–{last}", "full period {first}–{last}"),
    "window": ("{first}–{last} (trước nhóm cuối)", "{first}–{last} (before the last cohort)"),
}


def text(key: str, lang: str = "vi") -> str:
    """Label of ``key`` in ``lang`` (estimators, outcomes, table columns, titles).

    Examples
    --------
    >>> text("sun_abraham", "en")
    'Sun–Abraham (last-treated cohort as control)'
    """
    vi, en = _TEXT[key]
    return vi if check_lang(lang) == "vi" else en


def period_number(labels: Any, freq: str) -> np.ndarray:
    """Consecutive integer numbers of canonical period labels ("2019-04", "2019-Q2").

    The convention of :mod:`cchc_research.dossiers.periods`: ``12 * year + month - 1`` for
    months, ``4 * year + quarter - 1`` for quarters.

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
    """
    if freq not in FREQS:
        raise AggregationError(f"freq must be one of {FREQS}, not {freq!r}")
    out = []
    for lab in pd.Series(labels, dtype="object").astype(str):
        match = _PATTERN[freq].match(lab)
        if match is None or (freq == "month" and not 1 <= int(match.group(2)) <= 12):
            raise PeriodError(lab, f"not a canonical {freq} label")
        out.append(int(match.group(1)) * _PER_YEAR[freq] + int(match.group(2)) - 1)
    return np.asarray(out, dtype="int64")


def _label(number: int, freq: str) -> str:
    from cchc_research.dossiers.periods import period_frame

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


def build_rollout_panel(n_dossiers: int = 400_000, seed: int = DEFAULT_SEED, *,
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
    from cchc_research.simulate import simulate_dossiers, simulate_panel

    if freq not in FREQS:
        raise AggregationError(f"freq must be one of {FREQS}, not {freq!r}")
    if world is None:
        world = simulate_dossiers(int(n_dossiers), int(seed))
    panel = simulate_panel(world=world, freq=freq)
    panel["period_number"] = period_number(panel["period"], freq)
    panel["cohort_number"] = period_number(panel["cohort"], freq)
    return RolloutData(world=world, panel=panel, truth=world.truth_table(freq), freq=freq)


def cohort_table(data: RolloutData, lang: str = "vi") -> pd.DataFrame:
    """Rollout cohorts: first month, units of the 2021 and districts of the 2020 geography.

    Examples
    --------
    >>> data = build_rollout_panel(20_000, seed=5)
    >>> cohort_table(data, "en")["units_2021"].tolist()
    [4, 9, 5, 3, 1]
    """
    from cchc_research.simulate.world import DISTRICTS, MERGED_INTO

    check_lang(lang)
    rows = pd.DataFrame({"district": [d.name_vi for d in DISTRICTS],
                         "unit": [MERGED_INTO.get(d.code, d.code) for d in DISTRICTS],
                         "rollout_month": [d.rollout for d in DISTRICTS]})
    cohorts = data.panel.drop_duplicates("unit").set_index("unit")["cohort"].astype(str)
    rows["cohort"] = rows["unit"].map(cohorts)
    out = rows.groupby("cohort", sort=True).agg(
        rollout_month=("rollout_month", "first"), units_2021=("unit", "nunique"),
        districts_2020=("district", "size"), districts=("district", ", ".join)).reset_index()
    return out.astype({"units_2021": "int64", "districts_2020": "int64"})


def calibration_table(data: RolloutData, lang: str = "vi") -> pd.DataFrame:
    """Simulated city aggregates against the published figures the world is calibrated to.

    City totals are sums of the panel's counts over the target window: late rate =
    resolved late / resolved, on-time rate = resolved on time / resolved, dissatisfaction =
    1 − satisfied / rated. ``std_error`` is the binomial standard error of the simulated
    share (the world is calibrated in expectation, so ``z`` should be small).

    Raises
    ------
    AggregationError
        The panel's periods do not tile a target window exactly.

    Examples
    --------
    >>> tab = calibration_table(build_rollout_panel(20_000, seed=5), "en")
    >>> tab["target"].tolist()
    ['late_rate_2019_H1', 'on_time_rate_2024_Q1', 'dissatisfaction_rate_2019']
    """
    from cchc_research.simulate import CALIBRATION_TARGETS

    check_lang(lang)
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
        months = inside.drop_duplicates("period")["period_start"].dt.to_period("M")
        n_months = (hi.to_period("M") - lo.to_period("M")).n + 1
        if inside["period"].nunique() * (12 // _PER_YEAR[data.freq]) != n_months or months.empty:
            raise AggregationError(f"the {data.freq} panel does not tile the window of {key}")
        n, k = float(inside[den].sum()), float(inside[num].sum())
        share = 1.0 - k / n if complement else k / n
        se = float(np.sqrt(share * (1.0 - share) / n))
        label = f"{target['period'][0]}..{target['period'][1]}"
        rows.append({"target": key, "indicator": text(key, lang), "period": label,
                     "reported": float(target["value"]), "simulated": share, "std_error": se,
                     "difference": share - float(target["value"]),
                     "z": (share - float(target["value"])) / se, "denominator": int(n),
                     "source": target["source"]})
    return pd.DataFrame(rows)


def twfe_weights(data: RolloutData, outcome: str = "on_time_rate") -> pd.DataFrame:
    """Implicit weights of the static TWFE coefficient on each treated cell.

    By Frisch–Waugh–Lovell, the coefficient ``β`` of ``y ~ D | unit + period`` on a balanced
    panel is ``Σ D̃·y / Σ D̃·D`` with ``D̃`` the two-way demeaned treatment, so under parallel
    trends it estimates ``Σ_treated w·τ`` with ``w = D̃ / Σ D̃·D`` (de Chaisemartin &
    D'Haultfœuille 2020). The weights sum to one; cells of early cohorts late in the panel
    get negative weight. ``weighted_outcome`` (``w`` times the outcome over every cell,
    treated and not) sums to ``β`` exactly.

    Returns
    -------
    DataFrame
        unit, cohort, period, event_time, treated, weight (``D̃ / Σ D̃·D`` on every cell),
        the outcome, ``weighted_outcome`` and the true effects.

    Raises
    ------
    ModelError
        Unbalanced panel or missing outcome.

    Examples
    --------
    >>> w = twfe_weights(build_rollout_panel(20_000, seed=5))
    >>> round(float(w.loc[w["treated"], "weight"].sum()), 10)
    1.0
    """
    p = data.panel.sort_values(["unit", "period_number"], ignore_index=True)
    n_units, n_periods = p["unit"].nunique(), p["period_number"].nunique()
    if len(p) != n_units * n_periods:
        raise ModelError("twfe_weights needs a balanced panel")
    if p[outcome].isna().any():
        raise ModelError(f"missing values in {outcome!r}")
    d = p["treated"].to_numpy(dtype=float).reshape(n_units, n_periods)
    dt = d - d.mean(axis=1, keepdims=True) - d.mean(axis=0, keepdims=True) + d.mean()
    weight = (dt / np.sum(dt * d)).ravel()
    out = p[["unit", "cohort", "period", "event_time", "treated", outcome,
             "true_effect_on_time_rate", "true_effect_satisfaction_rate"]].copy()
    out.insert(5, "weight", weight)
    out["weighted_outcome"] = weight * out[outcome].to_numpy()
    return out


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
                 seed: int = DEFAULT_SEED) -> RolloutEstimates:
    """Naive TWFE, Callaway–Sant'Anna and Sun–Abraham on one outcome, each with its truth.

    * TWFE event study on the full panel (endpoints binned at ``window``; without binning it
      is not identified when every unit is treated) and static TWFE ``y ~ D | unit +
      period``, clustered by district (CR1), with a wild cluster bootstrap (WCR, Webb
      weights, 22 clusters); static TWFE also on the window before the last cohort.
    * Callaway–Sant'Anna, ``control="not_yet_treated"`` (no never-treated district).
    * Sun–Abraham, ``control="last_treated"``.

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
        Seed of the bootstrap draws.

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
    >>> est = estimate_all(build_rollout_panel(60_000, seed=5), "satisfaction_rate",
    ...                    bootstrap_reps=999)
    >>> est.overall["estimator"].tolist()[:3]
    ['twfe_static', 'twfe_static_wild', 'twfe_static_window']
    """
    from cchc_research.models import event_study_twfe, staggered_did, twfe, wild_bootstrap
    from cchc_research.simulate.truth import overall_att

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
    for name in ("callaway_santanna", "sun_abraham"):
        rows = _rows(res[name].aggregate("dynamic"), name, outcome, win_truth)
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
        ("callaway_santanna", res["callaway_santanna"].aggregate("simple"), "ATT", att_win,
         f"{first}..{through}"),
        ("sun_abraham", res["sun_abraham"].aggregate("simple"), "ATT", att_win, f"{first}..{through}"),
    ):
        ci = fit.conf_int(0.95).loc[term]
        rows.append({"outcome": outcome, "estimator": name, "sample": sample,
                     "estimate": float(fit.params[term]), "std_error": float(fit.std_errors[term]),
                     "ci_low": float(ci.iloc[0]), "ci_high": float(ci.iloc[1]),
                     "p_value": float(fit.pvalues[term]), "truth": float(truth)})
    overall = pd.DataFrame(rows)
    overall["bias"] = overall["estimate"] - overall["truth"]
    overall["covers_truth"] = (overall["ci_low"] <= overall["truth"]) & (overall["truth"] <= overall["ci_high"])
    return RolloutEstimates(outcome=outcome, event_study=event_study, overall=overall,
                            weights=twfe_weights(data, outcome), results=res)


def display_table(frame: pd.DataFrame, lang: str = "vi", digits: int = 4) -> pd.DataFrame:
    """Rounded copy of a table of this module with labels (estimators, columns) in ``lang``.

    Examples
    --------
    >>> df = pd.DataFrame({"estimator": ["sun_abraham"], "estimate": [0.123456]})
    >>> display_table(df, "en").to_dict("records")
    [{'Estimator': 'Sun–Abraham (last-treated cohort as control)', 'Estimate': 0.1235}]
    """
    out = frame.copy()
    for col in ("estimator", "outcome"):
        if col in out:
            out[col] = out[col].map(lambda k: text(k, lang) if k in _TEXT else k)
    out = out.drop(columns=[c for c in ("target",) if c in out])
    num = out.select_dtypes("number").columns.difference(["denominator", "units_2021",
                                                          "districts_2020", "event_time"])
    out[num] = out[num].round(digits)
    return out.rename(columns=lambda c: text(c, lang) if c in _TEXT else c)


_STYLE = {"twfe_event_study": ("tab:red", "s", -0.2), "callaway_santanna": ("tab:blue", "o", 0.0),
          "sun_abraham": ("tab:green", "^", 0.2)}


def plot_event_study(est: RolloutEstimates, data: RolloutData, lang: str = "vi"):
    """Event-study figure: three estimators with 95% intervals, the truth overlaid.

    Returns
    -------
    matplotlib.figure.Figure
        Title and caption say SIMULATED / MÔ PHỎNG.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> data = build_rollout_panel(60_000, seed=5)
    >>> fig = plot_event_study(estimate_all(data, bootstrap_reps=999), data, "en")
    >>> "SIMULATED" in fig.axes[0].get_title()
    True
    """
    import matplotlib.pyplot as plt

    es = est.event_study
    fig, ax = plt.subplots(figsize=(9, 5))
    truth = es[es["estimator"] == "truth"]
    ax.plot(truth["event_time"], truth["truth"], color="black", lw=2, ls="--",
            label=f"{text('truth', lang)} ({SIMULATED[lang]})")
    for name, (color, marker, shift) in _STYLE.items():
        rows = es[es["estimator"] == name]
        ax.errorbar(rows["event_time"] + shift, rows["estimate"],
                    yerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
                    color=color, marker=marker, ms=4, lw=1, capsize=2, ls="none", label=text(name, lang))
    window = es[es["estimator"] == "callaway_santanna"]
    ax.plot(window["event_time"], window["truth"], color="black", marker="x", ls="none", ms=7,
            label=text("truth_window", lang))
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(-0.5, color="grey", lw=0.8, ls=":")
    ax.set_xlabel(text(f"event_time_{data.freq}", lang))
    ax.set_ylabel(text("effect", lang))
    ax.set_title(text("event_title", lang).format(outcome=text(est.outcome, lang)))
    ax.legend(fontsize=8, loc="best")
    fig.text(0.01, 0.005, text("caption", lang).format(n=data.world.n_dossiers, seed=data.world.seed),
             fontsize=8, ha="left", va="bottom")
    fig.subplots_adjust(bottom=0.17)
    return fig
