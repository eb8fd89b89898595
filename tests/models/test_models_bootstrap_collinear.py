"""wild_bootstrap with fixed effects whose dummies are collinear with the partialled-out ones.

Fixed effects nested in the cluster variable are partialled out; the others enter the bootstrap
design as dummy columns. Field × period dummies next to district × period fixed effects are
collinear (their sum within a period is spanned by the district × period effects); the tested
coefficient is still identified, and the bootstrap uses a generalized inverse (``c = X (X'X)^-
e_j`` is the same for every generalized inverse). Before, such a model stopped with "internal
check failed". The result must not depend on how many redundant dummies enter.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cchc_research.models import twfe, wild_bootstrap


def _panel() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for d in range(12):
        for f in range(3):
            for g in range(2):
                for t in range(6):
                    post = int(g == 1 and t >= 2 + f)
                    rows.append({"district": d, "field": f, "group": g, "t": t, "post": post,
                                 "y": 0.1 * d + 0.2 * f + 0.05 * t + 0.3 * post
                                 + rng.normal(0, 0.2)})
    p = pd.DataFrame(rows)
    p["cell"] = p["district"].astype(str) + "|" + p["field"].astype(str) + "|" + p["group"].astype(str)
    p["district_t"] = p["district"].astype(str) + "|" + p["t"].astype(str)
    p["field_t"] = p["field"].astype(str) + "|" + p["t"].astype(str)
    p["field_t_again"] = "again " + p["field_t"]
    return p


def test_collinear_dummies_give_the_same_bootstrap():
    p = _panel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = twfe(p, "y", ["post"], fe=["cell", "district_t", "field_t"], cluster="district")
        b = twfe(p, "y", ["post"], fe=["cell", "district_t", "field_t", "field_t_again"],
                 cluster="district")
        ba = wild_bootstrap(a, param="post", B=999, seed=3)
        bb = wild_bootstrap(b, param="post", B=999, seed=3)
    assert float(ba.params["post"]) == pytest.approx(float(a.params["post"]), rel=1e-9)
    # same draws: the p-values agree up to a draw lying within rounding of the statistic
    assert float(ba.pvalues["post"]) == pytest.approx(float(bb.pvalues["post"]), abs=2 / 999)
    np.testing.assert_allclose(ba.conf_int().to_numpy(), bb.conf_int().to_numpy(), rtol=1e-6)
    low, high = ba.conf_int().loc["post"]
    assert low < float(a.params["post"]) < high
