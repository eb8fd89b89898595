"""Time costs and transparency in the PCI, 2012–2016 (notebook 04).

Question: do provinces that are more transparent (PCI transparency sub-index, provincial
website score) have fewer firms losing time to regulations (``pci_g1_time_on_regulations``,
the share of surveyed firms spending more than 10% of their time on state regulations;
``pci_time_costs``, the time-cost sub-index)?

* :func:`add_web_score_z` — the provincial website score standardised within each year:
  VCCI scored websites on a 0–20 scale in 2012 (``pci_web_score_2012``) and on a different
  point scale from 2013 (``pci_web_score``), so raw scores cannot be pooled; the within-year
  z-score ``pci_web_score_z`` (a province's standing among the 63 in that year) can.
* :func:`timecost_models` — two-way fixed effects (province, year), CR1 clustered by province
  and the wild cluster bootstrap for each regressor, one at a time and jointly.
* :func:`yearly_means` — the mean of each variable over provinces, by year, and the counts.
* :func:`timecost_study` — the whole study of notebook 04 in one call (its presentation is
  :mod:`cchc_research.reporting.pci`).
* :func:`frac_logit_models` — Papke & Wooldridge (2008) fractional logit for a share outcome
  with the correlated-random-effects (Mundlak) device: each regressor enters with its
  province mean over the window, plus year dummies; cluster-robust by province; average
  marginal effects (delta method) are reported.
* the within (province and year) variation that the TWFE slope uses, for a partial-regression
  scatter, comes from :func:`cchc_research.models.demean.demean_frame` (one demeaning routine
  for the package).

Note that the PCI sub-indices are built from the firm survey's component indicators: the
website score is a component of the transparency sub-index and the g1 share a component of
the time-cost sub-index, and both are answered by the same firms in the same year.

Examples
--------
>>> import pandas as pd
>>> from cchc_research.analysis.pci import add_web_score_z
>>> df = pd.DataFrame({"geo_code": ["01", "79", "01", "79"], "year": [2012, 2012, 2013, 2013],
...                    "pci_web_score_2012": [10.0, 14.0, None, None], "pci_web_score": [None, None, 20.0, 40.0]})
>>> add_web_score_z(df)["pci_web_score_z"].round(4).tolist()
[-0.7071, 0.7071, -0.7071, 0.7071]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from cchc_research.analysis.fe_panel import (
    FitWithBootstrap,
    coefficient_table,
    fit_twfe_bootstrap,
    select_panel,
)
from cchc_research.catalog import get_indicator
from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import FewClustersWarning, InvalidArgumentError, ModelError
from cchc_research.models.demean import demean_frame
from cchc_research.models.fraclogit import frac_logit
from cchc_research.models.results import EstimationResults

__all__ = [
    "WEB_SCORE_Z",
    "add_web_score_z",
    "is_share_outcome",
    "timecost_models",
    "frac_logit_models",
    "yearly_means",
    "timecost_study",
]

#: Column added by :func:`add_web_score_z`.
WEB_SCORE_Z = "pci_web_score_z"


def add_web_score_z(panel: pd.DataFrame) -> pd.DataFrame:
    """Add ``pci_web_score_z``: the website score standardised within each year.

    The 2013– score (``pci_web_score``) is used where present, else the 2012 score
    (``pci_web_score_2012``); each year's values are centred on the year mean and divided by
    the year's sample standard deviation (ddof=1). Years with fewer than two values are left
    missing.

    Parameters
    ----------
    panel : pandas.DataFrame
        Province × year panel with ``year`` and at least one of the two website columns.

    Returns
    -------
    pandas.DataFrame
        A copy with the new column.

    Raises
    ------
    ModelError
        Neither website column is present.

    Examples
    --------
    >>> import pandas as pd
    >>> from cchc_research.analysis.pci import add_web_score_z
    >>> add_web_score_z(pd.DataFrame({"year": [2014] * 3, "pci_web_score": [1.0, 2.0, 3.0]}))["pci_web_score_z"].tolist()
    [-1.0, 0.0, 1.0]
    """
    cols = [c for c in ("pci_web_score", "pci_web_score_2012") if c in panel.columns]
    if not cols:
        raise ModelError("the panel has neither pci_web_score nor pci_web_score_2012")
    out = panel.copy()
    raw = out[cols[0]].astype(float)
    for c in cols[1:]:
        raw = raw.fillna(out[c].astype(float))
    grp = raw.groupby(out["year"])
    mean, sd, n = grp.transform("mean"), grp.transform("std"), grp.transform("count")
    out[WEB_SCORE_Z] = ((raw - mean) / sd).where((n >= 2) & (sd > 0))
    return out


def is_share_outcome(code: str) -> bool:
    """Whether the catalog declares ``code`` a share in [0, 1] (a fractional-logit outcome).

    Examples
    --------
    >>> from cchc_research.analysis.pci import is_share_outcome
    >>> is_share_outcome("pci_g1_time_on_regulations"), is_share_outcome("pci_time_costs")
    (True, False)
    """
    return get_indicator(code).unit == "share"


def _prepare(panel: pd.DataFrame, regressors: Sequence[str]) -> pd.DataFrame:
    if WEB_SCORE_Z in regressors and WEB_SCORE_Z not in panel.columns:
        panel = add_web_score_z(panel)
    return panel


def timecost_models(
    panel: pd.DataFrame,
    *,
    outcome: str = "pci_g1_time_on_regulations",
    regressors: Sequence[str] = ("pci_transparency", WEB_SCORE_Z),
    start_year: int = 2012,
    end_year: int = 2016,
    bootstrap_reps: int = 9999,
    seed: int = DEFAULT_SEED,
    units: Sequence[str] | None = None,
) -> dict[str, FitWithBootstrap]:
    """TWFE + wild bootstrap of ``outcome`` on each regressor alone, then on all jointly.

    All models use the same complete cases (every regressor present), so their
    coefficients are comparable; the dropped province-years are in ``.selection.dropped``.

    Parameters
    ----------
    panel : pandas.DataFrame
        Wide province × year panel (``pci_web_score_z`` is added if requested and absent).
    outcome : str
    regressors : sequence of str
    start_year, end_year : int
    bootstrap_reps, seed : int
    units : sequence of str, optional
        Expected provinces (default the 63 provinces).

    Returns
    -------
    dict of str to FitWithBootstrap
        Keys: each regressor, then ``"joint"`` (bootstrap of the first regressor, the others
        as controls) when there are several.

    Raises
    ------
    InvalidArgumentError
        No regressor, or the outcome among the regressors.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.pci import timecost_models
    >>> rng = np.random.default_rng(5)
    >>> codes = [f"{i:02d}" for i in range(1, 31)]
    >>> df = pd.DataFrame([(c, c, y) for c in codes for y in range(2012, 2017)], columns=["geo_code", "geo_name", "year"])
    >>> df["t"] = rng.normal(size=len(df)); df["w"] = rng.normal(size=len(df))
    >>> df["g1"] = 0.3 - 0.05 * df["t"] + rng.normal(scale=0.02, size=len(df))
    >>> fits = timecost_models(df, outcome="g1", regressors=["t", "w"], bootstrap_reps=999, units=codes)
    >>> list(fits), round(float(fits["t"].twfe.params["t"]), 2)
    (['t', 'w', 'joint'], -0.05)
    """
    regressors = list(dict.fromkeys(regressors))
    if not regressors:
        raise InvalidArgumentError("timecost_models needs at least one regressor")
    if outcome in regressors:
        raise InvalidArgumentError(f"the outcome {outcome!r} cannot also be a regressor")
    panel = _prepare(panel, regressors)
    sel = select_panel(panel, [outcome, *regressors], start_year, end_year, units=units)
    fits = {x: fit_twfe_bootstrap(sel, outcome, x, bootstrap_reps=bootstrap_reps, seed=seed) for x in regressors}
    if len(regressors) > 1:
        fits["joint"] = fit_twfe_bootstrap(sel, outcome, regressors[0], controls=regressors[1:],
                                           bootstrap_reps=bootstrap_reps, seed=seed)
    return fits


def frac_logit_models(
    panel: pd.DataFrame,
    *,
    outcome: str = "pci_g1_time_on_regulations",
    regressors: Sequence[str] = ("pci_transparency", WEB_SCORE_Z),
    start_year: int = 2012,
    end_year: int = 2016,
    units: Sequence[str] | None = None,
) -> dict[str, dict]:
    """Correlated-random-effects fractional logit of a share on each regressor (and jointly).

    Model (Papke & Wooldridge 2008): ``E[y_it | x_it, x̄_i] = Λ(a_t + b·x_it + c·x̄_i)`` with
    year dummies ``a_t`` and the province mean ``x̄_i`` of each regressor over the selected
    years; Bernoulli QMLE; covariance clustered by province (× G/(G−1), Stata
    ``vce(cluster)``). The average marginal effect of ``x_it`` (holding ``x̄_i`` fixed) is
    comparable with the TWFE slope.

    Parameters
    ----------
    panel : pandas.DataFrame
    outcome : str
        A share in [0, 1].
    regressors : sequence of str
    start_year, end_year : int
    units : sequence of str, optional

    Returns
    -------
    dict
        Keys as :func:`timecost_models`; each value a dict with ``"fit"``
        (:class:`~cchc_research.models.FracLogitResults`), ``"ame"`` (average marginal
        effects of the regressors only, an :class:`~cchc_research.models.EstimationResults`)
        and ``"selection"``.

    Raises
    ------
    InvalidArgumentError
        No regressor.
    OutcomeRangeError
        The outcome is not a share in [0, 1].

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.pci import frac_logit_models
    >>> rng = np.random.default_rng(6)
    >>> codes = [f"{i:02d}" for i in range(1, 31)]
    >>> df = pd.DataFrame([(c, c, y) for c in codes for y in range(2012, 2017)], columns=["geo_code", "geo_name", "year"])
    >>> df["t"] = rng.normal(size=len(df))
    >>> df["g1"] = 1 / (1 + np.exp(1 + 0.5 * df["t"] + rng.normal(scale=0.1, size=len(df))))
    >>> out = frac_logit_models(df, outcome="g1", regressors=["t"], units=codes)
    >>> round(float(out["t"]["fit"].params["t"]), 2), list(out["t"]["ame"].params.index)
    (-0.48, ['t'])
    """
    regressors = list(dict.fromkeys(regressors))
    if not regressors:
        raise InvalidArgumentError("frac_logit_models needs at least one regressor")
    panel = _prepare(panel, regressors)
    sel = select_panel(panel, [outcome, *regressors], start_year, end_year, units=units)
    data = sel.data.copy()
    means = {x: f"{x}__province_mean" for x in regressors}
    for x, m in means.items():
        data[m] = data.groupby("geo_code")[x].transform("mean")
    specs = {x: [x] for x in regressors}
    if len(regressors) > 1:
        specs["joint"] = regressors
    out = {}
    for key, xs in specs.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FewClustersWarning)
            fit = frac_logit(data, outcome, [*xs, *(means[x] for x in xs)], vcov="cluster",
                             cluster="geo_code", fe=["year"])
        ame_all = fit.average_marginal_effects()
        ame = EstimationResults(
            params=ame_all.params[xs], std_errors=ame_all.std_errors[xs], nobs=ame_all.nobs,
            cov_type=ame_all.cov_type,
            cov_description=ame_all.cov_description + "; province means (Mundlak) and year dummies not shown",
            df_resid=None, cov=ame_all.cov.loc[xs, xs], model_name="AME, CRE fractional logit",
            outcome=outcome, extra={"Fixed effects": "year dummies + province means of regressors (CRE)"},
        )
        out[key] = {"fit": fit, "ame": ame, "selection": sel}
    return out


def yearly_means(panel: pd.DataFrame, columns: Sequence[str], start_year: int, end_year: int) -> pd.DataFrame:
    """Mean over provinces of each column, by year, with the number of province-years with a value.

    Parameters
    ----------
    panel : pandas.DataFrame
    columns : sequence of str
    start_year, end_year : int

    Returns
    -------
    pandas.DataFrame
        One row per column: ``indicator`` (the column name), ``n`` (int64) and one float column
        per year (named by the year as a string).

    Raises
    ------
    InvalidArgumentError
        A column is not in the panel.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2012, 2012, 2013], "x": [1.0, 3.0, None]})
    >>> yearly_means(df, ["x"], 2012, 2013).to_dict("records")
    [{'indicator': 'x', 'n': 2, '2012': 2.0, '2013': nan}]
    """
    columns = list(columns)
    absent = [c for c in ["year", *columns] if c not in panel.columns]
    if absent:
        raise InvalidArgumentError(f"column(s) not in the panel: {', '.join(absent)}")
    window = panel[panel["year"].between(start_year, end_year)]
    means = window.groupby("year")[columns].mean().T
    means = means.reindex(columns=range(int(start_year), int(end_year) + 1))
    means.columns = [str(c) for c in means.columns]
    means.insert(0, "n", window[columns].notna().sum().astype("int64").to_numpy())
    return means.rename_axis("indicator").reset_index()


def timecost_study(
    panel: pd.DataFrame,
    *,
    outcome: str = "pci_g1_time_on_regulations",
    alt_outcome: str = "pci_time_costs",
    regressors: Sequence[str] = ("pci_transparency", WEB_SCORE_Z),
    start_year: int = 2012,
    end_year: int = 2016,
    bootstrap_reps: int = 9999,
    seed: int = DEFAULT_SEED,
    units: Sequence[str] | None = None,
) -> dict:
    """The study of notebook 04: yearly means, TWFE with the bootstrap, fractional logit, alternative outcome.

    Parameters
    ----------
    panel : pandas.DataFrame
        Wide province × year panel (``pci_web_score_z`` is added when a regressor needs it).
    outcome, alt_outcome : str
        Main outcome (the g1 share) and alternative outcome (time-cost sub-index).
    regressors : sequence of str
        The first is the regressor of interest (its within variation is drawn).
    start_year, end_year, bootstrap_reps, seed, units
        As :func:`timecost_models`.

    Returns
    -------
    dict
        ``params``; ``means`` (:func:`yearly_means` of the outcomes and regressors — the raw
        website scores instead of their within-year z-score, whose yearly mean is zero by
        construction); ``fits`` and ``table`` (:func:`timecost_models`, coefficient table);
        ``selection`` (the shared complete cases); ``within`` (outcome and first regressor
        demeaned by province and year); ``frac_logit`` (:func:`frac_logit_models`, ``{}`` when
        the outcome is not a share) and ``ame`` (one row per model and regressor: the average
        marginal effects); ``alt_fits`` and ``alt_table`` (the alternative outcome).

    Raises
    ------
    InvalidArgumentError, ModelError
        As the functions it calls.
    """
    regressors = list(dict.fromkeys(regressors))
    panel = _prepare(panel, regressors)
    shown = [c for c in [outcome, alt_outcome, *regressors] if c != WEB_SCORE_Z]
    if WEB_SCORE_Z in regressors:
        shown += ["pci_web_score_2012", "pci_web_score"]
    fits = timecost_models(panel, outcome=outcome, regressors=regressors, start_year=start_year,
                           end_year=end_year, bootstrap_reps=bootstrap_reps, seed=seed, units=units)
    sel = fits[regressors[0]].selection
    fl = (frac_logit_models(panel, outcome=outcome, regressors=regressors, start_year=start_year,
                            end_year=end_year, units=units) if is_share_outcome(outcome) else {})
    ame = (pd.concat([v["ame"].tidy().assign(model=k) for k, v in fl.items()], ignore_index=True)
           if fl else pd.DataFrame())
    alt_fits = timecost_models(panel, outcome=alt_outcome, regressors=regressors, start_year=start_year,
                               end_year=end_year, bootstrap_reps=bootstrap_reps, seed=seed, units=units)
    return {
        "params": {"outcome": outcome, "alt_outcome": alt_outcome, "regressors": regressors,
                   "start_year": int(start_year), "end_year": int(end_year),
                   "bootstrap_reps": int(bootstrap_reps)},
        "means": yearly_means(panel, shown, start_year, end_year),
        "fits": fits,
        "table": coefficient_table(fits),
        "selection": sel,
        "within": demean_frame(sel.data, [outcome, regressors[0]], ["geo_code", "year"]),
        "frac_logit": fl,
        "ame": ame,
        "alt_fits": alt_fits,
        "alt_table": coefficient_table(alt_fits),
    }
