"""Shared input checks in cchc_research.models._validation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cchc_research.errors import (
    CollinearityError,
    FewClustersWarning,
    MissingValuesError,
    MissingValuesWarning,
    SingletonWarning,
    TooFewClustersError,
)
from cchc_research.models._validation import (
    check_clusters,
    check_collinearity,
    check_missing,
    drop_singletons,
    find_singletons,
)


def test_singletons_iterative_matches_bruteforce():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.integers(0, 30, 80), "b": rng.integers(0, 25, 80)})
    mask = find_singletons(df, ["a", "b"])
    keep = df.copy()
    while True:  # brute force: drop singletons until none left
        single = (keep.groupby("a")["a"].transform("size") == 1) | (keep.groupby("b")["b"].transform("size") == 1)
        if not single.any():
            break
        keep = keep[~single]
    assert set(df.index[~mask]) == set(keep.index)


def test_drop_singletons_warns_with_count():
    df = pd.DataFrame({"u": [1, 1, 2, 3, 3, 4]})
    with pytest.warns(SingletonWarning, match="dropped 2 observation"):
        out, n = drop_singletons(df, ["u"])
    assert n == 2 and out["u"].tolist() == [1, 1, 3, 3]


def test_collinearity_names_columns_and_constants():
    X = pd.DataFrame({"const": 1.0, "a": [1.0, 2, 3, 5], "zero": 0.0, "b": [0.5, 1, 1.5, 2.5]})
    with pytest.raises(CollinearityError, match=r"\['zero', 'b'\]"):
        check_collinearity(X)
    check_collinearity(X[["const", "a"]])  # full rank: no error


def test_missing_and_clusters():
    df = pd.DataFrame({"y": [1.0, np.nan, 3.0], "g": ["a", "b", None]})
    with pytest.raises(MissingValuesError, match="y: 1; g: 1"):
        check_missing(df, ["y", "g"])
    with pytest.warns(MissingValuesWarning):
        assert len(check_missing(df, ["y", "g"], dropna=True)) == 1
    with pytest.raises(TooFewClustersError):
        check_clusters(pd.Series([1, 1, 1]))
    with pytest.warns(FewClustersWarning):
        assert check_clusters(pd.Series(range(5))) == 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_clusters(pd.Series(range(30))) == 30
