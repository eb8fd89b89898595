"""Small helpers shared by the staggered difference-in-differences modules.

:func:`cells_frame` builds the group-time table every estimator returns (Callaway–Sant'Anna
in :mod:`cchc_research.models.did`, Sun–Abraham in :mod:`cchc_research.models.did_sunab`);
:func:`clean_se` applies R ``did``'s rule that a standard error below
``sqrt(machine epsilon) · 10`` is reported as missing (a cell whose variance is zero by
construction, e.g. the reference cell of a universal base period).

Examples
--------
>>> import numpy as np
>>> from cchc_research.models.did_common import cells_frame, clean_se
>>> clean_se(np.array([0.5, 1e-12])).tolist()
[0.5, nan]
>>> cells_frame([2.0], [3.0], np.array([1.0]), np.array([0.5]), [10]).round(3).to_dict("records")
[{'group': 2.0, 'time': 3.0, 'att': 1.0, 'std_error': 0.5, 'ci_low': 0.02, 'ci_high': 1.98, 'n': 10}]
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

__all__ = ["TINY_SE", "CELL_COLUMNS", "clean_se", "cells_frame"]

#: Standard errors at or below this are reported as missing (R ``did``: ``sqrt(eps) * 10``).
TINY_SE: float = float(np.sqrt(np.finfo(float).eps) * 10)
#: Columns of the group-time table.
CELL_COLUMNS = ("group", "time", "att", "std_error", "ci_low", "ci_high", "n")


def clean_se(se: np.ndarray) -> np.ndarray:
    """Copy of ``se`` as floats with values ``<= TINY_SE`` replaced by NaN.

    Parameters
    ----------
    se : array_like
        Standard errors (any shape).

    Returns
    -------
    numpy.ndarray
    """
    out = np.asarray(se, dtype=float).copy()
    out[out <= TINY_SE] = np.nan
    return out


def cells_frame(group, time, att, se, n) -> pd.DataFrame:
    """Group-time table with pointwise normal 95% intervals.

    Parameters
    ----------
    group, time : array_like
        Cohort and evaluation period of each cell.
    att, se : numpy.ndarray
        Estimates and standard errors.
    n : array_like of int
        Units used by each cell (treated + comparison).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CELL_COLUMNS`; ``ci_low``/``ci_high`` = ``att ∓ z_{0.975}·se``.
    """
    z = NormalDist().inv_cdf(0.975)
    att = np.asarray(att, dtype=float)
    se = np.asarray(se, dtype=float)
    return pd.DataFrame(
        {
            "group": group,
            "time": time,
            "att": att,
            "std_error": se,
            "ci_low": att - z * se,
            "ci_high": att + z * se,
            "n": np.asarray(n, dtype=int),
        }
    )
