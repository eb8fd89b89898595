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
* :func:`frac_logit_models` — Papke & Wooldridge (2008) fractional logit for a share outcome
  with the correlated-random-effects (Mundlak) device: each regressor enters with its
  province mean over the window, plus year dummies; cluster-robust by province; average
  marginal effects (delta method) are reported.
* :func:`two_way_demean` — the within (province and year) variation that the TWFE slope uses,
  for a partial-regression scatter.

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

import numpy as np
import pandas as pd

from cchc_research.analysis.fe_panel import FitWithBootstrap, fit_twfe_bootstrap, select_panel
from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import FewClustersWarning, ModelError

__all__ = [
    "LABELS",
    "label",
    "WEB_SCORE_Z",
    "add_web_score_z",
    "is_share_outcome",
    "timecost_models",
    "frac_logit_models",
    "two_way_demean",
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
    from cchc_research.catalog import get_indicator

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
    ModelError
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
        raise ModelError("timecost_models needs at least one regressor")
    if outcome in regressors:
        raise ModelError(f"the outcome {outcome!r} cannot also be a regressor")
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
    ModelError
        No regressor, or the outcome is not a share in [0, 1]
        (:class:`~cchc_research.errors.OutcomeRangeError`).

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
    from cchc_research.models import frac_logit
    from cchc_research.models.results import EstimationResults

    regressors = list(dict.fromkeys(regressors))
    if not regressors:
        raise ModelError("frac_logit_models needs at least one regressor")
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


def two_way_demean(
    frame: pd.DataFrame,
    columns: Sequence[str],
    unit: str = "geo_code",
    time: str = "year",
    *,
    tol: float = 1e-12,
    max_iter: int = 1000,
) -> pd.DataFrame:
    """Remove unit and time means (alternating projections; exact for unbalanced panels).

    The result is the variation the two-way FE slope is estimated from (Frisch–Waugh–Lovell):
    the OLS slope of the demeaned outcome on the demeaned regressor equals the TWFE slope.

    Parameters
    ----------
    frame : pandas.DataFrame
        No missing values in ``columns``.
    columns : sequence of str
    unit, time : str
    tol : float
        Stop when the largest change of an iteration is below ``tol`` times the scale.
    max_iter : int

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``time`` and the demeaned ``columns`` (same row order as ``frame``).

    Raises
    ------
    ModelError
        Missing columns or values, or no convergence within ``max_iter``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cchc_research.analysis.pci import two_way_demean
    >>> df = pd.DataFrame({"geo_code": list("aabb"), "year": [1, 2, 1, 2], "y": [1.0, 2.0, 3.0, 5.0]})
    >>> two_way_demean(df, ["y"])["y"].tolist()
    [0.25, -0.25, -0.25, 0.25]
    """
    columns = list(columns)
    absent = [c for c in [unit, time, *columns] if c not in frame.columns]
    if absent:
        raise ModelError(f"column(s) not in the frame: {', '.join(absent)}")
    if frame[columns].isna().any().any():
        raise ModelError("two_way_demean needs complete data (no missing values)")
    u = pd.factorize(frame[unit])[0]
    t = pd.factorize(frame[time])[0]
    X = frame[columns].to_numpy(dtype=float).copy()
    nu, nt = np.bincount(u), np.bincount(t)
    scale = max(float(np.abs(X).max()), 1.0)
    for _ in range(max_iter):
        before = X.copy()
        for codes, counts in ((u, nu), (t, nt)):
            sums = np.zeros((counts.size, X.shape[1]))
            np.add.at(sums, codes, X)
            X -= (sums / counts[:, None])[codes]
        if np.abs(X - before).max() < tol * scale:
            break
    else:
        raise ModelError(f"two-way demeaning did not converge in {max_iter} iterations")
    out = frame[[unit, time]].copy()
    out[columns] = X
    return out

#: Figure and table labels of notebook 04 (Vietnamese, English).
LABELS: dict[str, tuple[str, str]] = {
    "source": ("Nguồn: PCI 2012–2016 (VCCI, USAID), tệp dữ liệu gốc qua mdtrinh/vietnamdata; tính toán của cchc-research.",
               "Source: PCI 2012–2016 (VCCI, USAID), original data files via mdtrinh/vietnamdata; cchc-research calculations."),
    "pci_web_score_z": ("Điểm trang web của tỉnh (chuẩn hóa trong năm)", "Provincial website score (standardised within year)"),
    "raw_title": ("Số liệu gốc theo tỉnh-năm", "Province-years, raw values"),
    "within_title": ("Biến thiên trong tỉnh (đã loại hiệu ứng tỉnh và năm)",
                     "Within-province variation (province and year effects removed)"),
    "deviation": ("{v} (độ lệch)", "{v} (deviation)"),
    "fit_line": ("Hệ số TWFE = {b:.3f}", "TWFE slope = {b:.3f}"),
    "scatter_title": ("Minh bạch và chi phí thời gian, {a}–{b}", "Transparency and time costs, {a}–{b}"),
}


def label(key: str, lang: str = "vi", **fmt) -> str:
    """A notebook-04 label in ``lang`` (falls back to :func:`cchc_research.labels.label`).

    Examples
    --------
    >>> from cchc_research.analysis.pci import label
    >>> label("pci_web_score_z", "en")
    'Provincial website score (standardised within year)'
    """
    from cchc_research.labels import translate

    return translate(LABELS, key, lang, **fmt)
