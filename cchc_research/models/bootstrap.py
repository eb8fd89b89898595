"""Wild cluster bootstrap for coefficients of :func:`~cchc_research.models.twfe` fits.

The restricted wild cluster bootstrap (WCR; Cameron, Gelbach & Miller 2008; MacKinnon &
Webb 2017; Roodman, MacKinnon, Nielsen & Webb 2019, Stata ``boottest``) is the standard
remedy for cluster-robust t-tests with few clusters (G ≈ 20 districts or provinces).

Implementation (vectorised over all draws at once, as ``boottest`` and ``fwildclusterboot``):

* fixed effects nested in the cluster variable are partialled out (they do not change the
  cluster scores); other fixed effects enter as dummy columns, so the bootstrap is exact
  for the model as estimated;
* with null ``β_j = β0`` imposed, the restricted residuals, the cluster scores and the
  bootstrap t statistics are linear (numerator) or quadratic (variance) in ``β0``; three
  length-B vectors are precomputed and any ``β0`` is then tested in O(B);
* bootstrap and original t statistics use the same CR1 factor G/(G-1)·(N-1)/(N-K), which
  cancels from the p-value;
* p-value ``"symmetric"`` (default, ``boottest`` default): share of draws with
  ``|t*| ≥ |t|``; ``"equal-tailed"``: ``2·min(P(t* ≥ t), P(t* ≤ t))``. Draws tying with
  ``t`` (the draws ``v = ±1``, which reproduce the sample) count as at least as extreme, so
  with enumeration the test is an exact sign-flip randomization test and ``p ≥ 2/2**G``
  (``wildboottest`` counts strict exceedances, which can differ by those two draws);
* confidence interval by **test inversion** (``impose_null=True``): the set of ``β0`` whose
  bootstrap p-value exceeds ``1 − level``. Whether a bound is infinite is decided
  analytically from the limit of the p-value as ``β0 → ±∞`` (each draw's ``t*`` tends to
  a finite value or, for draws whose residuals do not depend on ``β0`` — e.g. constant
  weights, which reproduce the sample — grows like ``t``): a bound is ±inf exactly when
  that limit exceeds ``1 − level``, e.g. under full enumeration with ``2/2**G > 1 − level``.
  Finite bounds are located by bisection between ``β̂`` and a point beyond which the
  p-value provably equals its limit; with
  ``impose_null=False`` (WCU) a symmetric **percentile-t** interval ``β̂ ± q_level(|t*|)·se``;
* Rademacher weights with ``2**G <= B`` are fully enumerated (as ``boottest`` and
  ``wildboottest``) so the p-value is exact and seed-free.

Examples
--------
>>> import warnings
>>> from cchc_research.models import twfe, wild_bootstrap
>>> from cchc_research.models._dgp import simulate_simple_panel
>>> df = simulate_simple_panel(n_units=22, n_periods=20, effect=1.0, seed=1)
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")  # FewClustersWarning: 22 clusters
...     res = twfe(df, "y", ["d"], fe=["unit", "period"], cluster="unit")
>>> boot = wild_bootstrap(res, "d", B=999, seed=1)
>>> float(boot.pvalues["d"]) < 0.01
True
>>> boot.conf_int().round(2).to_dict("records")
[{'lower': 0.48, 'upper': 1.53}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import ModelError
from cchc_research.models.demean import demean
from cchc_research.models.results import EstimationResults
from cchc_research.models.twfe import TWFEResults

__all__ = ["wild_bootstrap", "WildBootstrapResults", "draw_weights", "WEIGHT_TYPES"]

WEIGHT_TYPES = ("webb", "rademacher")
_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
_MAX_DUMMIES = 5_000
_MAX_DENSE = 50_000_000  # N x dummy columns (400 MB of float64)


def _is_real(value: object) -> bool:
    """True for a real number (int, float or numpy number), False for bool, text, None."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def draw_weights(G: int, B: int, kind: str = "webb", seed: int | None = DEFAULT_SEED) -> np.ndarray:
    """Cluster-level wild weights, shape (G, B).

    Rademacher (±1, each 1/2) or Webb's six-point distribution (±√(1/2), ±1, ±√(3/2), each
    1/6). Rademacher with ``2**G <= B`` returns all ``2**G`` sign vectors (full enumeration).

    Examples
    --------
    >>> draw_weights(3, 100, "rademacher").shape  # 2**3 <= 100: enumerated
    (3, 8)
    >>> draw_weights(4, 5, "webb", seed=0).shape
    (4, 5)
    """
    if kind not in WEIGHT_TYPES:
        raise ModelError(f"weights must be one of {WEIGHT_TYPES}, got {kind!r}")
    if kind == "rademacher" and G < 31 and 2**G <= B:
        return np.array(list(product((-1.0, 1.0), repeat=G))).T
    rng = np.random.default_rng(seed)
    if kind == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(G, B))
    return rng.choice(_WEBB, size=(G, B))


#: Relative size below which a draw's β0-sensitivity of the bootstrap variance (``qbb``) is
#: zero in exact arithmetic (rounding leaves ~1e-16 of the terms that cancel; a genuine
#: non-zero value is of the order of the terms themselves).
_DEGENERATE_RTOL = 1e-9
#: Relative tolerance of "|t*| ≥ |t|": ties in exact arithmetic count as at least as extreme.
_TIE_RTOL = 1e-7


def _count_extreme(ts: np.ndarray, t: float, scale: float, p_type: str) -> float:
    """Bootstrap p-value of ``t`` against draws ``ts``; ties within ``_TIE_RTOL·scale`` count."""
    tol = _TIE_RTOL * scale
    if p_type == "symmetric":
        return float(np.mean(np.abs(ts) >= abs(t) - tol))
    return float(min(1.0, 2 * min(np.mean(ts >= t - tol), np.mean(ts <= t + tol))))


@dataclass
class _Inverter:
    """Bootstrap t statistics as functions of the hypothesised value β0 (one coefficient).

    With the null ``β = β0`` imposed, draw ``b`` has ``t*_b(β0) = (na_b − β0·nb_b) /
    sqrt(qaa_b − 2β0·qab_b + β0²·qbb_b)`` and the sample has ``t(β0) = (β̂ − β0)/se``.
    Draws whose bootstrap residuals do not depend on β0 (``qbb_b = 0`` in exact arithmetic,
    then also ``qab_b = 0`` by Cauchy–Schwarz) are *degenerate*: ``t*_b`` is linear in β0,
    like ``t``. They include the draws with a weight constant across clusters, which
    reproduce the sample (``t*_b = ±t`` for every β0), and, e.g., draws constant over the
    clusters where the regressor varies. ``degenerate`` marks them (decided once, from the
    size of ``qbb_b`` relative to the terms it is computed from) and their ``qab, qbb``
    are set to exactly 0, so that their ``t*`` stays exactly linear at any β0.

    As ``β0 → ±∞``, ``t*_b`` of a non-degenerate draw tends to the finite
    ``∓nb_b/sqrt(qbb_b)`` while ``|t| → ∞``; a degenerate draw has
    ``t*_b/|β0| → ∓nb_b/sqrt(qaa_b)`` against ``t/|β0| → ∓1/se``. The p-value therefore
    tends to a limit computed from these ratios (:meth:`limit_pvalue`), and a confidence
    bound is infinite exactly when that limit exceeds ``1 − level`` — decided analytically,
    never by searching far from β̂ where the linear-in-β0 formulas lose precision.
    """

    beta: float
    se: float
    na: np.ndarray
    nb: np.ndarray
    qaa: np.ndarray
    qab: np.ndarray
    qbb: np.ndarray
    impose_null: bool
    p_type: str
    degenerate: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def tstar(self, b0: float) -> np.ndarray:
        if not self.impose_null:
            return self.na / np.sqrt(self.qaa)
        var = np.maximum(self.qaa - 2 * b0 * self.qab + b0 * b0 * self.qbb, 1e-300)
        return (self.na - b0 * self.nb) / np.sqrt(var)

    def pvalue(self, b0: float) -> float:
        t = (self.beta - b0) / self.se
        # draws that reproduce the sample (v = ±1 under enumeration) tie with t in exact
        # arithmetic; they count as "at least as extreme" whatever the rounding, so the
        # enumerated test is an exact sign-flip randomization test (p >= 2 / 2**G)
        return _count_extreme(self.tstar(b0), t, max(1.0, abs(t)), self.p_type)

    def limit_pvalue(self, side: float) -> float:
        """``lim p(β0)`` as ``β0 → side·∞`` (``side`` = ±1), from the limits of ``t*/|β0|``."""
        tau = -side / self.se
        taus = np.zeros_like(self.na)
        d = self.degenerate
        taus[d] = -side * self.nb[d] / np.sqrt(np.maximum(self.qaa[d], 1e-300))
        return _count_extreme(taus, tau, abs(tau), self.p_type)

    def _far(self, side: float) -> float:
        """A β0 on ``side`` beyond which every non-degenerate draw is less extreme than ``t``.

        For ``|β0| ≥ R_b = 4|qab_b|/qbb_b`` the variance is at least ``qbb_b·β0²/2``, so
        ``|t*_b| ≤ √2·(|na_b| + |nb_b|)/√qbb_b =: T_b`` when also ``|β0| ≥ 1``. Beyond
        ``|β0| ≥ max(1, R_b)`` and ``|t(β0)| ≥ 2·max(1, T_b)`` the draw no longer counts,
        so there ``p(β0)`` equals :meth:`limit_pvalue` (the factor 2 keeps it clear of ties).
        """
        nd = ~self.degenerate
        if not nd.any():
            reach, tmax = 1.0, 1.0
        else:
            qbb = self.qbb[nd]
            reach = max(1.0, float(np.max(4 * np.abs(self.qab[nd]) / qbb)))
            tmax = max(1.0, float(np.max(np.sqrt(2) * (np.abs(self.na[nd]) + np.abs(self.nb[nd])) / np.sqrt(qbb))))
        dist = max(reach + abs(self.beta), 2 * tmax * self.se)
        return self.beta + side * dist

    def interval(self, level: float) -> tuple[float, float]:
        alpha = 1 - level
        if not self.impose_null:
            q = float(np.quantile(np.abs(self.tstar(0.0)), level))
            return self.beta - q * self.se, self.beta + q * self.se
        return self._bound(alpha, -1.0), self._bound(alpha, 1.0)

    def _bound(self, alpha: float, side: float) -> float:
        if self.limit_pvalue(side) > alpha:
            return side * np.inf  # never rejected far out on this side: unbounded
        far = self._far(side)
        inside = self.beta
        width = self.se
        outside = self.beta + side * width
        # expand geometrically towards `far`, where the p-value equals its limit (<= alpha)
        while self.pvalue(outside) > alpha:
            if side * (outside - far) >= 0:
                outside = far
                break
            inside, width = outside, 2 * width
            outside = self.beta + side * width
            if side * (outside - far) > 0:
                outside = far
        for _ in range(200):
            mid = 0.5 * (inside + outside)
            if self.pvalue(mid) > alpha:
                inside = mid
            else:
                outside = mid
            if abs(outside - inside) <= 1e-10 * self.se:
                break
        return 0.5 * (inside + outside)


@dataclass(repr=False)
class WildBootstrapResults(EstimationResults):
    """Bootstrap p-values and confidence intervals; ``std_errors`` are the original CR1 SEs.

    ``conf_int(level)`` inverts the bootstrap test at any level (same draws).
    """

    B: int = 0
    weights_type: str = "webb"
    inverters: dict[str, Any] = field(default_factory=dict, compare=False)

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:  # noqa: D102 - see class docstring
        if not _is_real(level) or not 0 < level < 1:
            raise ModelError(f"level must be a number in (0, 1), got {level!r}")
        rows = {term: self.inverters[term].interval(level) for term in self.params.index}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["lower", "upper"])

    def pvalue_at(self, term: str, value: float) -> float:
        """Bootstrap p-value of ``H0: term = value`` with the same draws.

        Raises
        ------
        ModelError
            ``term`` was not bootstrapped, or ``value`` is not a finite number.
        """
        if term not in self.inverters:
            raise ModelError(f"{term!r} was not bootstrapped; terms: {sorted(self.inverters)}")
        if not _is_real(value) or not np.isfinite(value):
            raise ModelError(f"the null value must be a finite number, got {value!r}")
        return self.inverters[term].pvalue(value)

    def wald_test(self, R: Any = None, q: Any = None, *, distribution: str | None = None) -> Any:
        """Not available: joint bootstrap tests are not implemented.

        ``vcov`` is the original cluster-robust covariance; a Wald test from it would ignore
        the bootstrap. Test one coefficient with :meth:`pvalue_at`, or call ``wald_test`` on
        the :func:`~cchc_research.models.twfe` result for the analytic CR1 test.

        Raises
        ------
        ModelError
            Always.
        """
        raise ModelError(
            "wald_test is not available for wild bootstrap results (it would ignore the bootstrap); "
            "use pvalue_at(term, value) for one coefficient, or wald_test on the twfe result"
        )


def _design(result: TWFEResults) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Dense y, X (slopes first), slope names and cluster codes, nested FEs partialled out."""
    frame, names = result.frame, result.names
    if frame is None:
        raise ModelError("this result does not carry its estimation data")
    cl = names[result.cluster[0]]
    g = pd.factorize(frame[cl])[0]
    slopes = [names[r] for r in result.regressors]
    y = frame[names[result.outcome]].to_numpy(dtype=float)
    X = frame[slopes].to_numpy(dtype=float)
    nested, dummies = [], []
    for f in result.fixed_effects:
        codes = pd.factorize(frame[names[f]])[0]
        per_level = pd.Series(g).groupby(codes).nunique()
        (nested if per_level.max() == 1 else dummies).append(codes)
    blocks = [X]
    if not nested:
        blocks.append(np.ones((len(y), 1)))
    n_dum = sum(int(c.max()) for c in dummies)
    if n_dum > _MAX_DUMMIES or n_dum * len(y) > _MAX_DENSE:
        raise ModelError(
            f"fixed effects not nested in the cluster variable have {n_dum} levels; the wild "
            f"bootstrap handles at most {_MAX_DUMMIES} such levels and {_MAX_DENSE:.0e} dummy cells "
            "(they enter as dummy columns); absorb them in a fixed effect nested in the cluster variable"
        )
    for c in dummies:
        D = np.zeros((len(y), int(c.max()) + 1))
        D[np.arange(len(y)), c] = 1.0
        blocks.append(D[:, 1:])
    Z = np.column_stack([y[:, None], *blocks])
    w = frame[names[result.weights]].to_numpy(dtype=float) if result.weights else np.ones(len(y))
    if nested:
        Z = demean(Z, nested, w)
    if result.weights:
        Z = Z * np.sqrt(w)[:, None]
    return Z[:, 0], Z[:, 1:], list(result.regressors), g


def _cluster_sums(M: np.ndarray, g: np.ndarray, G: int) -> np.ndarray:
    """Column sums of M within clusters, shape (G, M.shape[1])."""
    out = np.zeros((G, M.shape[1]))
    np.add.at(out, g, M)
    return out


def _prepare(y, X, g, j, V, impose_null, p_type, beta_ref, se_scale):
    G = V.shape[0]
    N, k = X.shape
    XtX = X.T @ X
    # generalized inverse: fixed effects entered as dummies may be collinear with those
    # partialled out (e.g. field x period next to district x period); the tested coefficient is
    # identified, and c = X (X'X)^- e_j is the same for every generalized inverse
    H = np.linalg.pinv(XtX, hermitian=True)
    beta = H @ (X.T @ y)
    a = H[j]
    # per-cluster X_g'X_g a  -> w_g = H X_g'X_g a  (k x G)
    Xa = X @ a
    XgXga = _cluster_sums(X * Xa[:, None], g, G)  # (G, k): row g = (X_g'X_g a)'
    W = H @ XgXga.T  # (k, G)
    u = y - X @ beta
    S_u = _cluster_sums(X * u[:, None], g, G).T  # (k, G) unrestricted scores
    c_u = a @ S_u
    se0 = np.sqrt(np.sum(c_u**2))  # CR0 standard error of beta_j
    se = se0 * se_scale
    if not np.isclose(beta[j], beta_ref, rtol=1e-6, atol=1e-8 * max(1.0, abs(beta_ref))):
        raise ModelError("internal check failed: bootstrap design does not reproduce the estimate")
    if impose_null:
        others = np.delete(np.arange(k), j)
        Xo = X[:, others]
        if Xo.shape[1]:
            Ho = np.linalg.pinv(Xo.T @ Xo)
            ua = y - Xo @ (Ho @ (Xo.T @ y))
            ub = X[:, j] - Xo @ (Ho @ (Xo.T @ X[:, j]))
        else:
            ua, ub = y.copy(), X[:, j].copy()
        Sa = _cluster_sums(X * ua[:, None], g, G).T
        Sb = _cluster_sums(X * ub[:, None], g, G).T
    else:
        Sa, Sb = S_u, np.zeros_like(S_u)
    ca, cb = a @ Sa, a @ Sb
    Qa = (np.diag(ca) - W.T @ Sa) @ V
    Qb = (np.diag(cb) - W.T @ Sb) @ V
    s2 = se_scale**2
    qab = s2 * np.einsum("gb,gb->b", Qa, Qb)
    qbb = s2 * np.einsum("gb,gb->b", Qb, Qb)
    if impose_null:
        # qbb is a sum of squares of terms that cancel exactly for degenerate draws; compare
        # it with the same sum computed from absolute values (the size of the rounding)
        size = (np.diag(np.abs(cb)) + np.abs(W.T) @ np.abs(Sb)) @ np.abs(V)
        degenerate = qbb <= _DEGENERATE_RTOL**2 * s2 * np.einsum("gb,gb->b", size, size)
        qab[degenerate] = 0.0
        qbb[degenerate] = 0.0
    else:
        degenerate = np.zeros(V.shape[1], dtype=bool)
    return _Inverter(
        beta=float(beta[j]),
        se=float(se),
        na=ca @ V,
        nb=cb @ V,
        qaa=s2 * np.einsum("gb,gb->b", Qa, Qa),
        qab=qab,
        qbb=qbb,
        impose_null=impose_null,
        p_type=p_type,
        degenerate=degenerate,
    )


def wild_bootstrap(
    result: TWFEResults,
    param: str | list[str] | None = None,
    B: int = 9999,
    weights: str = "webb",
    seed: int | None = DEFAULT_SEED,
    impose_null: bool = True,
    *,
    h0: float = 0.0,
    level: float = 0.95,
    p_type: str = "symmetric",
) -> WildBootstrapResults:
    """Wild cluster bootstrap p-values and confidence intervals for a :func:`twfe` fit.

    Parameters
    ----------
    result : TWFEResults
        A :func:`~cchc_research.models.twfe` result with one-way clustering.
    param : str or list of str, optional
        Coefficient(s) to test, each separately; default: every slope regressor.
    B : int, default 9999
        Bootstrap draws.
    weights : {"webb", "rademacher"}
        Wild weight distribution (Webb's six-point is recommended for G < ~12).
    seed : int, optional
        Seed of the draws (``None``: fresh entropy, not reproducible).
    impose_null : bool, default True
        WCR (restricted, recommended) or WCU (unrestricted).
    h0 : float, default 0
        Null value tested for the reported p-value.
    level : float, default 0.95
        Only validated here; ``conf_int(level)`` computes intervals at any level.
    p_type : {"symmetric", "equal-tailed"}

    Returns
    -------
    WildBootstrapResults
        ``params`` (estimates), ``std_errors`` (original CR1), ``pvalues`` (bootstrap),
        ``conf_int()`` (test inversion for WCR, percentile-t for WCU).

    Raises
    ------
    ModelError
        Not a twfe result, not one-way clustered, unknown or empty ``param``, unknown
        weights; ``B`` not an integer >= 99; ``level`` not in (0, 1); ``h0`` not a finite
        number; ``seed`` not a non-negative integer or None.

    Examples
    --------
    >>> import warnings
    >>> from cchc_research.models import twfe, wild_bootstrap
    >>> from cchc_research.models._dgp import simulate_simple_panel
    >>> df = simulate_simple_panel(n_units=12, n_periods=8, effect=0.0, seed=3)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = twfe(df, "y", ["d"], fe=["unit", "period"], cluster="unit")
    >>> boot = wild_bootstrap(res, B=9999, weights="rademacher")  # 2**12 draws, enumerated
    >>> boot.B
    4096
    """
    if not isinstance(result, TWFEResults):
        raise ModelError("wild_bootstrap needs a result of cchc_research.models.twfe")
    if len(result.cluster) != 1:
        raise ModelError("wild_bootstrap needs a twfe result clustered by exactly one variable")
    if p_type not in ("symmetric", "equal-tailed"):
        raise ModelError(f"p_type must be 'symmetric' or 'equal-tailed', got {p_type!r}")
    if not _is_real(level) or not 0 < level < 1:
        raise ModelError(f"level must be a number in (0, 1), got {level!r}")
    if isinstance(B, (bool, np.bool_)) or not isinstance(B, (int, np.integer)) or B < 99:
        raise ModelError(f"B must be an integer of at least 99, got {B!r}")
    if not _is_real(h0) or not np.isfinite(h0):
        raise ModelError(f"h0 must be a finite number (the null value of the coefficient), got {h0!r}")
    if seed is not None and (
        isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0
    ):
        raise ModelError(f"seed must be a non-negative integer, or None for fresh entropy; got {seed!r}")
    params = list(result.regressors) if param is None else ([param] if isinstance(param, str) else list(param))
    if not params:
        raise ModelError("param is empty: name at least one coefficient, or pass None to test every slope")
    unknown = [p for p in params if p not in result.regressors]
    if unknown:
        raise ModelError(f"not slope coefficients of this model: {unknown}")

    y, X, slopes, g = _design(result)
    N, k = X.shape
    G = int(g.max()) + 1
    V = draw_weights(G, int(B), weights, seed)
    se_scale = np.sqrt(G / (G - 1) * (N - 1) / (N - k))
    inverters: dict[str, _Inverter] = {}
    pvals, ses = {}, {}
    for p in params:
        j = slopes.index(p)
        inv = _prepare(y, X, g, j, V, impose_null, p_type, float(result.params[p]), se_scale)
        inverters[p] = inv
        pvals[p] = inv.pvalue(h0)
        ses[p] = float(result.std_errors[p])
    enum = weights == "rademacher" and V.shape[1] == 2**G
    desc = (
        f"wild cluster bootstrap ({'WCR, null imposed' if impose_null else 'WCU, null not imposed'}; "
        f"Roodman et al. 2019 boottest) by {result.cluster[0]} ({G} clusters), "
        f"{weights} weights, {'all ' + str(V.shape[1]) + ' sign vectors enumerated' if enum else f'B={V.shape[1]} draws, seed {seed}'}; "
        f"{p_type} p-value (share of |t*| >= |t|) of H0: coefficient = {h0:g}; "
        f"{'CI by test inversion' if impose_null else 'symmetric percentile-t CI'}; "
        f"std_errors are the original {result.cov_type} SEs"
    )
    return WildBootstrapResults(
        params=result.params[params],
        std_errors=pd.Series(ses),
        nobs=result.nobs,
        cov_type="wild-cluster-bootstrap",
        cov_description=desc,
        df_resid=result.df_resid,
        pvalues_override=pd.Series(pvals),
        model_name=f"{result.model_name}, wild cluster bootstrap",
        outcome=result.outcome,
        extra={"Bootstrap draws": int(V.shape[1]), "Weights": weights, f"Clusters ({result.cluster[0]})": G},
        cov=result.cov.loc[params, params] if result.cov is not None else None,
        n_clusters=G,
        prediction_note="it is an inference procedure on a twfe fit; use that result's resid, fitted "
        "and predict",
        B=int(V.shape[1]),
        weights_type=weights,
        inverters=inverters,
    )
