"""twfe against published numbers stored in twfe_fatalities.yaml (with citations)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml
from numpy.testing import assert_allclose

from cchc_research.models import twfe

pytestmark = pytest.mark.reference

REF = yaml.safe_load((Path(__file__).parent / "twfe_fatalities.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def grunfeld_stata():
    import statsmodels.api as sm

    g = sm.datasets.grunfeld.load_pandas().data.iloc[:200].copy()
    g["w"] = 1 / g["value"]
    return g


def _fit(df, model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FewClustersWarning for 7 years / 10 firms
        return twfe(
            df,
            model["outcome"],
            model["regressors"],
            fe=model.get("fe", []),
            cluster=model.get("cluster"),
            vcov=model["vcov"],
            ssc=model["ssc"],
            weights=model.get("weights"),
        )


def _check(res, case):
    for term, exp in case["expected"].items():
        if "rtol" in case:
            assert_allclose(res.params[term], exp["estimate"], rtol=case["rtol"])
            assert_allclose(res.std_errors[term], exp["std_error"], rtol=case["rtol"])
        else:
            assert_allclose(res.params[term], exp["estimate"], atol=case["tolerance"], rtol=0)
            assert_allclose(res.std_errors[term], exp["std_error"], atol=case["tolerance"], rtol=0)
        if "p_value" in exp:
            assert_allclose(res.pvalues[term], exp["p_value"], atol=case["tolerance"], rtol=0)
    if "df" in case:
        assert res.df_resid == case["df"]


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: c["id"])
def test_fatalities(fatalities, case):
    _check(_fit(fatalities, case["model"]), case)


@pytest.mark.parametrize("case", REF["grunfeld_plm"]["cases"], ids=lambda c: c["id"])
def test_grunfeld_plm(grunfeld, case):
    _check(_fit(grunfeld, case["model"]), case)


@pytest.mark.parametrize("case", REF["grunfeld_stata"]["cases"], ids=lambda c: c["id"])
def test_grunfeld_stata(grunfeld_stata, case):
    _check(_fit(grunfeld_stata, case["model"]), case)


def test_fatalities_conventions_differ_only_by_factor(fatalities):
    """plm and Stata SEs differ exactly by sqrt(G/(G-1) * (N-1)/(N-K_stata) * (N-K_plm)/N)."""
    model = REF["cases"][1]["model"]
    plm = _fit(fatalities, model)
    stata = _fit(fatalities, {**model, "ssc": "stata"})
    N, G = 336, 48
    factor = G / (G - 1) * (N - 1) / (N - 8) * (N - 1) / N
    assert_allclose(stata.std_errors["beertax"] ** 2, plm.std_errors["beertax"] ** 2 * factor, rtol=1e-12)
    assert np.isclose(stata.df_resid, 47) and np.isclose(plm.df_resid, 336 - 1 - 48 - 6)
