"""Decentralisation in Ho Chi Minh City: synthetic control on PAPI (notebook 05).

Resolution 54/2017/QH14 (in force from 2018-01-15) gave Ho Chi Minh City (GSO code ``"79"``)
a special mechanism: powers delegated from the centre to the city in land, investment,
finance, budget and organisation. It is a single-unit reform, so the comparison is a
synthetic control (Abadie, Diamond & Hainmueller 2010) built from the other provinces on a
PAPI dimension (default D5, public administrative procedures, scored 1–10 in every year),
with placebo-in-space inference (:func:`cchc_research.models.synthetic_control`).

* :func:`prepare_synth_panel` — the long outcome panel of the treated city and the donors
  with a value in every year of the window; donors with any missing year are excluded and
  listed (with the years), never dropped silently.
* :func:`run_synth` — the fit, returned with the preparation.
* :func:`weights_table`, :func:`placebo_table`, :func:`power_facts` — the tables the notebook
  shows, including the smallest attainable permutation p-value ``1/(J+1)``.
* :func:`in_time_placebo` — the same estimator with a fake reform year inside the
  pre-period (a falsification check).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from cchc_research.analysis.synth_hcmc import prepare_synth_panel
>>> rows = [(c, c, y, 5.0 + i + 0.1 * (y - 2011)) for i, c in enumerate(["79", "01", "48"]) for y in range(2011, 2015)]
>>> df = pd.DataFrame(rows, columns=["geo_code", "geo_name", "year", "d5"])
>>> df.loc[(df["geo_code"] == "48") & (df["year"] == 2013), "d5"] = np.nan
>>> prep = prepare_synth_panel(df, outcome="d5", treated="79", start_year=2011, end_year=2014,
...                            candidates=["01", "48"])
>>> prep.donors, prep.excluded[["geo_code", "missing_years"]].to_dict("records")
(('01',), [{'geo_code': '48', 'missing_years': '2013'}])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc_research.errors import InvalidArgumentError, MissingValuesError, ModelError, TreatedUnitNotFoundError
from cchc_research.geo import provinces
from cchc_research.models.synth import synthetic_control

__all__ = [
    "PLACEBO_QUANTILE",
    "NEAR_PERFECT_FIT",
    "SynthPanel",
    "SynthAnalysis",
    "prepare_synth_panel",
    "run_synth",
    "weights_table",
    "placebo_table",
    "power_facts",
    "in_time_placebo",
    "decentralization_study",
]


#: Pre-period RMSPE below which a fit counts as exact (outcome units; PAPI scores are 1–10).
NEAR_PERFECT_FIT = 1e-6

#: Quantile of the placebos' absolute mean post-gap reported as ``placebo_abs_gap_q90``.
PLACEBO_QUANTILE = 0.9


@dataclass(frozen=True)
class SynthPanel:
    """Outcome panel for a synthetic control.

    Attributes
    ----------
    data : pandas.DataFrame
        ``geo_code``, ``geo_name``, ``year``, ``<outcome>`` for the treated unit and the
        donors (complete; one row per unit and year).
    outcome, treated : str
    donors : tuple of str
        Donor codes with a value in every year of the window.
    excluded : pandas.DataFrame
        ``geo_code``, ``geo_name``, ``missing_years`` (comma-separated), ``n_missing`` — the
        candidate donors left out.
    start_year, end_year : int
    names : dict
        ``geo_code`` → province name (for tables).
    """

    data: pd.DataFrame
    outcome: str
    treated: str
    donors: tuple[str, ...]
    excluded: pd.DataFrame
    start_year: int
    end_year: int
    names: dict


def prepare_synth_panel(
    panel: pd.DataFrame,
    *,
    outcome: str = "papi_d5_public_admin_procedures",
    treated: str = "79",
    start_year: int = 2011,
    end_year: int = 2024,
    candidates: Sequence[str] | None = None,
) -> SynthPanel:
    """Treated unit and complete donors of ``start_year``–``end_year`` for one outcome.

    Parameters
    ----------
    panel : pandas.DataFrame
        Wide province × year panel (``geo_code``, ``geo_name``, ``year``, ``outcome``).
    outcome : str
    treated : str
        ``geo_code`` of the treated unit (``"79"`` = Ho Chi Minh City).
    start_year, end_year : int
    candidates : sequence of str, optional
        Candidate donors (default the other provinces of :func:`cchc_research.geo.provinces`,
        i.e. the 63 provinces of 2008–2025). A candidate with no row or a blank value in any
        year of the window is excluded and listed.

    Returns
    -------
    SynthPanel

    Raises
    ------
    InvalidArgumentError
        Missing columns, or ``start_year >= end_year``.
    TreatedUnitNotFoundError
        The treated unit is not in the panel.
    MissingValuesError
        The treated unit lacks the outcome in some year of the window.

    Examples
    --------
    >>> import pandas as pd
    >>> from cchc_research.analysis.synth_hcmc import prepare_synth_panel
    >>> df = pd.DataFrame({"geo_code": ["01", "01"], "geo_name": ["Hà Nội"] * 2, "year": [2011, 2012], "y": [1.0, 2.0]})
    >>> prepare_synth_panel(df, outcome="y", treated="79", start_year=2011, end_year=2012)
    Traceback (most recent call last):
    ...
    cchc_research.errors.TreatedUnitNotFoundError: treated unit '79' has no row in the panel
    """
    absent = [c for c in ("geo_code", "geo_name", "year", outcome) if c not in panel.columns]
    if absent:
        raise InvalidArgumentError(f"column(s) not in the panel: {', '.join(absent)}")
    if int(start_year) >= int(end_year):
        raise InvalidArgumentError(f"start_year ({start_year}) must be before end_year ({end_year})")
    treated = str(treated)
    years = list(range(int(start_year), int(end_year) + 1))
    sub = panel.loc[panel["year"].between(start_year, end_year), ["geo_code", "geo_name", "year", outcome]].copy()
    sub["geo_code"] = sub["geo_code"].astype(str)
    sub["year"] = sub["year"].astype(int)
    names = {str(k): str(v) for k, v in panel.drop_duplicates("geo_code").set_index("geo_code")["geo_name"].items()}
    if treated not in set(panel["geo_code"].astype(str)):
        raise TreatedUnitNotFoundError(f"treated unit {treated!r} has no row in the panel")
    wide = sub.pivot(index="year", columns="geo_code", values=outcome).reindex(years)
    if treated not in wide.columns or wide[treated].isna().any():
        gaps = [y for y in years if treated not in wide.columns or pd.isna(wide.at[y, treated])]
        raise MissingValuesError(f"treated unit {treated!r} has no {outcome} in {', '.join(map(str, gaps))}")
    if candidates is None:
        candidates = provinces()["geo_code"].astype(str).tolist()  # the 63 provinces (2008–2025)
    pool = [str(c) for c in candidates]
    pool = [c for c in pool if c != treated]
    donors, excl = [], []
    for c in pool:
        col = wide[c] if c in wide.columns else pd.Series(np.nan, index=wide.index)
        miss = [y for y in years if pd.isna(col.get(y))]
        if miss:
            excl.append((c, names.get(c, c), ", ".join(map(str, miss)), len(miss)))
        else:
            donors.append(c)
    excluded = pd.DataFrame(excl, columns=["geo_code", "geo_name", "missing_years", "n_missing"])
    keep = sub[sub["geo_code"].isin([treated, *donors])].sort_values(["geo_code", "year"]).reset_index(drop=True)
    keep["geo_name"] = keep["geo_code"].map(names)
    return SynthPanel(data=keep, outcome=outcome, treated=treated, donors=tuple(donors), excluded=excluded,
                      start_year=int(start_year), end_year=int(end_year), names=names)


@dataclass(frozen=True)
class SynthAnalysis:
    """A synthetic-control fit with the panel it was run on.

    Attributes
    ----------
    prep : SynthPanel
    result : cchc_research.models.synth.SyntheticControlResults
    treatment_year : int
    """

    prep: SynthPanel
    result: object
    treatment_year: int


def run_synth(
    panel: pd.DataFrame,
    *,
    outcome: str = "papi_d5_public_admin_procedures",
    treated: str = "79",
    treatment_year: int = 2018,
    start_year: int = 2011,
    end_year: int = 2024,
    candidates: Sequence[str] | None = None,
    placebos: bool = True,
) -> SynthAnalysis:
    """Synthetic control of ``treated`` on ``outcome`` with a reform from ``treatment_year``.

    Donor weights minimise the pre-period outcome MSPE (every pre-year equally), see
    :func:`cchc_research.models.synthetic_control`.

    Parameters
    ----------
    panel : pandas.DataFrame
    outcome, treated : str
    treatment_year : int
        First year under the reform (2018 for Resolution 54/2017/QH14).
    start_year, end_year : int
    candidates : sequence of str, optional
    placebos : bool, default True
        Placebo-in-space refits for the permutation p-value.

    Returns
    -------
    SynthAnalysis

    Raises
    ------
    InvalidArgumentError
        ``treatment_year`` leaves fewer than two pre-years or no post-year (and the errors of
        :func:`prepare_synth_panel`).
    ModelError
        Fewer than two complete donors.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.synth_hcmc import run_synth, power_facts
    >>> rng = np.random.default_rng(0)
    >>> codes = ["79"] + [f"{i:02d}" for i in range(1, 11)]
    >>> rows = [(c, c, y, 6 + 0.1 * i + rng.normal(scale=0.1)) for i, c in enumerate(codes) for y in range(2011, 2021)]
    >>> df = pd.DataFrame(rows, columns=["geo_code", "geo_name", "year", "d5"])
    >>> an = run_synth(df, outcome="d5", treatment_year=2018, start_year=2011, end_year=2020, candidates=codes)
    >>> facts = power_facts(an)
    >>> facts["donors"], facts["pre_years"], round(facts["smallest_p_value"], 4)
    (10, 7, 0.0909)
    """
    if not (int(start_year) + 2 <= int(treatment_year) <= int(end_year)):
        raise InvalidArgumentError(
            f"treatment_year {treatment_year} needs at least two pre-years from {start_year} "
            f"and a post-year up to {end_year}"
        )
    prep = prepare_synth_panel(panel, outcome=outcome, treated=treated, start_year=start_year,
                               end_year=end_year, candidates=candidates)
    if len(prep.donors) < 2:
        raise ModelError(f"only {len(prep.donors)} complete donor(s) for {outcome} in {start_year}–{end_year}")
    res = synthetic_control(prep.data, outcome=outcome, unit="geo_code", time="year",
                            treated_unit=prep.treated, treatment_time=int(treatment_year),
                            donors=list(prep.donors), placebos=placebos)
    return SynthAnalysis(prep=prep, result=res, treatment_year=int(treatment_year))


def weights_table(analysis: SynthAnalysis, min_weight: float = 1e-3) -> pd.DataFrame:
    """Donors with weight ≥ ``min_weight``, largest first.

    Parameters
    ----------
    analysis : SynthAnalysis
    min_weight : float, default 1e-3
        Smaller weights (numerically zero in the convex solution) are left out.

    Returns
    -------
    pandas.DataFrame
        ``geo_code``, ``geo_name``, ``weight``, sorted by weight (then code).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.synth_hcmc import run_synth, weights_table
    >>> rng = np.random.default_rng(0)
    >>> codes = ["79"] + [f"{i:02d}" for i in range(1, 11)]
    >>> rows = [(c, c, y, 6 + 0.1 * i + rng.normal(scale=0.1)) for i, c in enumerate(codes) for y in range(2011, 2021)]
    >>> df = pd.DataFrame(rows, columns=["geo_code", "geo_name", "year", "d5"])
    >>> an = run_synth(df, outcome="d5", treatment_year=2018, start_year=2011, end_year=2020, candidates=codes)
    >>> tab = weights_table(an)
    >>> tab.columns.tolist(), round(float(tab["weight"].sum()), 2) <= 1.0
    (['geo_code', 'geo_name', 'weight'], True)
    """
    w = analysis.result.weights
    out = pd.DataFrame({"geo_code": w.index.astype(str), "weight": w.to_numpy()})
    out = out[out["weight"] >= min_weight].sort_values(["weight", "geo_code"], ascending=[False, True])
    out.insert(1, "geo_name", out["geo_code"].map(analysis.prep.names))
    return out.reset_index(drop=True)


def placebo_table(analysis: SynthAnalysis) -> pd.DataFrame:
    """Treated unit and placebos: pre/post RMSPE, ratio, rank and mean post-period gap.

    A unit whose pre-period RMSPE is below :data:`NEAR_PERFECT_FIT` (the donors reproduce
    its pre-period path exactly) gets ``ratio = inf``: its ratio is numerically unbounded and
    its value only reflects rounding noise. Ranks (1 = largest ratio) use ``method="min"``, so
    such units share rank 1 and the table does not depend on that noise. Sorted by rank, then
    ``geo_code``; ``near_perfect_pre_fit`` flags those units.

    Parameters
    ----------
    analysis : SynthAnalysis

    Returns
    -------
    pandas.DataFrame
        ``geo_code``, ``geo_name``, ``pre_rmspe``, ``post_rmspe``, ``ratio``, ``rank``,
        ``treated``, ``included``, ``mean_post_gap``, ``near_perfect_pre_fit``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.synth_hcmc import run_synth, placebo_table
    >>> rng = np.random.default_rng(0)
    >>> codes = ["79"] + [f"{i:02d}" for i in range(1, 11)]
    >>> rows = [(c, c, y, 6 + 0.1 * i + rng.normal(scale=0.1)) for i, c in enumerate(codes) for y in range(2011, 2021)]
    >>> df = pd.DataFrame(rows, columns=["geo_code", "geo_name", "year", "d5"])
    >>> an = run_synth(df, outcome="d5", treatment_year=2018, start_year=2011, end_year=2020, candidates=codes)
    >>> tab = placebo_table(an)
    >>> len(tab), int(tab["treated"].sum()), tab["rank"].is_monotonic_increasing
    (11, 1, True)
    """
    res = analysis.result
    stats = res.placebo_stats.copy()
    post = res.placebo_gaps.index >= analysis.treatment_year
    mean_gap = res.placebo_gaps.loc[post].mean()
    stats["unit"] = stats["unit"].astype(str)
    stats["mean_post_gap"] = stats["unit"].map({str(k): float(v) for k, v in mean_gap.items()})
    stats.insert(1, "geo_name", stats["unit"].map(analysis.prep.names))
    stats = stats.rename(columns={"unit": "geo_code"})
    stats["near_perfect_pre_fit"] = stats["pre_rmspe"] < NEAR_PERFECT_FIT
    stats["ratio"] = stats["ratio"].where(~stats["near_perfect_pre_fit"], np.inf)
    stats["rank"] = stats["ratio"].fillna(np.inf).rank(ascending=False, method="min").astype(int)
    return stats.sort_values(["rank", "geo_code"]).reset_index(drop=True)


def power_facts(analysis: SynthAnalysis) -> dict:
    """Numbers for an honest power discussion (plain Python scalars).

    Parameters
    ----------
    analysis : SynthAnalysis
        A fit with placebos (``run_synth(..., placebos=True)``).

    Returns
    -------
    dict
        ``donors`` J, ``pre_years``, ``post_years``, ``smallest_p_value`` = 1/(J+1),
        ``p_value`` (permutation p-value of the post/pre RMSPE ratio, near-perfect pre-fits
        counted as infinite ratios as in :func:`placebo_table`; equal to the model's
        ``p_value`` unless the treated unit itself has a near-perfect pre-fit), ``rank`` of
        the treated unit's ratio (1 = largest) out of ``units`` = J+1, ``rmspe_ratio``, ``pre_rmspe``, ``post_rmspe``, ``mean_post_gap``,
        ``outcome_sd_pre`` (cross-province SD of the outcome in the pre-period, for scale),
        ``placebo_abs_gap_q90`` (90th percentile of the placebos' absolute mean post-gap:
        the size of gap that arises without any reform), ``near_perfect_pre_fits`` (units
        whose pre-RMSPE is below :data:`NEAR_PERFECT_FIT`: their RMSPE ratio is numerically
        unbounded) and two permutation p-values that do not
        divide by the pre-fit: ``p_value_post_rmspe`` (share of units whose post-period
        RMSPE is at least the treated unit's) and ``p_value_abs_mean_gap`` (same for the
        absolute mean post-period gap).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.synth_hcmc import run_synth, power_facts
    >>> rng = np.random.default_rng(0)
    >>> codes = ["79"] + [f"{i:02d}" for i in range(1, 11)]
    >>> rows = [(c, c, y, 6 + 0.1 * i + rng.normal(scale=0.1)) for i, c in enumerate(codes) for y in range(2011, 2021)]
    >>> df = pd.DataFrame(rows, columns=["geo_code", "geo_name", "year", "d5"])
    >>> an = run_synth(df, outcome="d5", treatment_year=2018, start_year=2011, end_year=2020, candidates=codes)
    >>> facts = power_facts(an)
    >>> facts["units"], facts["post_years"], 0 < facts["p_value"] <= 1
    (11, 3, True)
    """
    res = analysis.result
    tab = placebo_table(analysis)
    J = len(analysis.prep.donors) if res.n_placebos == 0 else res.n_placebos
    treated_row = tab[tab["treated"]].iloc[0]
    placebo_gaps = tab.loc[~tab["treated"], "mean_post_gap"].abs()
    pre = analysis.prep.data[analysis.prep.data["year"] < analysis.treatment_year]
    sd_pre = float(pre.groupby("year")[analysis.prep.outcome].std().mean())
    years = sorted(analysis.prep.data["year"].unique())
    tol = 1e-12
    ratios = tab["ratio"].fillna(np.inf).to_numpy()
    r_treated = float(treated_row["ratio"]) if pd.notna(treated_row["ratio"]) else np.inf
    p_ratio = float(np.mean(ratios >= (r_treated * (1 - tol) if np.isfinite(r_treated) else np.inf)))
    p_post = float(np.mean(tab["post_rmspe"].to_numpy() >= float(treated_row["post_rmspe"]) - tol))
    p_gap = float(np.mean(tab["mean_post_gap"].abs().to_numpy() >= abs(float(treated_row["mean_post_gap"])) - tol))
    return {
        "donors": int(J),
        "units": int(J + 1),
        "pre_years": int(sum(y < analysis.treatment_year for y in years)),
        "post_years": int(sum(y >= analysis.treatment_year for y in years)),
        "smallest_p_value": 1.0 / (J + 1),
        "p_value": p_ratio,
        "rank": int(treated_row["rank"]),
        "rmspe_ratio": r_treated,
        "pre_rmspe": float(res.pre_rmspe),
        "post_rmspe": float(res.post_rmspe),
        "mean_post_gap": float(res.params.iloc[0]),
        "outcome_sd_pre": sd_pre,
        "placebo_abs_gap_q90": (float(placebo_gaps.quantile(PLACEBO_QUANTILE)) if len(placebo_gaps)
                                else float("nan")),
        "near_perfect_pre_fits": int(tab["near_perfect_pre_fit"].sum()),
        "p_value_post_rmspe": p_post,
        "p_value_abs_mean_gap": p_gap,
    }


def in_time_placebo(
    panel: pd.DataFrame,
    *,
    outcome: str = "papi_d5_public_admin_procedures",
    treated: str = "79",
    fake_year: int = 2015,
    start_year: int = 2011,
    last_pre_year: int = 2017,
    candidates: Sequence[str] | None = None,
) -> SynthAnalysis:
    """Falsification: a fake reform in ``fake_year``, using only years before the real one.

    A large "effect" here would mean the method finds gaps where there was no reform.

    Parameters
    ----------
    panel : pandas.DataFrame
    outcome, treated : str
    fake_year : int
    start_year, last_pre_year : int
        The window (``last_pre_year`` = the year before the real reform).
    candidates : sequence of str, optional

    Returns
    -------
    SynthAnalysis

    Raises
    ------
    ModelError
        As :func:`run_synth`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.synth_hcmc import in_time_placebo
    >>> rng = np.random.default_rng(0)
    >>> codes = ["79"] + [f"{i:02d}" for i in range(1, 11)]
    >>> rows = [(c, c, y, 6 + 0.1 * i + rng.normal(scale=0.1)) for i, c in enumerate(codes) for y in range(2011, 2021)]
    >>> df = pd.DataFrame(rows, columns=["geo_code", "geo_name", "year", "d5"])
    >>> an = in_time_placebo(df, outcome="d5", fake_year=2015, start_year=2011, last_pre_year=2017, candidates=codes)
    >>> sorted(an.result.series.index)[-1], an.treatment_year
    (2017, 2015)
    """
    return run_synth(panel, outcome=outcome, treated=treated, treatment_year=fake_year,
                     start_year=start_year, end_year=last_pre_year, candidates=candidates)


def decentralization_study(
    panel: pd.DataFrame,
    *,
    treated: str = "79",
    treatment_year: int = 2018,
    outcome: str = "papi_d5_public_admin_procedures",
    start_year: int = 2011,
    end_year: int = 2024,
    fake_year: int = 2015,
    candidates: Sequence[str] | None = None,
) -> dict:
    """The study of notebook 05: synthetic control of the treated unit, placebos and power.

    Parameters
    ----------
    panel : pandas.DataFrame
        Wide province × year panel.
    treated, treatment_year, outcome, start_year, end_year, candidates
        As :func:`run_synth`.
    fake_year : int
        Fake reform year of the in-time placebo (within the pre-period).

    Returns
    -------
    dict
        ``params``; ``analysis`` (:func:`run_synth`); ``weights`` (:func:`weights_table`);
        ``series`` (treated, synthetic and gap by year); ``placebo`` (:func:`placebo_table`);
        ``facts`` (:func:`power_facts`); ``excluded`` (candidate donors left out for a missing
        year); ``fake`` and ``fake_facts`` (:func:`in_time_placebo` and its power facts).

    Raises
    ------
    ModelError, MissingValuesError, TreatedUnitNotFoundError
        As :func:`run_synth`.
    """
    analysis = run_synth(panel, outcome=outcome, treated=treated, treatment_year=treatment_year,
                         start_year=start_year, end_year=end_year, candidates=candidates)
    fake = in_time_placebo(panel, outcome=outcome, treated=treated, fake_year=fake_year,
                           start_year=start_year, last_pre_year=treatment_year - 1, candidates=candidates)
    return {
        "params": {"treated": str(treated), "treatment_year": int(treatment_year), "outcome": outcome,
                   "start_year": int(start_year), "end_year": int(end_year), "fake_year": int(fake_year)},
        "analysis": analysis,
        "weights": weights_table(analysis),
        "series": analysis.result.series.rename_axis("year").reset_index(),
        "placebo": placebo_table(analysis),
        "facts": power_facts(analysis),
        "excluded": analysis.prep.excluded,
        "fake": fake,
        "fake_facts": power_facts(fake),
    }
