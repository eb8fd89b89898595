"""Shared input checks for the estimators in :mod:`cchc_research.models`.

Every estimator runs the same checks, in the same order, with the same errors:

1. the named columns exist (:class:`~cchc_research.errors.ModelError` otherwise);
2. no missing values in the model columns (:class:`~cchc_research.errors.MissingValuesError`),
   unless ``dropna=True`` (then the rows are dropped with a
   :class:`~cchc_research.errors.MissingValuesWarning` giving the count);
3. singleton fixed-effect groups are dropped, iteratively as in ``fixest``/``reghdfe``
   (:class:`~cchc_research.errors.SingletonWarning` with the count);
4. regressors are not perfectly collinear (:class:`~cchc_research.errors.CollinearityError`
   naming the offending columns);
5. at least two clusters (:class:`~cchc_research.errors.TooFewClustersError`); fewer than
   :data:`FEW_CLUSTERS` clusters give a :class:`~cchc_research.errors.FewClustersWarning`
   recommending :func:`cchc_research.models.wild_bootstrap`.

Examples
--------
>>> import pandas as pd
>>> from cchc_research.models._validation import find_singletons
>>> df = pd.DataFrame({"unit": [1, 1, 2, 3, 3], "year": [1, 2, 1, 1, 2]})
>>> find_singletons(df, ["unit", "year"]).tolist()
[False, False, True, False, False]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from cchc_research.errors import (
    CollinearityError,
    FewClustersWarning,
    MissingValuesError,
    MissingValuesWarning,
    ModelError,
    SingletonWarning,
    TooFewClustersError,
)

__all__ = [
    "FEW_CLUSTERS",
    "as_list",
    "require_columns",
    "check_missing",
    "find_singletons",
    "drop_singletons",
    "check_collinearity",
    "check_clusters",
]

#: Below this many clusters, cluster-robust t-tests over-reject (Cameron, Gelbach & Miller
#: 2008; MacKinnon & Webb 2017): a :class:`FewClustersWarning` is issued.
FEW_CLUSTERS = 30


def as_list(value: str | Iterable[str] | None) -> list[str]:
    """Normalise ``None``, one column name or several names to a list.

    Examples
    --------
    >>> as_list(None), as_list("state"), as_list(("state", "year"))
    ([], ['state'], ['state', 'year'])
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def require_columns(data: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise :class:`ModelError` if any of ``columns`` is not in ``data``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"y": [1.0]}), ["y", "x"])
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: column(s) not in the data: ['x']
    """
    if not isinstance(data, pd.DataFrame):
        raise ModelError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in dict.fromkeys(columns) if c not in data.columns]
    if missing:
        raise ModelError(f"column(s) not in the data: {missing}")


def check_missing(
    data: pd.DataFrame, columns: Sequence[str], *, dropna: bool = False, stacklevel: int = 3
) -> pd.DataFrame:
    """Return ``data[columns]``, refusing or dropping rows with missing values.

    Parameters
    ----------
    data : pandas.DataFrame
        Input data.
    columns : sequence of str
        Columns used by the model (duplicates are ignored).
    dropna : bool, default False
        Drop incomplete rows (with a :class:`MissingValuesWarning`) instead of raising.
    stacklevel : int
        Passed to :func:`warnings.warn`.

    Returns
    -------
    pandas.DataFrame
        The model columns, complete rows only (a new frame; ``data`` is not modified).

    Raises
    ------
    MissingValuesError
        If a model column has a missing value and ``dropna`` is False; the message gives
        the count per column and the first offending row labels.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, None, 3.0], "x": [1.0, 2.0, 3.0]})
    >>> check_missing(df, ["y", "x"])
    Traceback (most recent call last):
    ...
    cchc_research.errors.MissingValuesError: 1 row(s) with missing model variables (y: 1; first rows: [1]); pass dropna=True to drop them
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     len(check_missing(df, ["y", "x"], dropna=True))
    2
    """
    cols = list(dict.fromkeys(columns))
    require_columns(data, cols)
    sub = data[cols]
    na = sub.isna()
    bad = na.any(axis=1).to_numpy()
    n_bad = int(bad.sum())
    if n_bad == 0:
        return sub
    per_col = "; ".join(f"{c}: {int(n)}" for c, n in na.sum().items() if n)
    if not dropna:
        first = sub.index[bad][:5].tolist()
        raise MissingValuesError(
            f"{n_bad} row(s) with missing model variables ({per_col}; first rows: {first}); "
            "pass dropna=True to drop them"
        )
    warnings.warn(
        f"dropped {n_bad} row(s) with missing model variables ({per_col})",
        MissingValuesWarning,
        stacklevel=stacklevel,
    )
    return sub.loc[~bad]


def find_singletons(data: pd.DataFrame, fe: Sequence[str]) -> np.ndarray:
    """Boolean mask of rows in singleton fixed-effect groups, found iteratively.

    Dropping a singleton of one fixed effect can create a singleton of another, so the
    search repeats until no singleton remains (as ``fixest`` and ``reghdfe`` do).

    Parameters
    ----------
    data : pandas.DataFrame
    fe : sequence of str
        Fixed-effect columns.

    Returns
    -------
    numpy.ndarray of bool
        True for rows to drop.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 1, 2, 2, 3], "b": [1, 2, 1, 3, 3]})
    >>> find_singletons(df, ["a", "b"]).tolist()  # each drop creates a new singleton
    [True, True, True, True, True]
    """
    n = len(data)
    drop = np.zeros(n, dtype=bool)
    if not fe:
        return drop
    codes = [pd.factorize(data[f], sort=False)[0] for f in fe]
    while True:
        keep = ~drop
        changed = False
        for c in codes:
            counts = np.bincount(c[keep], minlength=c.max() + 1 if n else 0)
            single = keep & (counts[c] == 1)
            if single.any():
                drop |= single
                keep = ~drop
                changed = True
        if not changed:
            return drop


def drop_singletons(
    data: pd.DataFrame, fe: Sequence[str], *, stacklevel: int = 3
) -> tuple[pd.DataFrame, int]:
    """Drop singleton fixed-effect groups with a :class:`SingletonWarning`.

    Returns
    -------
    (pandas.DataFrame, int)
        The remaining rows and the number of rows dropped.

    Examples
    --------
    >>> import warnings
    >>> df = pd.DataFrame({"unit": [1, 1, 2], "y": [1.0, 2.0, 3.0]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     out, n = drop_singletons(df, ["unit"])
    >>> n, str(w[0].message)
    (1, 'dropped 1 observation(s) in singleton fixed-effect groups (unit)')
    """
    mask = find_singletons(data, fe)
    n = int(mask.sum())
    if n == 0:
        return data, 0
    if n == len(data):
        raise ModelError(f"every observation is a singleton of the fixed effects {list(fe)}")
    warnings.warn(
        f"dropped {n} observation(s) in singleton fixed-effect groups ({', '.join(fe)})",
        SingletonWarning,
        stacklevel=stacklevel,
    )
    return data.loc[~mask], n


def check_collinearity(X: pd.DataFrame, *, tol: float = 1e-10, what: str = "regressors") -> None:
    """Raise :class:`CollinearityError` naming columns that are linear combinations of others.

    Columns are scanned left to right (pivoted QR on the scaled matrix): a column whose
    residual norm, after projecting on the columns kept so far, is below ``tol`` times
    its own norm is reported. Constant (all-zero) columns are reported too.

    Examples
    --------
    >>> X = pd.DataFrame({"const": 1.0, "a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8]})
    >>> check_collinearity(X)
    Traceback (most recent call last):
    ...
    cchc_research.errors.CollinearityError: regressors are perfectly collinear: ['b'] is a linear combination of ['const', 'a']; drop it or choose other regressors
    """
    if X.shape[1] == 0:
        return
    A = np.asarray(X, dtype=float)
    norms = np.sqrt((A**2).sum(axis=0))
    bad: list[str] = []
    kept: list[int] = []
    Q = np.zeros((A.shape[0], 0))
    for j in range(A.shape[1]):
        if norms[j] == 0:
            bad.append(str(X.columns[j]))
            continue
        v = A[:, j] / norms[j]
        r = v - Q @ (Q.T @ v)
        r = r - Q @ (Q.T @ r)  # re-orthogonalise for stability
        rn = np.sqrt(r @ r)
        if rn < np.sqrt(tol):
            bad.append(str(X.columns[j]))
        else:
            Q = np.column_stack([Q, r / rn])
            kept.append(j)
    if bad:
        kept_names = [str(X.columns[j]) for j in kept]
        raise CollinearityError(
            f"{what} are perfectly collinear: {bad} is a linear combination of {kept_names}; "
            "drop it or choose other regressors"
        )


def check_clusters(groups: pd.Series | np.ndarray, name: str = "cluster", *, stacklevel: int = 3) -> int:
    """Count clusters; raise below two, warn below :data:`FEW_CLUSTERS`.

    Returns
    -------
    int
        The number of clusters G.

    Raises
    ------
    TooFewClustersError
        If G < 2.

    Examples
    --------
    >>> check_clusters(pd.Series(["a", "a"]), "province")
    Traceback (most recent call last):
    ...
    cchc_research.errors.TooFewClustersError: cluster-robust inference needs at least 2 clusters; 'province' has 1
    """
    G = int(pd.Series(np.asarray(groups)).nunique())
    if G < 2:
        raise TooFewClustersError(
            f"cluster-robust inference needs at least 2 clusters; {name!r} has {G}"
        )
    if G < FEW_CLUSTERS:
        warnings.warn(
            f"only {G} clusters in {name!r}: cluster-robust t-tests over-reject with fewer than "
            f"about {FEW_CLUSTERS} clusters; use cchc_research.models.wild_bootstrap(result) "
            "for p-values and confidence intervals",
            FewClustersWarning,
            stacklevel=stacklevel,
        )
    return G
