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
  bootstrap p-value exceeds ``1 − level``, bounds located by bisection on the step
  function (a bound is ±inf when no value is rejected, e.g. with very few clusters); with
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
from cchc_research.models.results import EstimationResults
from cchc_research.models.twfe import TWFEResults

__all__ = ["wild_bootstrap", "WildBootstrapResults", "draw_weights", "WEIGHT_TYPES"]

WEIGHT_TYPES = ("webb", "rademacher")
_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
_MAX_DUMMIES = 5_000
_MAX_DENSE = 50_000_000  # N x dummy columns (400 MB of float64)


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


@dataclass
class _Inverter:
    """Bootstrap t statistics as functions of the hypothesised value β0 (one coefficient)."""

    beta: float
    se: float
    na: np.ndarray
    nb: np.ndarray
    qaa: np.ndarray
    qab: np.ndarray
    qbb: np.ndarray
    impose_null: bool
    p_type: str

    def tstar(self, b0: float) -> np.ndarray:
        if not self.impose_null:
            return self.na / np.sqrt(self.qaa)
        var = np.maximum(self.qaa - 2 * b0 * self.qab + b0 * b0 * self.qbb, 1e-300)
        return (self.na - b0 * self.nb) / np.sqrt(var)

    def pvalue(self, b0: float) -> float:
        t = (self.beta - b0) / self.se
        ts = self.tstar(b0)
        # draws that reproduce the sample (v = ±1 under enumeration) tie with t in exact
        # arithmetic; they count as "at least as extreme" whatever the rounding, so the
        # enumerated test is an exact sign-flip randomization test (p >= 2 / 2**G)
        tol = 1e-7 * max(1.0, abs(t))
        if self.p_type == "symmetric":
            return float(np.mean(np.abs(ts) >= abs(t) - tol))
        return float(min(1.0, 2 * min(np.mean(ts >= t - tol), np.mean(ts <= t + tol))))

    def interval(self, level: float) -> tuple[float, float]:
        alpha = 1 - level
        if not self.impose_null:
            q = float(np.quantile(np.abs(self.tstar(0.0)), level))
            return self.beta - q * self.se, self.beta + q * self.se
        return self._bound(alpha, -1.0), self._bound(alpha, 1.0)

    def _bound(self, alpha: float, side: float) -> float:
        inside = self.beta
        width = self.se
        outside = self.beta + side * width
        # search up to 2**30 standard errors away; beyond that the bound is reported as
        # infinite (and the linear-in-β0 formulas lose the precision to detect ties)
        for _ in range(31):
            if self.pvalue(outside) <= alpha:
                break
            inside, width = outside, 2 * width
            outside = self.beta + side * width
        else:
            return side * np.inf
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
        self._critical_value(level)
        rows = {term: self.inverters[term].interval(level) for term in self.params.index}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["lower", "upper"])

    def pvalue_at(self, term: str, value: float) -> float:
        """Bootstrap p-value of ``H0: term = value`` with the same draws."""
        return self.inverters[term].pvalue(value)


def _demean(M: np.ndarray, codes: list[np.ndarray], w: np.ndarray) -> np.ndarray:
    if len(codes) == 1:
        c = codes[0]
        sw = np.bincount(c, weights=w)
        means = np.stack([np.bincount(c, weights=w * M[:, j]) for j in range(M.shape[1])], axis=1)
        return M - (means / sw[:, None])[c]
    from pyfixest.estimation import demean

    out, ok = demean(np.ascontiguousarray(M), np.column_stack(codes).astype(np.uint64), w, tol=1e-12)
    if not ok:
        raise ModelError("alternating projections did not converge while partialling out fixed effects")
    return out


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
        Z = _demean(Z, nested, w)
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
    H = np.linalg.inv(XtX)
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
    return _Inverter(
        beta=float(beta[j]),
        se=float(se),
        na=ca @ V,
        nb=cb @ V,
        qaa=s2 * np.einsum("gb,gb->b", Qa, Qa),
        qab=s2 * np.einsum("gb,gb->b", Qa, Qb),
        qbb=s2 * np.einsum("gb,gb->b", Qb, Qb),
        impose_null=impose_null,
        p_type=p_type,
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
        Not a twfe result, not one-way clustered, unknown parameter or weights.

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
    if not 0 < level < 1:
        raise ModelError(f"level must be in (0, 1), got {level!r}")
    if int(B) < 99:
        raise ModelError(f"B must be at least 99, got {B!r}")
    params = list(result.regressors) if param is None else ([param] if isinstance(param, str) else list(param))
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
        B=int(V.shape[1]),
        weights_type=weights,
        inverters=inverters,
    )
