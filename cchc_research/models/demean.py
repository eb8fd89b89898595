"""Partialling out fixed effects: the one demeaning routine of the package.

Every estimator or diagnostic that needs the *within* variation — the wild cluster bootstrap
(:mod:`cchc_research.models.bootstrap`), the implicit TWFE weights
(:mod:`cchc_research.models.did_weights`), the partial-regression scatters of the PAPI and
PCI studies — calls :func:`demean` (arrays) or :func:`demean_frame` (a DataFrame).

Method: with one fixed effect the (weighted) group means are subtracted exactly; with two or
more, the method of alternating projections (Gaure 2013, *lfe*; Correia 2017, *reghdfe*)
as implemented by pyfixest's public :func:`pyfixest.estimation.demean` (compiled), iterated
to ``tol``. By the Frisch–Waugh–Lovell theorem, the OLS slope of a demeaned outcome on demeaned
regressors is the fixed-effects slope. With a balanced panel and equal weights the two-way
result is ``x - x̄_unit - x̄_time + x̄`` (one sweep is exact).

Examples
--------
>>> import numpy as np
>>> x = np.array([1.0, 2.0, 3.0, 5.0])
>>> unit, time = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
>>> demean(x, [unit, time]).round(12).tolist()
[0.25, -0.25, -0.25, 0.25]
>>> demean(x, [unit]).tolist()
[-0.5, 0.5, -1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import InvalidArgumentError, MissingValuesError, ModelError

__all__ = ["demean", "demean_frame", "DEFAULT_TOL"]

#: Convergence tolerance of the alternating projections (pyfixest's criterion, on the
#: largest change of an iteration).
DEFAULT_TOL = 1e-12


def _codes(fixed_effects: Any, n: int) -> list[np.ndarray]:
    """Integer codes 0..G-1 of each fixed effect (a sequence of arrays or an (n, m) array)."""
    if isinstance(fixed_effects, np.ndarray) and fixed_effects.ndim == 2:
        columns = [fixed_effects[:, j] for j in range(fixed_effects.shape[1])]
    elif isinstance(fixed_effects, pd.DataFrame):
        columns = [fixed_effects[c].to_numpy() for c in fixed_effects.columns]
    elif isinstance(fixed_effects, (np.ndarray, pd.Series)):
        columns = [np.asarray(fixed_effects)]
    elif isinstance(fixed_effects, Sequence) and not isinstance(fixed_effects, str):
        columns = [np.asarray(c) for c in fixed_effects]
    else:
        raise InvalidArgumentError("fixed_effects must be an array of codes or a sequence of "
                                   f"arrays, got {type(fixed_effects).__name__}")
    out = []
    for j, col in enumerate(columns):
        if col.ndim != 1 or len(col) != n:
            raise InvalidArgumentError(f"fixed effect {j} has shape {col.shape}; expected ({n},)")
        codes, _ = pd.factorize(col, use_na_sentinel=True)
        if (codes < 0).any():
            raise MissingValuesError(f"fixed effect {j} has missing values")
        out.append(codes.astype(np.int64))
    return out


def demean(values: Any, fixed_effects: Any, weights: Any = None, *, tol: float = DEFAULT_TOL,
           max_iter: int = 100_000) -> np.ndarray:
    """Subtract the fixed effects from each column of ``values`` (weighted least squares).

    Parameters
    ----------
    values : array-like, shape (n,) or (n, k)
        Finite numbers.
    fixed_effects : array-like of shape (n,) or (n, m), or a sequence of m arrays of length n
        Group labels of each fixed effect (any hashable labels; factorized here).
    weights : array-like, shape (n,), optional
        Positive weights (default: equal weights).
    tol : float, default 1e-12
        Convergence tolerance of the alternating projections (two or more fixed effects).
    max_iter : int, default 100000

    Returns
    -------
    numpy.ndarray
        Same shape as ``values``: the residuals of a weighted regression of each column on
        the fixed-effect dummies. With no fixed effect, a copy of ``values``.

    Raises
    ------
    InvalidArgumentError
        Shapes that do not match, non-positive weights, a non-positive ``tol``/``max_iter``.
    MissingValuesError
        Missing or non-finite values, weights or fixed-effect labels.
    ModelError
        The alternating projections did not converge within ``max_iter`` iterations.

    Examples
    --------
    >>> import numpy as np
    >>> demean(np.array([1.0, 3.0, 10.0]), np.array(["a", "a", "b"]), weights=[1, 3, 1]).tolist()
    [-1.5, 0.5, 0.0]
    """
    X = np.asarray(values, dtype=float)
    one_d = X.ndim == 1
    if one_d:
        X = X[:, None]
    if X.ndim != 2:
        raise InvalidArgumentError(f"values must be 1- or 2-dimensional, got shape {X.shape}")
    n = X.shape[0]
    if not np.isfinite(X).all():
        raise MissingValuesError("values to demean contain missing or non-finite numbers")
    if not (tol > 0 and max_iter >= 1):
        raise InvalidArgumentError(f"tol must be > 0 and max_iter >= 1, got {tol!r}, {max_iter!r}")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise InvalidArgumentError(f"weights have shape {w.shape}; expected ({n},)")
    if not np.isfinite(w).all():
        raise MissingValuesError("weights contain missing or non-finite numbers")
    if (w <= 0).any():
        raise InvalidArgumentError("weights must be positive")
    codes = _codes(fixed_effects, n)
    if not codes:
        out = X.copy()
    elif len(codes) == 1:
        c = codes[0]
        sw = np.bincount(c, weights=w)
        means = np.stack([np.bincount(c, weights=w * X[:, j]) for j in range(X.shape[1])], axis=1)
        out = X - (means / sw[:, None])[c]
    else:
        # imported here: pyfixest is heavy and only needed for two or more fixed effects
        from pyfixest.estimation import demean as alternating_projections

        out, converged = alternating_projections(
            np.ascontiguousarray(X), np.column_stack(codes).astype(np.uint64),
            np.ascontiguousarray(w), tol=tol, maxiter=max_iter)
        if not converged:
            raise ModelError(f"alternating projections did not converge in {max_iter} "
                             "iterations while partialling out fixed effects")
        out = np.asarray(out, dtype=float)
    return out[:, 0] if one_d else out


def demean_frame(frame: pd.DataFrame, columns: Sequence[str], by: Sequence[str], *,
                 weights: str | None = None, tol: float = DEFAULT_TOL) -> pd.DataFrame:
    """Demean ``columns`` of a DataFrame by the fixed effects named in ``by``.

    Parameters
    ----------
    frame : pandas.DataFrame
    columns : sequence of str
        Numeric columns to demean; no missing values.
    by : sequence of str
        Fixed-effect columns, e.g. ``["geo_code", "year"]`` for a two-way panel.
    weights : str, optional
        Column of positive weights.
    tol : float, default 1e-12

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns and the demeaned ``columns``, same index and row order as ``frame``.

    Raises
    ------
    InvalidArgumentError
        A named column is not in the frame.
    MissingValuesError
        Missing values in ``columns``, ``by`` or ``weights``.
    ModelError
        No convergence.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"geo_code": list("aabb"), "year": [1, 2, 1, 2], "y": [1.0, 2.0, 3.0, 5.0]})
    >>> demean_frame(df, ["y"], ["geo_code", "year"])["y"].round(12).tolist()
    [0.25, -0.25, -0.25, 0.25]
    """
    columns, by = list(columns), list(by)
    named = [*by, *columns, *([weights] if weights is not None else [])]
    absent = [c for c in named if c not in frame.columns]
    if absent:
        raise InvalidArgumentError(f"column(s) not in the frame: {', '.join(absent)}")
    if frame[columns].isna().any().any():
        bad = [c for c in columns if frame[c].isna().any()]
        raise MissingValuesError(f"missing values in {', '.join(bad)}: demeaning needs complete data")
    w = None if weights is None else frame[weights].to_numpy(dtype=float)
    X = demean(frame[columns].to_numpy(dtype=float), [frame[b].to_numpy() for b in by], w,
               tol=tol)
    out = frame[by].copy()
    out[columns] = X
    return out
