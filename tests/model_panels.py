"""Small seeded panels shared by the bad-input sweeps of the estimators.

Importable from any test file because ``tests/`` holds the root ``conftest.py`` (pytest's
default ``prepend`` import mode puts its folder on ``sys.path``). A function, not a fixture:
the sweeps build a fresh frame inside parametrized cases and module-level helpers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def cohort_panel(*, share: bool = False) -> pd.DataFrame:
    """12 units × 8 years (2010–2017), cohorts 2013 and 2015 and never treated (0); y = 1 + 0.5x + 2·treat + e.

    Parameters
    ----------
    share : bool, default False
        Also draw ``share`` = logistic(0.3 x + e) in (0, 1), after the other draws (so the
        other columns are the same either way).

    Returns
    -------
    pandas.DataFrame
        ``unit`` (0–11), ``year``, ``cohort``, ``treat`` (0/1 float), ``x``, ``y`` [, ``share``];
        seeded (``default_rng(7)``), a new frame each call.
    """
    rng = np.random.default_rng(7)
    df = pd.DataFrame([(u, t) for u in range(12) for t in range(2010, 2018)], columns=["unit", "year"])
    df["cohort"] = np.where(df["unit"] < 4, 2013, np.where(df["unit"] < 8, 2015, 0))
    df["treat"] = ((df["cohort"] > 0) & (df["year"] >= df["cohort"])).astype(float)
    df["x"] = rng.normal(size=len(df))
    df["y"] = 1 + 0.5 * df["x"] + 2 * df["treat"] + rng.normal(size=len(df))
    if share:
        df["share"] = 1 / (1 + np.exp(-(0.3 * df["x"] + rng.normal(scale=0.3, size=len(df)))))
    return df
