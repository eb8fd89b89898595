"""its (no interventions) against Stata `newey` numbers stored in its_newey.yaml."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from numpy.testing import assert_allclose

from cchc_research.models import its

pytestmark = pytest.mark.reference

REF = yaml.safe_load((Path(__file__).parent / "its_newey.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: c["id"])
def test_newey(macro, case):
    res = its(
        macro,
        "g_realinv",
        "quarter",
        regressors=["g_realgdp", "L_realint"],
        hac_lags=case["hac_lags"],
        hac_small_sample=case["hac_small_sample"],
        trend=False,
    )
    assert res.nobs == 202
    assert res.df_resid == case["df"]
    for term, exp in case.get("expected", {}).items():
        assert_allclose(res.params[term], exp["estimate"], rtol=case["rtol"])
        assert_allclose(res.std_errors[term], exp["std_error"], rtol=case["rtol"])
    if "cov" in case:
        terms = case["terms"]
        assert_allclose(res.cov.loc[terms, terms].to_numpy(), np.array(case["cov"]), rtol=case["rtol"])


def test_newey_default_lag_rule(macro):
    """T = 202 gives floor(4 (2.02)^(2/9)) = 4 lags: the default equals the published lag(4) fit."""
    res = its(macro, "g_realinv", "quarter", regressors=["g_realgdp", "L_realint"],
              hac_small_sample=True, trend=False)
    exp = REF["cases"][0]["expected"]
    assert res.extra["HAC lags"] == 4
    assert_allclose(res.std_errors["g_realgdp"], exp["g_realgdp"]["std_error"], rtol=1e-9)
