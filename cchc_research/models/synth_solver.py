"""Numerical core of the synthetic control method (Abadie, Diamond & Hainmueller 2010).

* :func:`simplex_least_squares` — donor weights: ``min_w ‖A w − b‖²`` subject to
  ``w ≥ 0, Σ w = 1``, solved by Lawson–Hanson NNLS with a penalised adding-up row, then
  polished on the active set so that the KKT conditions hold to machine precision
  (SLSQP as a checked fallback).
* :func:`nested_weights` — with predictors: the diagonal predictor-importance matrix ``V``
  chosen to minimise the pre-treatment outcome MSPE of ``W(V)`` (the nested optimisation
  of R ``Synth``: starts at equal and regression-based weights, Nelder–Mead and BFGS;
  Abadie, Diamond & Hainmueller 2011, *J Stat Softw* 42(13)), predictors standardised by
  their standard deviation across units. Checked against R ``Synth``'s Basque example
  (``tests/models/reference/test_ref_synth.py``).

Examples
--------
>>> import numpy as np
>>> from cchc_research.models.synth_solver import simplex_least_squares
>>> A = np.array([[1.0, 0.0], [0.0, 1.0]]); b = np.array([0.3, 0.7])
>>> np.round(simplex_least_squares(A, b), 12).tolist()
[0.3, 0.7]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from cchc_research.errors import ModelError

__all__ = ["simplex_least_squares", "nested_weights", "V_METHODS", "OUTER_METHODS", "check_outer_methods"]

#: Outer search methods of R ``Synth`` (``optimxmethod = c("Nelder-Mead", "BFGS")``).
V_METHODS: tuple[str, ...] = ("Nelder-Mead", "BFGS")
_OUTER_METHODS = ("Nelder-Mead", "BFGS", "Powell", "L-BFGS-B", "CG", "COBYLA")
#: The :func:`scipy.optimize.minimize` methods accepted for the outer search over ``V``.
OUTER_METHODS: tuple[str, ...] = _OUTER_METHODS


def check_outer_methods(methods: Sequence[str]) -> list[str]:
    """Return ``methods`` as a list, or raise :class:`ModelError` if it is empty, a bare
    string, or names a method outside :data:`OUTER_METHODS`.

    Examples
    --------
    >>> check_outer_methods(("BFGS",))
    ['BFGS']
    """
    if isinstance(methods, str):
        raise ModelError(f"outer search methods must be a list such as ['BFGS'], got the string {methods!r}")
    listed = list(methods)
    unknown = [m for m in listed if m not in _OUTER_METHODS]
    if unknown or not listed:
        raise ModelError(f"outer search methods must be among {_OUTER_METHODS}, got {listed!r}")
    return listed
_MAX_RESTARTS = 20


def _kkt_polish(A: np.ndarray, b: np.ndarray, w: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Re-solve exactly on the support of ``w``; keep the result only if it is KKT-optimal."""
    support = w > tol
    for _ in range(len(w)):
        S = np.flatnonzero(support)
        k = len(S)
        As = A[:, S]
        K = np.zeros((k + 1, k + 1))
        K[:k, :k] = 2 * As.T @ As
        K[:k, k] = 1.0
        K[k, :k] = 1.0
        rhs = np.concatenate([2 * As.T @ b, [1.0]])
        sol = np.linalg.lstsq(K, rhs, rcond=None)[0]
        ws = sol[:k]
        if np.any(ws < 0):
            support[S[ws < 0]] = False  # drop negatives and retry
            if not support.any():
                return w
            continue
        cand = np.zeros_like(w)
        cand[S] = ws
        grad = 2 * A.T @ (A @ cand - b)
        lam = -sol[k]  # multiplier of Σw = 1 in grad + λ' = 0 form
        # off-support coordinates must not want to enter: grad_j + (−lam) >= 0
        scale = max(1.0, float(np.abs(grad).max()))
        if np.all(grad[~support] - lam >= -1e-7 * scale):
            return cand
        return w
    return w


def _kkt_ok(A: np.ndarray, b: np.ndarray, w: np.ndarray, tol: float = 1e-7) -> bool:
    """Whether ``w`` satisfies the KKT conditions of the simplex least-squares problem."""
    if np.any(w < 0) or abs(w.sum() - 1.0) > 1e-10:
        return False
    grad = 2 * A.T @ (A @ w - b)
    support = w > 0
    mu = -float(np.mean(grad[support]))
    scale = max(1.0, float(np.abs(grad).max()))
    on = np.abs(grad[support] + mu) <= tol * scale
    off = grad[~support] + mu >= -tol * scale
    return bool(np.all(on) and np.all(off))


def _slsqp(As: np.ndarray, bs: np.ndarray) -> np.ndarray:
    J = As.shape[1]
    P, q = As.T @ As, As.T @ bs

    def fun(w: np.ndarray) -> tuple[float, np.ndarray]:
        r = As @ w - bs
        return float(r @ r), 2 * (P @ w - q)

    from scipy import optimize  # heavy third-party import, loaded on first use (models/__init__)

    res = optimize.minimize(
        fun,
        x0=np.full(J, 1.0 / J),
        jac=True,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * J,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(J)}],
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    w = np.clip(res.x, 0.0, None)
    return w / w.sum()


def simplex_least_squares(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Weights on the unit simplex minimising ``‖A w − b‖²``.

    Solved as a non-negative least-squares problem with the adding-up constraint as a
    heavily weighted extra row (Lawson–Hanson, :func:`scipy.optimize.nnls`), then
    re-solved exactly on the selected support and checked against the KKT conditions;
    if the check fails, SLSQP from equal weights is used instead. Deterministic.

    Parameters
    ----------
    A : numpy.ndarray
        ``m × J`` (rows: fitted quantities, columns: donors).
    b : numpy.ndarray
        Length ``m`` target.

    Returns
    -------
    numpy.ndarray
        Non-negative weights summing to one (exact zeros off the support).

    Examples
    --------
    >>> import numpy as np
    >>> w = simplex_least_squares(np.array([[0.0, 1.0, 2.0]]), np.array([5.0]))
    >>> w.tolist()  # the target lies outside the hull: all weight on the nearest donor
    [0.0, 0.0, 1.0]
    """
    m, J = A.shape
    if J == 1:
        return np.ones(1)
    scale = max(float(np.abs(A).max()), float(np.abs(b).max()), 1.0)
    As, bs = A / scale, b / scale
    rho = 1e4 * max(1.0, float(np.linalg.norm(As)))
    from scipy import optimize  # heavy third-party import, loaded on first use (models/__init__)

    w0, _ = optimize.nnls(np.vstack([As, np.full((1, J), rho)]), np.concatenate([bs, [rho]]), maxiter=50 * J)
    w = _kkt_polish(As, bs, w0 / w0.sum() if w0.sum() > 0 else np.full(J, 1.0 / J))
    if not _kkt_ok(As, bs, w):
        w = _kkt_polish(As, bs, _slsqp(As, bs))
    w[w < 1e-12] = 0.0
    return w / w.sum()


def _standardise(X1: np.ndarray, X0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    allx = np.column_stack([X0, X1])
    sd = allx.std(axis=1, ddof=1)
    sd[sd == 0] = 1.0
    return X1 / sd, X0 / sd[:, None]


def nested_weights(
    X1: np.ndarray,
    X0: np.ndarray,
    Z1: np.ndarray,
    Z0: np.ndarray,
    v: np.ndarray | None = None,
    maxiter: int = 1000,
    methods: Sequence[str] = V_METHODS,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Donor weights ``W(V)`` with ``V`` chosen to fit the pre-treatment outcomes.

    Parameters
    ----------
    X1, X0 : numpy.ndarray
        Predictors of the treated unit (``k``) and the donors (``k × J``).
    Z1, Z0 : numpy.ndarray
        Pre-treatment outcomes of the treated unit (``T0``) and the donors (``T0 × J``).
    v : numpy.ndarray, optional
        Fixed predictor weights (normalised to sum 1); skips the outer optimisation.
    maxiter : int
        Iterations of each outer search.
    methods : sequence of str, default ("Nelder-Mead", "BFGS")
        :func:`scipy.optimize.minimize` methods of the outer search, each run from both
        starts (R ``Synth``'s ``optimxmethod`` default). Every result is then restarted
        with Nelder–Mead until it stops improving (a restart rebuilds the simplex, which a
        stalled Nelder–Mead search needs), and the lowest loss is kept. The outer problem
        is not convex: other methods (e.g. adding ``"Powell"``) can reach a different,
        sometimes lower, local optimum.

    Returns
    -------
    w : numpy.ndarray
        Donor weights.
    v : numpy.ndarray
        Predictor weights (sum 1).
    loss : float
        Pre-treatment outcome MSPE of the synthetic control.

    Examples
    --------
    >>> import numpy as np
    >>> X0 = np.array([[1.0, 3.0], [2.0, 0.0]]); X1 = np.array([2.0, 1.0])
    >>> Z0 = np.array([[1.0, 3.0], [1.0, 3.0]]); Z1 = np.array([2.0, 2.0])
    >>> w, v, loss = nested_weights(X1, X0, Z1, Z0, v=np.array([1.0, 1.0]))
    >>> np.round(w, 8).tolist(), float(round(loss, 12))
    ([0.5, 0.5], 0.0)
    """
    x1, x0 = _standardise(X1, X0)
    k = len(x1)

    def weights_for(vv: np.ndarray) -> np.ndarray:
        root = np.sqrt(vv)
        return simplex_least_squares(x0 * root[:, None], x1 * root)

    def loss_for(w: np.ndarray) -> float:
        r = Z1 - Z0 @ w
        return float(r @ r / len(r))

    if v is not None:
        vv = np.abs(np.asarray(v, dtype=float))
        vv = vv / vv.sum()
        w = weights_for(vv)
        return w, vv, loss_for(w)

    def outer(x: np.ndarray) -> float:
        vv = np.abs(x)
        total = vv.sum()
        if total == 0:
            return np.inf
        return loss_for(weights_for(vv / total))

    # two deterministic starts, as R Synth: equal weights and a regression-based start
    starts = [np.full(k, 1.0 / k)]
    design = np.column_stack([np.ones(x0.shape[1] + 1), np.column_stack([x0, x1]).T])
    Zall = np.column_stack([Z0, Z1])
    beta = np.linalg.lstsq(design, Zall.T, rcond=None)[0][1:]
    reg = np.sum(beta**2, axis=1)
    if np.all(np.isfinite(reg)) and reg.sum() > 0:
        starts.append(reg / reg.sum())
    methods = check_outer_methods(methods)

    from scipy import optimize  # heavy third-party import, loaded on first use (models/__init__)

    def polish(x: np.ndarray, f: float) -> tuple[np.ndarray, float]:
        for _ in range(_MAX_RESTARTS):
            res = optimize.minimize(
                outer, x, method="Nelder-Mead",
                options={"maxiter": 2 * maxiter, "xatol": 1e-8, "fatol": 1e-14},
            )
            if not res.fun < f - 1e-12 * max(abs(f), 1e-300):
                break
            x, f = res.x, float(res.fun)
        return x, f

    best: tuple[float, np.ndarray] | None = None
    for x_start in starts:
        for method in methods:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # BFGS line searches at kinks
                res = optimize.minimize(outer, x_start, method=method, options={"maxiter": maxiter})
            x, f = polish(res.x, float(res.fun))
            if np.isfinite(f) and np.abs(x).sum() > 0 and (best is None or f < best[0] - 1e-15):
                best = (f, np.abs(x) / np.abs(x).sum())
    if best is None:
        raise ModelError("the search for predictor weights V found no finite loss")
    vv = best[1]
    w = weights_for(vv)
    return w, vv, loss_for(w)
