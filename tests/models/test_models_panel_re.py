"""random_effects and the Hausman test on simulated panels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_research.errors import CollinearityError, ModelError
from cchc_research.models import random_effects


def _panel(correlated: bool, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n, T = 60, 6
    a = rng.normal(size=n)
    unit = np.repeat(np.arange(n), T)
    x = rng.normal(size=n * T) + (1.5 * a[unit] if correlated else 0.0)
    z = np.repeat(rng.normal(size=n), T)  # time-invariant regressor
    y = 1 + 0.5 * x + 0.3 * z + a[unit] + rng.normal(size=n * T)
    return pd.DataFrame({"unit": unit, "year": np.tile(np.arange(T), n), "x": x, "z": z, "y": y})


def test_hausman_rejects_only_when_effects_correlated():
    ok = random_effects(_panel(False), "y", ["x", "z"], unit="unit", time="year").hausman()
    bad = random_effects(_panel(True), "y", ["x", "z"], unit="unit", time="year").hausman()
    assert ok.terms == ("x",) and ok.df == 1  # z does not vary within units
    assert ok.pvalue > 0.05 and bad.pvalue < 0.001
    assert "chi2(1)" in str(bad)


def test_cluster_option_and_extra():
    res = random_effects(_panel(False), "y", ["x"], unit="unit", time="year", vcov="cluster")
    assert "cluster-robust by unit (60 clusters)" in res.cov_description
    assert 0 < res.extra["theta"] < 1
    assert abs(res.params["x"] - 0.5) < 0.1


def test_bad_input():
    df = _panel(False)
    with pytest.raises(ModelError, match="duplicated"):
        random_effects(pd.concat([df, df.head(1)]), "y", ["x"], unit="unit", time="year")
    with pytest.raises(CollinearityError, match="x2"):
        random_effects(df.assign(x2=2 * df["x"]), "y", ["x", "x2"], unit="unit", time="year")
    with pytest.raises(ModelError, match="vcov"):
        random_effects(df, "y", ["x"], unit="unit", time="year", vcov="robust")
