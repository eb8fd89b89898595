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

Further checks used by several estimators: numeric model variables
(:func:`check_numeric`), non-empty data (:func:`check_not_empty`), one row per unit and
period (:func:`check_unique_unit_time`), a variable constant within units, e.g. the
adoption cohort (:func:`check_constant_within`), and regressors that are not constant
within the fixed-effect groups (:func:`check_fe_collinearity`). Every check raises a
:class:`~cchc_research.errors.ModelError` (or subclass) naming the column and saying what
to do.

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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from cchc_research.errors import (
    CollinearityError,
    FewClustersWarning,
    MissingValuesError,
    MissingValuesWarning,
    ModelError,
    PerfectPredictionError,
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
    "check_numeric",
    "check_not_empty",
    "check_unique_unit_time",
    "check_constant_within",
    "check_cohort_periods",
    "check_weights",
    "check_fe_collinearity",
    "check_time_column",
    "check_model_input",
    "collinearity_as_error",
    "check_separation",
    "check_roles",
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
    """Raise :class:`ModelError` if any of ``columns`` is not in ``data``, appears more than
    once among its column labels, or is also the name of an index level (ambiguous for
    ``groupby``/``sort_values``).

    Examples
    --------
    >>> require_columns(pd.DataFrame({"y": [1.0]}), ["y", "x"])
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: column(s) not in the data: ['x']
    """
    if not isinstance(data, pd.DataFrame):
        raise ModelError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    wanted = list(dict.fromkeys(columns))
    missing = [c for c in wanted if c not in data.columns]
    if missing:
        raise ModelError(f"column(s) not in the data: {missing}")
    dup = [c for c in wanted if int((data.columns == c).sum()) > 1]
    if dup:
        raise ModelError(
            f"column name(s) {dup} appear more than once in the data, so it is not clear which "
            "column is meant; rename or drop the copies first "
            "(e.g. data.loc[:, ~data.columns.duplicated()])"
        )
    clash = [c for c in wanted if c in [n for n in data.index.names if n is not None]]
    if clash:
        raise ModelError(
            f"{clash} are both index level(s) and column(s) of the data, which is ambiguous for "
            "grouping; pass data.reset_index(drop=True) (the columns keep the values)"
        )


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
        the count per column and the first offending row labels. Also when ``dropna`` would
        drop every row.

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
    if n_bad == len(sub):
        raise MissingValuesError(
            f"every row ({n_bad}) has a missing model variable ({per_col}): nothing is left to "
            "estimate after dropna=True; check the columns (e.g. a failed conversion to numbers)"
        )
    warnings.warn(
        f"dropped {n_bad} row(s) with missing model variables ({per_col})",
        MissingValuesWarning,
        stacklevel=stacklevel,
    )
    return sub.loc[~bad]


def check_roles(outcome: str, regressors: Sequence[str], *, what: str, others: Sequence[str] = ()) -> None:
    """Refuse the outcome used as a regressor (or as a fixed effect, cluster or time column).

    Examples
    --------
    >>> check_roles("y", ["x", "y"], what="frac_logit")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: frac_logit: the outcome 'y' is also a regressor/grouping column; a variable cannot explain itself
    """
    if outcome in set(regressors) | {o for o in others if o is not None}:
        raise ModelError(
            f"{what}: the outcome {outcome!r} is also a regressor/grouping column; a variable "
            "cannot explain itself"
        )


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


def _py(value):
    """A numpy scalar as the plain Python value (for readable messages)."""
    return value.item() if isinstance(value, np.generic) else value


def check_not_empty(data: pd.DataFrame, what: str = "the model") -> None:
    """Raise :class:`ModelError` if ``data`` is not a DataFrame or has no rows.

    Examples
    --------
    >>> check_not_empty(pd.DataFrame({"y": []}), "twfe")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: twfe got an empty data frame (0 rows); nothing to estimate
    """
    if not isinstance(data, pd.DataFrame):
        raise ModelError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if len(data) == 0:
        raise ModelError(f"{what} got an empty data frame (0 rows); nothing to estimate")


def check_numeric(data: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise :class:`ModelError` naming any column that is not numeric (or boolean).

    Numbers must also be finite and of a scale that double precision can square and sum:
    max |value| at most :data:`MAX_MAGNITUDE` (1e100) and, unless every value is 0, at
    least :data:`MIN_MAGNITUDE` (1e-100).

    Text that merely *looks* numeric (``"3,5"``, ``"12%"``) is refused too: parse it first
    (:mod:`cchc_research.parsing`), so that no number is guessed here.

    Examples
    --------
    >>> check_numeric(pd.DataFrame({"y": [1.0], "x": ["a"]}), ["y", "x"])
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: column 'x' must be numeric, got text (e.g. 'a'); convert it first (pd.to_numeric, or the parsers in cchc_research.parsing)
    """
    for c in dict.fromkeys(columns):
        s = data[c]
        if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            if pd.api.types.is_complex_dtype(s.dtype):
                raise ModelError(f"column {c!r} is complex-valued; a real number is needed")
            vals = s.to_numpy(dtype=float, na_value=np.nan)
            if np.isinf(vals).any():
                raise ModelError(f"column {c!r} has infinite values; replace or drop them first")
            if not pd.api.types.is_bool_dtype(s.dtype):
                _check_magnitude(c, vals)
            continue
        vals = s.dropna()
        odd = vals[[not isinstance(v, (int, float, np.number)) or isinstance(v, bool) for v in vals]]
        example = _py(odd.iloc[0]) if len(odd) else (_py(vals.iloc[0]) if len(vals) else None)
        kind = "text" if isinstance(example, str) else f"dtype {s.dtype}"
        raise ModelError(
            f"column {c!r} must be numeric, got {kind} (e.g. {example!r}); convert it "
            "first (pd.to_numeric, or the parsers in cchc_research.parsing)"
        )


#: Largest |value| accepted in a model column. Sums of squares and cross-products of larger
#: numbers overflow double precision (max ~1.8e308) or lose every significant digit in the
#: fixed-effect demeaning; no CCHC quantity (counts, VND amounts up to ~1e15, rates) comes near.
MAX_MAGNITUDE = 1e100
#: Smallest non-zero max |value| accepted: below it, squares underflow to zero (min normal
#: double ~2.2e-308) and variances become exactly 0.
MIN_MAGNITUDE = 1e-100


def _check_magnitude(column: str, vals: np.ndarray) -> None:
    """Refuse a column whose scale breaks floating-point estimation (overflow or underflow)."""
    finite = np.abs(vals[np.isfinite(vals)])
    if finite.size == 0:
        return
    top = float(finite.max())
    if top > MAX_MAGNITUDE:
        raise ModelError(
            f"column {column!r} has values as large as {top:.3g} (limit {MAX_MAGNITUDE:.0e}): "
            "squares and cross-products would overflow floating point; rescale it first "
            "(e.g. divide by 1e6, or take logs)"
        )
    if 0 < top < MIN_MAGNITUDE:
        raise ModelError(
            f"column {column!r} has values no larger than {top:.3g} in absolute value (limit "
            f"{MIN_MAGNITUDE:.0e}): variances would underflow to zero; rescale it first "
            "(e.g. multiply by a power of ten)"
        )


def check_unique_unit_time(
    data: pd.DataFrame, unit: str, time: str, *, what: str = "this estimator", option: str | None = None
) -> None:
    """Raise :class:`ModelError` if some (unit, time) pair has more than one row.

    Parameters
    ----------
    option : str, optional
        Name of the estimator's option for repeated cross-sections, mentioned in the hint.

    Examples
    --------
    >>> df = pd.DataFrame({"d": [1, 1, 2], "t": [2020, 2020, 2020]})
    >>> check_unique_unit_time(df, "d", "t", what="twfe", option="panel=False")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: twfe needs one row per ('d', 't'): 1 duplicated pair(s), e.g. (1, 2020) (2 rows); aggregate them first, or pass panel=False if the data are repeated cross-sections
    """
    dup = data.duplicated([unit, time], keep=False)
    if not dup.any():
        return
    pairs = data.loc[dup].groupby([unit, time], sort=True).size()
    first = pairs.index[0]
    hint = "aggregate them first" + (
        f", or pass {option} if the data are repeated cross-sections" if option else ""
    )
    raise ModelError(
        f"{what} needs one row per ({unit!r}, {time!r}): {len(pairs)} duplicated pair(s), "
        f"e.g. ({_py(first[0])!r}, {_py(first[1])!r}) ({int(pairs.iloc[0])} rows); {hint}"
    )


def check_constant_within(data: pd.DataFrame, unit: str, column: str, *, what: str = "cohort") -> None:
    """Raise :class:`ModelError` if ``column`` takes several values within a unit.

    Missing values count as a value (a unit that is "never treated" in some rows and
    treated in others is inconsistent too).

    Examples
    --------
    >>> df = pd.DataFrame({"unit": [1, 1, 2, 2], "g": [2019, 2020, 0, 0]})
    >>> check_constant_within(df, "unit", "g")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: column 'g' (cohort) must be constant within each 'unit': 1 unit(s) have several values, e.g. 1 with [2019, 2020]; give each unit the period it first became treated
    """
    require_columns(data, [unit, column])
    vals = data[column].astype(object).where(data[column].notna(), "missing")
    n = vals.groupby(data[unit], sort=True).nunique(dropna=False)
    bad = n[n > 1]
    if bad.empty:
        return
    first = bad.index[0]
    seen = sorted((_py(v) for v in pd.unique(vals[data[unit] == first])), key=str)
    raise ModelError(
        f"column {column!r} ({what}) must be constant within each {unit!r}: {len(bad)} unit(s) have "
        f"several values, e.g. {_py(first)!r} with {seen}; give each unit the period it first became treated"
    )


def check_fe_collinearity(data: pd.DataFrame, regressors: Sequence[str], fe: Sequence[str]) -> None:
    """Raise :class:`CollinearityError` for a regressor constant within one fixed effect's groups.

    Such a regressor is absorbed by that fixed effect (e.g. a province-level variable
    with province fixed effects) and has no estimable coefficient. Combinations of
    several fixed effects are left to :func:`check_collinearity` after demeaning.

    Examples
    --------
    >>> df = pd.DataFrame({"unit": [1, 1, 2, 2], "size": [5.0, 5.0, 7.0, 7.0]})
    >>> check_fe_collinearity(df, ["size"], ["unit"])
    Traceback (most recent call last):
    ...
    cchc_research.errors.CollinearityError: regressor 'size' is constant within each group of the fixed effect 'unit', so the fixed effect absorbs it; drop it, or interact it with a variable that varies within 'unit'
    """
    for f in fe:
        codes = pd.factorize(data[f])[0]
        for r in regressors:
            g = pd.Series(data[r].to_numpy(dtype=float, na_value=np.nan)).groupby(codes)
            span = (g.max() - g.min()).to_numpy()
            if len(span) and (span == 0).all():
                raise CollinearityError(
                    f"regressor {r!r} is constant within each group of the fixed effect {f!r}, so "
                    f"the fixed effect absorbs it; drop it, or interact it with a variable that "
                    f"varies within {f!r}"
                )


def check_time_column(values: pd.Series, name: str, *, numeric_only: bool = False) -> None:
    """Refuse a time column that cannot be ordered as time: text, booleans, mixed objects.

    Numbers are accepted, and dates and ``pandas.Period`` unless ``numeric_only`` (estimators
    that compute event time as a difference of periods need numbers). Text such as
    ``"2019"`` is refused rather than guessed: ``"10" < "9"`` as text.

    Examples
    --------
    >>> check_time_column(pd.Series(["2019", "2020"]), "year")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: time column 'year' holds text (e.g. '2019'); text does not order as time ('10' < '9'): convert it with pd.to_numeric, pd.to_datetime or pd.PeriodIndex first
    """
    dtype = values.dtype
    is_num = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    is_date = pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype)
    if is_num or (is_date and not numeric_only):
        if is_num and np.isinf(values.to_numpy(dtype=float, na_value=np.nan)).any():
            raise ModelError(f"time column {name!r} has infinite values")
        return
    example = _py(values.dropna().iloc[0]) if values.notna().any() else None
    if is_date:
        raise ModelError(
            f"time column {name!r} holds dates; this estimator needs numbered periods (e.g. the "
            "year, or months counted from a start) so that event time is a difference of numbers"
        )
    kind = "text" if pd.api.types.is_string_dtype(dtype) else (
        "booleans" if pd.api.types.is_bool_dtype(dtype) else f"dtype {dtype}")
    raise ModelError(
        f"time column {name!r} holds {kind} (e.g. {example!r}); text does not order as time "
        "('10' < '9'): convert it with pd.to_numeric, pd.to_datetime or pd.PeriodIndex first"
    )


def check_model_input(
    data: pd.DataFrame,
    what: str,
    *,
    numeric: Iterable[str | None] = (),
    other: Iterable[str | None] = (),
    time: str | None = None,
    numeric_time: bool = False,
    key: Sequence[str] | None = None,
    option: str | None = None,
    unit: str | None = None,
    cohort: str | None = None,
) -> None:
    """The common entry checks of an estimator, in one call.

    In order: ``data`` is a non-empty DataFrame; every named column exists; ``numeric``
    columns are numbers without infinities (:func:`check_numeric`); ``time`` is an
    orderable time column (:func:`check_time_column`); ``key`` columns identify rows
    (:func:`check_unique_unit_time`; ``option`` names the estimator's opt-out); ``cohort``
    is constant within ``unit`` (:func:`check_constant_within`) and, inside the observed
    time span, one of the periods (:func:`check_cohort_periods`). ``None`` entries are
    skipped (optional columns). Raises :class:`ModelError` with a hint on the first failure.

    Examples
    --------
    >>> df = pd.DataFrame({"u": [1, 1], "t": [1, 2], "y": [0.5, "x"]})
    >>> check_model_input(df, "twfe", numeric=["y"], other=["u"], time="t")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: column 'y' must be numeric, got text (e.g. 'x'); convert it first (pd.to_numeric, or the parsers in cchc_research.parsing)
    """
    check_not_empty(data, what)
    numeric = [c for c in numeric if c is not None]
    other = [c for c in other if c is not None]
    extra = [c for c in (time, unit, cohort, *(key or ())) if c is not None]
    require_columns(data, [*numeric, *other, *extra])
    check_numeric(data, [c for c in (*numeric, cohort) if c is not None])
    if time is not None:
        check_time_column(data[time], time, numeric_only=numeric_time)
    if key:
        check_unique_unit_time(data, key[0], key[1], what=what, option=option) if len(key) == 2 else (
            _check_unique_key(data, list(key), what, option))
    if cohort is not None and unit is not None:
        check_constant_within(data, unit, cohort)
    if cohort is not None and time is not None:
        check_cohort_periods(data, time, cohort)


def check_cohort_periods(data: pd.DataFrame, time: str, cohort: str) -> None:
    """Refuse a cohort inside the observed time span that is not one of the periods.

    A cohort is the first period of treatment, so inside ``(first period, last period]`` it
    must be one of the values of the time column; otherwise no period is "the first treated
    one" and the group-time cells ``ATT(g, t)`` are labelled by a period that does not exist
    (e.g. ``2015.5`` in a yearly panel). Cohorts 0 or missing (never treated), after the last
    period (treated after the sample: never treated within it, R ``did``'s rule) and at or
    before the first period (always treated, dropped with a warning) are left to the
    estimator.

    Raises
    ------
    ModelError
        Naming the offending cohort(s) and the periods.

    Examples
    --------
    >>> df = pd.DataFrame({"t": [2014, 2015, 2016, 2014, 2015, 2016], "g": [0, 0, 0, 2015.5, 2015.5, 2015.5]})
    >>> check_cohort_periods(df, "t", "g")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: cohort column 'g' has value(s) [2015.5] inside the observed time span that are not periods of 't' (periods: [2014, 2015, 2016]); a cohort is the first period a unit is treated: use one of the periods (or 0 / missing for never treated)
    """
    times = pd.unique(data[time].dropna())
    if len(times) == 0:
        return
    periods = np.sort(np.asarray(times, dtype=float))
    g = pd.to_numeric(data[cohort], errors="coerce").to_numpy(dtype=float)
    inside = np.isfinite(g) & (g > periods[0]) & (g <= periods[-1]) & (g != 0)
    bad = np.unique(g[inside & ~np.isin(g, periods)])
    if bad.size:
        shown = [_py(v) for v in np.sort(np.asarray(times))][:20]
        values = [int(v) if float(v).is_integer() else float(v) for v in bad[:5]]
        raise ModelError(
            f"cohort column {cohort!r} has value(s) {values} inside the observed time span that are "
            f"not periods of {time!r} (periods: {shown}{' …' if len(times) > 20 else ''}); a cohort "
            "is the first period a unit is treated: use one of the periods (or 0 / missing for "
            "never treated)"
        )


def check_weights(data: pd.DataFrame, weights: str | None, *, what: str = "this estimator") -> None:
    """Refuse a weights column that is not positive finite numbers.

    Analytic weights must be numbers (booleans are refused: ``True``/``False`` as weights
    usually means a filter was passed by mistake), and every weight must be strictly
    positive: a zero weight removes the row from the fit while it still counts in N, the
    clusters and the degrees of freedom (drop those rows instead), and a negative weight
    has no meaning.

    Raises
    ------
    ModelError
        Naming the weights column, the count and the first offending value.

    Examples
    --------
    >>> check_weights(pd.DataFrame({"w": [1.0, 0.0, 2.0]}), "w", what="twfe")
    Traceback (most recent call last):
    ...
    cchc_research.errors.ModelError: weights column 'w' has 1 negative or zero value(s) (e.g. 0.0 in row 1): twfe needs weights > 0; drop the rows with zero weight (data[data['w'] > 0]) or fix the weights
    """
    if weights is None:
        return
    s = data[weights]
    if pd.api.types.is_bool_dtype(s.dtype) or any(isinstance(v, (bool, np.bool_)) for v in s.head(1000)):
        raise ModelError(
            f"weights column {weights!r} holds booleans: weights must be positive numbers "
            "(to keep some rows only, filter the data instead)"
        )
    check_numeric(data, [weights])
    vals = s.to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(vals <= 0)
    if bad.size:
        first = bad[0]
        raise ModelError(
            f"weights column {weights!r} has {bad.size} negative or zero value(s) (e.g. "
            f"{_py(vals[first])!r} in row {_py(s.index[first])!r}): {what} needs weights > 0; "
            f"drop the rows with zero weight (data[data[{weights!r}] > 0]) or fix the weights"
        )


def _check_unique_key(data: pd.DataFrame, key: list[str], what: str, option: str | None) -> None:
    dup = data.duplicated(key, keep=False)
    if dup.any():
        first = data.loc[dup, key].iloc[0]
        hint = "aggregate them first" + (
            f", or pass {option} if the data are repeated cross-sections" if option else "")
        raise ModelError(
            f"{what} needs one row per {tuple(key)}: {int(dup.sum())} rows share their key, e.g. "
            f"{tuple(_py(v) for v in first)}; {hint}"
        )


@contextmanager
def collinearity_as_error(regressors: Sequence[str], fe: Sequence[str]) -> Iterator[None]:
    """Turn a fitting library's "all variables are collinear" ``ValueError`` into ours.

    pyfixest raises a bare ``ValueError`` ("... please reach out to the package authors")
    when every regressor is absorbed by the fixed effects *combined* (e.g. ``x = a_unit +
    b_year``), which :func:`check_fe_collinearity` (one fixed effect at a time) cannot see.

    Examples
    --------
    >>> with collinearity_as_error(["x"], ["unit", "year"]):
    ...     raise ValueError("All variables are collinear. Maybe ...")
    Traceback (most recent call last):
    ...
    cchc_research.errors.CollinearityError: every regressor (['x']) is a linear combination of the fixed effects ['unit', 'year'] (together) and the other regressors, so none can be estimated; drop them or change the fixed effects
    """
    try:
        yield
    except ValueError as exc:
        if "collinear" not in str(exc).lower():
            raise
        raise CollinearityError(
            f"every regressor ({list(regressors)}) is a linear combination of the fixed effects "
            f"{list(fe)} (together) and the other regressors, so none can be estimated; drop them "
            "or change the fixed effects"
        ) from exc


def check_separation(y: pd.Series, X: pd.DataFrame, weights: np.ndarray | None = None, *, tol: float = 1e-7) -> None:
    """Refuse outcomes in [0, 1] that the regressors predict perfectly (no finite QMLE).

    The Bernoulli (quasi-)likelihood has no maximum when some direction ``b ≠ 0`` has
    ``x_i'b ≥ 0`` wherever ``y_i = 1``, ``x_i'b ≤ 0`` wherever ``y_i = 0`` and ``x_i'b = 0``
    wherever ``0 < y_i < 1``, with at least one strict inequality: moving along ``b`` then
    raises the likelihood for ever (complete or quasi-complete separation; Albert &
    Anderson 1984). The special cases "every outcome is 1" and "every outcome is 0" are
    reported as such. Otherwise the linear program of Konis (2007, as in R
    ``detectseparation``) — maximise ``Σ_{y=1} x_i'b − Σ_{y=0} x_i'b`` over ``b ∈ [−1, 1]^k``
    under those constraints, columns scaled to max |x| = 1 — is solved with
    :func:`scipy.optimize.linprog` (HiGHS); an optimum above ``tol`` (relative to the
    number of boundary rows) means separation, and the regressors with non-zero ``b`` are named.
    Rows with zero weight are ignored.

    Raises
    ------
    PerfectPredictionError

    Examples
    --------
    >>> X = pd.DataFrame({"Intercept": 1.0, "x": [1.0, 2.0, 3.0, 4.0]})
    >>> check_separation(pd.Series([0.0, 0.0, 1.0, 1.0]), X)
    Traceback (most recent call last):
    ...
    cchc_research.errors.PerfectPredictionError: the outcome is perfectly predicted by ['x'] (separation: along a direction of these coefficients every 1 is above and every 0 below): the fractional logit has no finite estimate; drop or merge the separating regressor(s) or groups, or model the 0/1 cases separately
    """
    yv = np.asarray(y, dtype=float)
    keep = np.ones(len(yv), dtype=bool) if weights is None else np.asarray(weights) > 0
    yv = yv[keep]
    A = np.asarray(X, dtype=float)[keep]
    if len(yv) == 0:
        raise ModelError("no observation with positive weight")
    for bound, word in ((1.0, "1"), (0.0, "0")):
        if np.all(yv == bound):
            raise PerfectPredictionError(
                f"every outcome is {word} ({len(yv)} rows): the fractional logit has no finite "
                f"estimate (the intercept would run to {'+' if bound else '-'}infinity); check the "
                "outcome (a rate scaled 0-100? a filter keeping only complete cases?)"
            )
    ones, zeros = yv == 1.0, yv == 0.0
    if not (ones.any() or zeros.any()):
        return  # every outcome strictly inside (0, 1): the QMLE is finite
    scale = np.abs(A).max(axis=0)
    scale[scale == 0] = 1.0
    A = A / scale
    inner = ~(ones | zeros)
    sign = np.where(ones, 1.0, -1.0)
    bnd = ones | zeros

    from scipy.optimize import linprog  # heavy third-party import, loaded on first use

    res = linprog(
        c=-(sign[bnd] @ A[bnd]),
        A_ub=-(sign[bnd][:, None] * A[bnd]),
        b_ub=np.zeros(int(bnd.sum())),
        A_eq=A[inner] if inner.any() else None,
        b_eq=np.zeros(int(inner.sum())) if inner.any() else None,
        bounds=[(-1.0, 1.0)] * A.shape[1],
        method="highs",
    )
    if res.status != 0 or -res.fun <= tol * max(1, int(bnd.sum())):
        return
    b = res.x
    names = [str(c) for c, v in zip(X.columns, b) if abs(v) > 1e-6 and str(c) != "Intercept"]
    names = names or ["Intercept"]
    raise PerfectPredictionError(
        f"the outcome is perfectly predicted by {names} (separation: along a direction of these "
        "coefficients every 1 is above and every 0 below): the fractional logit has no finite "
        "estimate; drop or merge the separating regressor(s) or groups, or model the 0/1 cases separately"
    )
