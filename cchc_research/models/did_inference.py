"""Inference for staggered DiD with few units: multiplier bootstrap and randomization inference.

Both Callaway–Sant'Anna (without covariates) and Sun–Abraham are *linear* in the outcome:
every group-time cell, and every aggregation of cells, is ``Σ_it W_it · Y_it`` for a weight
array ``W`` (units × periods) fixed by the rollout design. :func:`cs_cell_weights` and
:func:`sa_cell_weights` compute those arrays; the methods below reuse them (or the
influence functions) for every draw, so a bootstrap of B draws costs one matrix product.

* :func:`multiplier_bootstrap` — R ``did``'s multiplier bootstrap (Callaway & Sant'Anna
  2021, sec. 4; ``did::mboot``): unit (or cluster) influence functions times i.i.d. Mammen
  (default) or Rademacher weights; the standard error is the bootstrap interquartile range
  divided by ``Φ⁻¹(0.75) − Φ⁻¹(0.25)`` (divided by √n), the pointwise critical value is
  ``Φ⁻¹(1 − α/2)`` and the uniform (simultaneous) one the ``1 − α`` quantile of
  ``max_k |draw_k / se_k|``. With the same draws it reproduces ``moderndid``'s ``mboot``
  (a port of R ``did``) — ``tests/models/reference/test_ref_did.py``.
* :func:`randomization_inference` — randomization inference over rollout dates (Fisher;
  MacKinnon & Webb 2020 for DiD with few treated or control clusters): the cohorts are
  permuted across units (cohort sizes kept), the estimator recomputed for each permutation
  (``W`` of a permuted design is ``W`` with its rows permuted, the estimators being
  symmetric in units), and the constant-effect null ``Y(0) = Y − τ0·D`` inverted exactly —
  the acceptance region's bounds are roots of quadratics, never found by bisection. The
  statistic is studentized by :func:`unit_variance` (RI-t), which makes the permutation
  distribution insensitive to units of very different noise (e.g. one large comparison
  unit).
* :func:`unit_variance` — the variance of ``Σ W·Y`` when each unit's outcomes are
  independent over time with a unit-specific variance, estimated from the residuals of a
  two-way fixed-effects fit on the untreated cells (degrees of freedom by leverage, as
  HC2). Unlike cluster-robust or influence-function variances it does not need the
  comparison unit's own residuals in the periods where it is the *only* comparison (they
  are zero there by construction), which is why those variances are too small with one
  late cohort as the only comparison.

Examples
--------
>>> import numpy as np
>>> from cchc_research.models.did_inference import cs_cell_weights
>>> W = cs_cell_weights(np.array([2.0, 0.0]), np.array([1.0, 2.0]), group=np.array([2.0]),
...                     time=np.array([2.0]), base=np.array([1.0]))
>>> W[0].tolist()  # (Y_12 − Y_11) − (Y_22 − Y_21)
[[-1.0, 1.0], [1.0, -1.0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import ModelError

__all__ = [
    "MULTIPLIER_WEIGHTS",
    "MultiplierBootstrap",
    "RandomizationInference",
    "cs_cell_weights",
    "sa_cell_weights",
    "multiplier_bootstrap",
    "unit_variance",
    "randomization_inference",
    "treatment_indicator",
    "invert_permutation_test",
]

MULTIPLIER_WEIGHTS = ("mammen", "rademacher")
#: Φ⁻¹(0.75) − Φ⁻¹(0.25), the normal interquartile range (= 2·0.6744897501960817; a literal so
#: that importing the package does not load scipy.stats).
_IQR_NORMAL = 1.3489795003921634
_MAMMEN_P = float((1 + np.sqrt(5)) / (2 * np.sqrt(5)))  # P(v = (1 − √5)/2)


def cs_cell_weights(
    G: np.ndarray,
    times: np.ndarray,
    *,
    group: np.ndarray,
    time: np.ndarray,
    base: np.ndarray,
    control: str = "never_treated",
    anticipation: float = 0,
) -> np.ndarray:
    """Weights of each Callaway–Sant'Anna cell on the wide outcome (no covariates).

    ``ATT(g, t) = mean_{G=g}(Y_t − Y_b) − mean_{C}(Y_t − Y_b)`` with the comparison set ``C``
    of :func:`cchc_research.models.did_cs.group_time_effects` (never treated, or not yet
    treated by ``max(t, b) + anticipation``).

    Parameters
    ----------
    G : numpy.ndarray
        Cohort of each unit (0: never treated / comparison).
    times : numpy.ndarray
        Sorted periods (columns of the wide outcome).
    group, time, base : numpy.ndarray
        Cohort, evaluation period and base period of each cell.
    control : {"never_treated", "not_yet_treated"}
    anticipation : float

    Returns
    -------
    numpy.ndarray
        ``n_cells × n_units × n_periods``; a cell with no comparison unit (skipped by the
        estimator) or a reference cell (``time == base``) has zero weights.
    """
    n, T = len(G), len(times)
    col = {float(t): j for j, t in enumerate(times)}
    out = np.zeros((len(group), n, T))
    for c, (g, t, b) in enumerate(zip(group, time, base)):
        if t == b:
            continue
        tr = G == g
        if control == "never_treated":
            ctrl = G == 0
        else:
            ctrl = (G == 0) | ((G > max(t, b) + anticipation) & (G != g))
        if not ctrl.any() or not tr.any():
            continue
        jt, jb = col[float(t)], col[float(b)]
        out[c, tr, jt] += 1.0 / tr.sum()
        out[c, tr, jb] -= 1.0 / tr.sum()
        out[c, ctrl, jt] -= 1.0 / ctrl.sum()
        out[c, ctrl, jb] += 1.0 / ctrl.sum()
    return out


def sa_cell_weights(design: np.ndarray, n_units: int, n_periods: int) -> np.ndarray:
    """Weights of each coefficient of a two-way fixed-effects regression on a balanced panel.

    On a balanced panel the unit and period effects are partialled out exactly by two-way
    demeaning (Frisch–Waugh–Lovell), so ``β̂ = (X̃'X̃)⁻¹ X̃' y`` and row ``k`` of
    ``(X̃'X̃)⁻¹ X̃'`` holds the weights of coefficient ``k`` on ``y``.

    Parameters
    ----------
    design : numpy.ndarray
        ``(n_units·n_periods) × K`` regressors in unit-major order (unit 0's periods first).
    n_units, n_periods : int

    Returns
    -------
    numpy.ndarray
        ``K × n_units × n_periods``.

    Raises
    ------
    ModelError
        Regressors collinear with the fixed effects.
    """
    X = np.asarray(design, dtype=float).reshape(n_units, n_periods, -1)
    Xt = X - X.mean(axis=0, keepdims=True) - X.mean(axis=1, keepdims=True) + X.mean(axis=(0, 1), keepdims=True)
    Xt = Xt.reshape(n_units * n_periods, -1)
    XtX = Xt.T @ Xt
    if np.linalg.matrix_rank(XtX) < XtX.shape[0]:
        raise ModelError("event-time indicators are collinear with the unit and period fixed effects")
    return np.linalg.solve(XtX, Xt.T).reshape(-1, n_units, n_periods)


def treatment_indicator(G: np.ndarray, times: np.ndarray, anticipation: float = 0) -> np.ndarray:
    """``D_it = 1`` if unit ``i`` is treated (cohort > 0) and ``t ≥ G_i − anticipation``.

    Returns
    -------
    numpy.ndarray
        ``n_units × n_periods`` of 0.0 / 1.0.
    """
    G = np.asarray(G, dtype=float)
    return ((G[:, None] > 0) & (np.asarray(times)[None, :] >= G[:, None] - anticipation)).astype(float)


@dataclass
class MultiplierBootstrap:
    """Result of :func:`multiplier_bootstrap`.

    Attributes
    ----------
    std_errors : numpy.ndarray
        Bootstrap standard errors (IQR rule), one per parameter.
    draws : numpy.ndarray
        ``B × k`` bootstrap draws of the estimation error (``Σ v_i ψ_i / n``).
    B : int
    weights : str
    """

    std_errors: np.ndarray
    draws: np.ndarray
    B: int
    weights: str

    def critical_value(self, level: float = 0.95, uniform: bool = False) -> float:
        """Pointwise ``Φ⁻¹(1 − α/2)`` or the uniform (sup-t) critical value (R ``did``)."""
        if not 0 < level < 1:
            raise ModelError(f"level must be in (0, 1), got {level!r}")
        if not uniform:
            return NormalDist().inv_cdf(1 - (1 - level) / 2)
        ok = np.isfinite(self.std_errors) & (self.std_errors > 0)
        if not ok.any():
            return float("nan")
        t = np.max(np.abs(self.draws[:, ok] / self.std_errors[ok]), axis=1)
        return float(np.quantile(t, level, method="inverted_cdf"))


def multiplier_bootstrap(
    psi: np.ndarray,
    B: int = 999,
    *,
    weights: str = "mammen",
    seed: int | None = DEFAULT_SEED,
    cluster_codes: np.ndarray | None = None,
) -> MultiplierBootstrap:
    """R ``did``'s multiplier bootstrap of influence functions (``did::mboot``).

    Parameters
    ----------
    psi : numpy.ndarray
        ``n_units × k`` influence functions scaled so that ``Var = Σ ψ² / n²``.
    B : int
        Draws.
    weights : {"mammen", "rademacher"}
        Mammen's two-point weights ``(1 ∓ √5)/2`` (R ``did``) or ±1.
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`; Mammen weights are drawn as R ``did`` /
        ``moderndid`` do (``rng.binomial(1, p, (B, n))``, 1 → ``(1 − √5)/2``), so the same
        seed gives ``moderndid.did.mboot``'s draws.
    cluster_codes : numpy.ndarray, optional
        Integer cluster of each unit: influence functions are averaged within clusters and
        the clusters bootstrapped (R ``did`` with ``clustervars``).

    Returns
    -------
    MultiplierBootstrap

    Raises
    ------
    ModelError
        Unknown weights or ``B < 99``.

    Examples
    --------
    >>> import numpy as np
    >>> psi = np.random.default_rng(0).normal(size=(400, 1))
    >>> mb = multiplier_bootstrap(psi, B=999, seed=1)
    >>> bool(abs(mb.std_errors[0] / (np.sqrt((psi ** 2).sum()) / 400) - 1) < 0.15)
    True
    """
    if weights not in MULTIPLIER_WEIGHTS:
        raise ModelError(f"weights must be one of {MULTIPLIER_WEIGHTS}, got {weights!r}")
    if int(B) < 99:
        raise ModelError(f"B must be at least 99, got {B!r}")
    psi = np.asarray(psi, dtype=float)
    psi = psi[:, None] if psi.ndim == 1 else psi
    if cluster_codes is not None:
        codes = np.asarray(cluster_codes)
        m = int(codes.max()) + 1
        sums = np.zeros((m, psi.shape[1]))
        np.add.at(sums, codes, psi)
        psi = sums / np.bincount(codes, minlength=m)[:, None]
    m = psi.shape[0]
    rng = np.random.default_rng(seed)
    if weights == "mammen":
        k1, k2 = 0.5 * (1 - np.sqrt(5)), 0.5 * (1 + np.sqrt(5))
        V = np.where(rng.binomial(1, _MAMMEN_P, size=(int(B), m)) == 1, k1, k2)
    else:
        V = rng.choice(np.array([-1.0, 1.0]), size=(int(B), m))
    draws = V @ psi / m  # mean of v_i psi_i: R did's bres / sqrt(n)
    q75, q25 = np.quantile(np.sqrt(m) * draws, [0.75, 0.25], axis=0, method="inverted_cdf")
    se = (q75 - q25) / _IQR_NORMAL / np.sqrt(m)
    return MultiplierBootstrap(std_errors=se, draws=draws, B=int(B), weights=weights)


def _fill(b: np.ndarray) -> np.ndarray:
    """Periods without residual information take the linear interpolation of their neighbours
    (constant beyond the ends); the result is scaled to mean 1."""
    ok = np.isfinite(b) & (b > 0)
    if not ok.any():
        return np.ones_like(b)
    idx = np.arange(len(b))
    out = np.interp(idx, idx[ok], b[ok])
    return out / out.mean()


def unit_variance(Y: np.ndarray, untreated: np.ndarray, W: np.ndarray, *,
                  by_period: bool = True, iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Variance of ``Σ W_k·Y`` with independent cell errors of variance ``a_i·b_t``.

    ``Var_k = Σ_it W_kit² σ_it²``. The cell variances are separable, ``σ_it² = a_i·b_t``
    (a unit's scale times a period's: e.g. a rate's binomial noise ``p_t(1 − p_t)/n_it``
    with ``n_it`` ∝ unit size × period volume), fitted to the squared residuals ``e²`` and
    leverages ``h`` of ``Y ~ unit + period`` on the untreated cells by the moment
    equations ``Σ_t e_it² = a_i Σ_t b_t (1 − h_it)`` and ``Σ_i e_it² = b_t Σ_i a_i (1 − h_it)``
    (alternating; ``by_period=False`` keeps ``b_t = 1``: one variance per unit, HC2-like).
    Cells with leverage 1 — e.g. the only comparison unit in the periods where it is the
    only one — carry no information and get weight 0, but their variance is still
    ``a_i·b_t``: this is what cluster-robust and influence-function variances miss. A
    period with no residual degree of freedom takes ``b_t`` interpolated linearly from the
    neighbouring periods (constant beyond the ends).

    Parameters
    ----------
    Y : numpy.ndarray
        ``n_units × n_periods`` outcomes.
    untreated : numpy.ndarray of bool
        Cells used to estimate the variances (effects never enter the residuals).
    W : numpy.ndarray
        ``k × n_units × n_periods`` weights of the ``k`` estimates.
    by_period : bool, default True
        Allow the variance to change over periods (``b_t``).
    iterations : int
        Alternating updates of ``a`` and ``b``.

    Returns
    -------
    variances : numpy.ndarray
        One per estimate (NaN if an estimate weights a unit or period without residual
        degrees of freedom).
    sigma2 : numpy.ndarray
        ``n_units × n_periods`` fitted cell variances ``a_i·b_t``.
    """
    n, T = Y.shape
    mask = np.asarray(untreated, dtype=bool)
    unit = np.repeat(np.arange(n), T)[mask.ravel()]
    per = np.tile(np.arange(T), n)[mask.ravel()]
    y = Y.ravel()[mask.ravel()]
    F = np.column_stack([unit[:, None] == np.arange(n)[None, :], per[:, None] == np.arange(1, T)[None, :]])
    F = F.astype(float)[:, F.any(axis=0)]
    Q, R = np.linalg.qr(F)
    d = np.abs(np.diag(R))
    Q = Q[:, d > 1e-10 * max(1.0, d.max())]
    h = np.einsum("ij,ij->i", Q, Q)
    e2 = np.zeros((n, T))
    df = np.zeros((n, T))
    e2[unit, per] = (y - Q @ (Q.T @ y)) ** 2
    df[unit, per] = np.clip(1.0 - h, 0.0, None)
    a = np.ones(n)
    b = np.ones(T)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(max(1, int(iterations)) if by_period else 1):
            a = e2.sum(axis=1) / (df * b[None, :]).sum(axis=1)
            if by_period:
                b = _fill(e2.sum(axis=0) / (df * np.nan_to_num(a)[:, None]).sum(axis=0))
    sigma2 = np.where(np.isfinite(a)[:, None] & np.isfinite(b)[None, :], a[:, None] * b[None, :], np.nan)
    w2 = np.asarray(W, dtype=float) ** 2
    used = w2 > 0
    var = np.where(used, w2 * np.nan_to_num(sigma2)[None], 0.0).sum(axis=(1, 2))
    var[(used & np.isnan(sigma2)[None]).any(axis=(1, 2))] = np.nan
    return var, sigma2


def invert_permutation_test(a: np.ndarray, c: np.ndarray, a0: float, c0: float,
                            level: float) -> tuple[float, float, float]:
    """Invert a permutation test exactly: the hull of ``{τ : p(τ) > 1 − level}``.

    ``p(τ) = (1 + #{b : |a_b − τ c_b| ≥ |a0 − τ c0|}) / (B + 1)``. Each draw's condition is a
    quadratic inequality in ``τ``; the p-value is constant between consecutive roots, so
    it is evaluated once per interval (at midpoints) and the bounds are roots — no
    bisection, no dependence on floating-point ties at a tolerance.

    Parameters
    ----------
    a, c : numpy.ndarray
        Draws: statistic and its slope in ``τ``.
    a0, c0 : float
        The sample's.
    level : float

    Returns
    -------
    low, high : float
        Bounds (±inf when the region is unbounded, NaN when empty).
    p0 : float
        ``p(0)``.
    """
    B = len(a)
    A = c**2 - c0**2
    Bq = -2.0 * (a * c - a0 * c0)
    C = a**2 - a0**2
    scale = np.maximum(c**2, c0**2)
    quad = np.abs(A) > 1e-12 * scale
    with np.errstate(invalid="ignore", divide="ignore"):
        disc = Bq**2 - 4 * A * C
        ok = quad & (disc >= 0)
        sq = np.sqrt(np.where(ok, disc, 0.0))
        den = np.where(ok, 2 * A, 1.0)
        lin = ~quad & (np.abs(Bq) > 0)
        roots = np.concatenate([((-Bq - sq) / den)[ok], ((-Bq + sq) / den)[ok],
                                (-C / np.where(lin, Bq, 1.0))[lin]])
    roots = np.unique(roots[np.isfinite(roots)])
    span = max(1.0, float(np.abs(roots).max())) if len(roots) else 1.0
    mids = np.concatenate([[roots[0] - span] if len(roots) else [0.0],
                           (roots[:-1] + roots[1:]) / 2, [roots[-1] + span] if len(roots) else []])
    # q_b(τ) = (a_b − τ c_b)² − (a0 − τ c0)² >= 0 : draw b at least as extreme as the sample
    q = A[None, :] * mids[:, None] ** 2 + Bq[None, :] * mids[:, None] + C[None, :]
    p = (1 + (q >= 0).sum(axis=1)) / (B + 1)
    p0 = float((1 + np.sum(C >= 0)) / (B + 1))
    acc = p > 1 - level
    if not acc.any():
        return float("nan"), float("nan"), p0
    i0, i1 = np.flatnonzero(acc)[[0, -1]]
    low = -np.inf if i0 == 0 else float(roots[i0 - 1])
    high = np.inf if i1 == len(mids) - 1 else float(roots[i1])
    return low, high, p0


@dataclass
class RandomizationInference:
    """Result of :func:`randomization_inference` (one entry per estimate).

    ``conf_int(level)`` inverts the test exactly for any level; ``pvalues`` test a zero
    effect; ``std_errors`` are the :func:`unit_variance` standard errors that studentize
    the statistic.
    """

    estimates: np.ndarray
    std_errors: np.ndarray
    stat: np.ndarray        # k × B  a_b / se_b
    scale: np.ndarray       # k × B  c_b / se_b
    B: int
    studentized: bool

    def conf_int(self, level: float = 0.95) -> np.ndarray:
        """``k × 2`` bounds (the hull of the acceptance region; ±inf when unbounded)."""
        if not 0 < level < 1:
            raise ModelError(f"level must be in (0, 1), got {level!r}")
        out = np.empty((len(self.estimates), 2))
        for k, (est, se) in enumerate(zip(self.estimates, self.std_errors)):
            s = se if self.studentized else 1.0
            if not (np.isfinite(s) and s > 0 and np.isfinite(self.scale[k]).all()):
                out[k] = np.nan
                continue
            out[k, 0], out[k, 1], _ = invert_permutation_test(self.stat[k], self.scale[k], est / s, 1.0 / s, level)
        return out

    @property
    def pvalues(self) -> np.ndarray:
        """Randomization p-values of a zero effect (share of draws at least as extreme, +1)."""
        out = np.empty(len(self.estimates))
        for k, (est, se) in enumerate(zip(self.estimates, self.std_errors)):
            s = se if self.studentized else 1.0
            if not (np.isfinite(s) and s > 0):
                out[k] = np.nan
                continue
            out[k] = (1 + np.sum(np.abs(self.stat[k]) >= abs(est / s))) / (self.B + 1)
        return out


def randomization_inference(
    Y: np.ndarray,
    G: np.ndarray,
    W: np.ndarray,
    D: np.ndarray,
    untreated: np.ndarray,
    *,
    B: int = 999,
    seed: int | None = DEFAULT_SEED,
    studentize: bool = True,
) -> RandomizationInference:
    """Randomization inference over rollout dates for estimates linear in the outcome.

    For each of ``B`` random permutations ``π`` of the units' cohorts, the estimate of the
    permuted design is ``a_b = Σ_i <W[π(i)], Y_i>`` (``W`` of a permuted design is ``W``
    with its unit rows permuted) and the same operator on the treatment indicator gives
    ``c_b``. Under the null of a constant effect ``τ0`` on the treated cells (``Y(0) = Y −
    τ0·D``) the statistic of draw ``b`` is ``(a_b − τ0 c_b) / s_b`` against ``(â − τ0 c_0) /
    s_0``, with ``s`` the :func:`unit_variance` standard error of the permuted design
    (``studentize=True``, RI-t) or 1 (RI-β). The confidence set is every ``τ0`` whose
    p-value ``(1 + #{|draw| ≥ |sample|}) / (B + 1)`` exceeds ``1 − level``.

    Parameters
    ----------
    Y : numpy.ndarray
        ``n_units × n_periods`` outcomes.
    G : numpy.ndarray
        Cohort of each unit.
    W : numpy.ndarray
        ``k × n_units × n_periods`` weights of the estimates.
    D : numpy.ndarray
        ``n_units × n_periods`` (or ``k × n_units × n_periods``, one per estimate) cells
        under the constant-effect null (1 = treated). An estimate whose own design gives
        ``c_0 = Σ W·D = 0`` has no interval (NaN).
    untreated : numpy.ndarray of bool
        Cells for :func:`unit_variance`.
    B : int
        Permutations (drawn with :func:`numpy.random.default_rng` ``(seed)``).
    seed : int, optional
    studentize : bool

    Returns
    -------
    RandomizationInference

    Raises
    ------
    ModelError
        ``B < 99``.
    """
    if int(B) < 99:
        raise ModelError(f"B must be at least 99, got {B!r}")
    W = np.asarray(W, dtype=float)
    k, n = W.shape[0], Y.shape[0]
    D = np.broadcast_to(np.asarray(D, dtype=float), W.shape)
    var0, sigma2 = unit_variance(Y, untreated, W)
    s2 = np.nan_to_num(sigma2, nan=np.nanmax(sigma2) if np.isfinite(sigma2).any() else 0.0)
    V = np.einsum("it,kjt->kij", s2, W**2)    # V[k, i, j]: variance if unit i had unit j's weights
    se0 = np.sqrt(var0)
    rng = np.random.default_rng(seed)
    perm = np.argsort(rng.random((int(B), n)), axis=1)  # B random permutations
    S = np.einsum("it,kjt->kij", Y, W)        # S[k, i, j] = <Y_i, W_k[j]>
    Sd = np.einsum("kit,kjt->kij", D, W)
    rows = np.arange(n)[None, :]
    a = np.stack([S[j][rows, perm].sum(axis=1) for j in range(k)])
    c = np.stack([Sd[j][rows, perm].sum(axis=1) for j in range(k)])
    est = np.einsum("it,kit->k", Y, W)
    c0 = np.einsum("kit,kit->k", D, W)
    if studentize:
        sb = np.sqrt(np.stack([V[j][rows, perm].sum(axis=1) for j in range(k)]))
    else:
        sb = np.ones_like(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = a / sb
        # τ is the effect on the estimate's own scale (τ·c0): the sample's c becomes 1
        scale = c / sb / np.where(np.abs(c0) > 1e-12, c0, np.nan)[:, None]
    return RandomizationInference(estimates=est, std_errors=se0, stat=stat, scale=scale,
                                  B=int(B), studentized=studentize)
