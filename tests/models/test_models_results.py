"""The common results API (issue 10): summaries in every format, vcov, wald_test, resid /
fitted / predict, typed statistics, etable, pyfixest through its public API, cheap import.

Wald tests, predictions and R² are checked against statsmodels, pyfixest and linearmodels
fits of the same model at 1e-8.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from cchc_research.errors import MissingValuesError, ModelError
from cchc_research.models import (
    EstimationResults,
    Summary,
    WaldTest,
    compare,
    etable,
    frac_logit,
    its,
    random_effects,
    staggered_did,
    synthetic_control,
    twfe,
    wild_bootstrap,
)
from cchc_research.models._did_dgp import simulate_staggered_panel

MODELS_DIR = Path(__file__).resolve().parents[2] / "cchc_research" / "models"
STAMP = re.compile(r"0x[0-9a-f]{6,}|\d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def fat_fit(fatalities):
    return twfe(fatalities, "fatal_rate", ["beertax", "spirits"], fe=["state", "year"], cluster="state")


# -- summary in every format ------------------------------------------------------------
def test_summary_renders_in_every_format_without_stamps(fat_fit):
    s = fat_fit.summary
    assert isinstance(s, Summary) and isinstance(s, str)
    assert s == fat_fit.summary and str(fat_fit) == s.as_text()
    for text in (s, s.as_html(), s.as_markdown(), s.as_latex(), s.as_csv(), fat_fit._repr_html_()):
        assert not STAMP.search(text)
    assert "R-squared" in s and "Within R-squared" in s and "beertax" in s
    html = s.as_html()
    assert html.startswith('<div class="cchc-summary">') and "<table" in html and html == fat_fit._repr_html_()
    md = s.as_markdown()
    assert md.startswith("**TWFE") and "| Observations | 336 |" in md and "| beertax" in md
    tex = s.as_latex()
    assert "\\begin{tabular}" in tex and "\\toprule" in tex and "std\\_error" in tex
    rows = list(csv.reader(io.StringIO(s.as_csv())))
    assert ["Observations", "336"] in rows
    assert rows[[r[:1] for r in rows].index(["term"])][:3] == ["term", "estimate", "std_error"]


def test_summary_escapes_and_pickles():
    import pickle

    res = EstimationResults(
        params=pd.Series({"a_b & c%": 1.0}), std_errors=pd.Series({"a_b & c%": 0.5}), nobs=10,
        cov_type="iid", cov_description="<classical>", df_resid=8)
    s = res.summary
    assert "a\\_b \\& c\\%" in s.as_latex() and "&lt;classical&gt;" in s.as_html()
    back = pickle.loads(pickle.dumps(s))
    assert back == s and back.as_markdown() == s.as_markdown()


# -- vcov and wald_test -----------------------------------------------------------------------
def test_vcov_is_named_and_matches_std_errors(fat_fit):
    V = fat_fit.vcov
    assert list(V.index) == list(V.columns) == ["beertax", "spirits"]
    assert_allclose(np.sqrt(np.diag(V)), fat_fit.std_errors.to_numpy(), rtol=1e-12)
    assert_allclose(V.to_numpy(), V.to_numpy().T, rtol=1e-12)


def test_wald_test_matches_pyfixest(fatalities, fat_fit):
    import pyfixest as pf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.feols("fatal_rate ~ beertax + spirits | state + year", fatalities, vcov={"CRV1": "state"},
                       ssc=pf.ssc(k_fixef="nonnested", G_df="min"), fixef_rm="none")
        ref_f = ref.wald_test(distribution="F")  # R = I: F(2, G-1)
        R, q = np.array([[1.0, -1.0]]), np.array([0.1])
        ref_chi = ref.wald_test(R=R, q=q, distribution="chi2")
    ours = fat_fit.wald_test()
    assert isinstance(ours, WaldTest) and ours.distribution == "F" and (ours.df_num, ours.df_denom) == (2, 47.0)
    assert_allclose([ours.statistic, ours.pvalue], [ref_f["statistic"], ref_f["pvalue"]], rtol=1e-8)
    chi = fat_fit.wald_test(R, q, distribution="chi2")
    assert_allclose([chi.statistic, chi.pvalue], [ref_chi["statistic"], ref_chi["pvalue"]], rtol=1e-8)
    # F with one restriction is the squared t statistic, p-value identical
    one = fat_fit.wald_test(["beertax"])
    assert_allclose(one.statistic, fat_fit.tstats["beertax"] ** 2, rtol=1e-12)
    assert_allclose(one.pvalue, fat_fit.pvalues["beertax"], rtol=1e-10)
    frame = fat_fit.wald_test(pd.DataFrame({"spirits": [1.0]}), 0.2)
    assert frame.hypothesis == "spirits = 0.2"


def test_wald_test_matches_statsmodels_its_and_frac_logit(macro, spector):
    R = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    for small in (True, False):
        res = its(macro, "g_realinv", "quarter", regressors=["g_realgdp", "L_realint"], hac_lags=4,
                  hac_small_sample=small, trend=False)
        X = sm.add_constant(macro[["g_realgdp", "L_realint"]]).rename(columns={"const": "Intercept"})
        ref = sm.OLS(macro["g_realinv"], X).fit(
            cov_type="HAC", cov_kwds={"maxlags": 4, "use_correction": small}, use_t=small
        ).wald_test(R, use_f=small, scalar=True)
        ours = res.wald_test(R)
        assert ours.distribution == ("F" if small else "chi2")
        assert_allclose([ours.statistic, ours.pvalue], [float(ref.statistic), float(ref.pvalue)], rtol=1e-8)

    fl = frac_logit(spector, "GRADE", ["GPA", "TUCE", "PSI"])
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]]).rename(columns={"const": "Intercept"})
    glm = sm.GLM(spector["GRADE"], X, family=sm.families.Binomial()).fit(tol=1e-13, maxiter=200)
    R2 = np.array([[0, 1, 0, 0], [0, 0, 1, -1.0]])
    ref = glm.wald_test(R2, cov_p=fl.vcov.to_numpy(), use_f=False, scalar=True)
    ours = fl.wald_test(R2)
    assert ours.distribution == "chi2" and ours.df_denom is None
    assert_allclose([ours.statistic, ours.pvalue], [float(ref.statistic), float(ref.pvalue)], rtol=1e-8)


def test_wald_test_matches_linearmodels_random_effects(grunfeld):
    re_fit = random_effects(grunfeld, "inv", ["value", "capital"], unit="firm", time="year")
    R, q = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), np.array([0.1, 0.3])
    ref = re_fit.panel["re_fit"].wald_test(restriction=R, value=q)
    ours = re_fit.wald_test(R, q)
    assert_allclose([ours.statistic, ours.pvalue], [ref.stat, ref.pval], rtol=1e-8)


@pytest.mark.parametrize(
    ("R", "q", "match"),
    [
        (np.ones((1, 3)), None, "columns"),
        (["nope"], None, "not in the model"),
        (np.array([[1.0, 0.0], [2.0, 0.0]]), None, "linearly dependent"),
        (np.array([[np.nan, 1.0]]), None, "missing or infinite"),
        (None, [1.0, 2.0, 3.0], "q must be"),
        ("beertax", "x", "q must be"),
    ],
)
def test_wald_test_refuses_bad_restrictions(fat_fit, R, q, match):
    with pytest.raises(ModelError, match=match):
        fat_fit.wald_test(R, q)


def test_wald_test_refusals_by_result_kind(fat_fit, simple_panel, spector):
    with pytest.raises(ModelError, match="distribution"):
        fat_fit.wald_test(distribution="t")
    with pytest.raises(ModelError, match="normal inference"):
        frac_logit(spector, "GRADE", ["GPA"]).wald_test(distribution="F")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = wild_bootstrap(twfe(simple_panel, "y", ["d"], fe=["unit"], cluster="unit"), B=199, seed=1)
    assert list(boot.vcov.index) == ["d"]
    with pytest.raises(ModelError, match="pvalue_at"):
        boot.wald_test()


# -- resid, fitted, predict -----------------------------------------------------------------
def test_twfe_predictions_match_dummy_regression(simple_panel):
    data = simple_panel.drop(index=simple_panel.index[::9])  # unbalanced
    res = twfe(data, "y", ["d", "x"], fe=["unit", "period"], vcov="hetero")
    dummies = pd.get_dummies(data[["unit", "period"]].astype(str), drop_first=True, dtype=float)
    X = sm.add_constant(pd.concat([data[["d", "x"]], dummies], axis=1))
    ref = sm.OLS(data["y"], X).fit()
    # the fixed effects are absorbed by alternating projections to pyfixest's tolerance 1e-6,
    # which bounds the agreement with the exact dummy regression
    tol = {"rtol": 0, "atol": 1e-6}
    assert_allclose(res.fitted.to_numpy(), ref.fittedvalues.to_numpy(), **tol)
    assert_allclose(res.resid.to_numpy(), ref.resid.to_numpy(), **tol)
    assert res.resid.index.equals(data.index)
    new = simple_panel.loc[simple_panel.index[::9]]  # known units and periods, rows not used in the fit
    Xn = sm.add_constant(pd.concat([new[["d", "x"]], pd.get_dummies(
        new[["unit", "period"]].astype(str), dtype=float)], axis=1), has_constant="add")
    expected = ref.predict(Xn.reindex(columns=X.columns, fill_value=0.0))
    assert_allclose(res.predict(new).to_numpy(), expected.to_numpy(), **tol)
    assert_allclose(res.predict(data).to_numpy(), res.fitted.to_numpy(), rtol=1e-10, atol=1e-12)
    assert_allclose(res.rsquared, ref.rsquared, rtol=1e-6)
    with pytest.raises(ModelError, match="not in the estimation sample"):
        res.predict(pd.DataFrame({"d": [0.0], "x": [1.0], "unit": [999], "period": [1]}))
    with pytest.raises(ModelError, match="lacks column"):
        res.predict(new[["d", "unit", "period"]])
    with pytest.raises(MissingValuesError):
        res.predict(new.assign(x=np.nan))


def test_twfe_rsquared_within_matches_linearmodels(simple_panel):
    from linearmodels import PanelOLS

    res = twfe(simple_panel, "y", ["d", "x"], fe=["unit"], cluster="unit")
    indexed = simple_panel.set_index(["unit", "period"])
    ref = PanelOLS(indexed["y"], indexed[["d", "x"]], entity_effects=True).fit()
    assert_allclose(res.rsquared_within, ref.rsquared_within, rtol=1e-8)
    assert res.n_clusters == 40 and res.rsquared > res.rsquared_within
    pooled = twfe(simple_panel, "y", ["d"], vcov="iid")
    assert pooled.rsquared_within is None and pooled.n_clusters is None
    ols = sm.OLS(simple_panel["y"], sm.add_constant(simple_panel["d"])).fit()
    assert_allclose(pooled.rsquared, ols.rsquared, rtol=1e-10)


def test_other_estimators_predict_as_their_libraries(grunfeld, spector):
    fl = frac_logit(spector, "GRADE", ["GPA", "TUCE", "PSI"])
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    glm = sm.GLM(spector["GRADE"], X, family=sm.families.Binomial()).fit(tol=1e-13, maxiter=200)
    assert_allclose(fl.fitted.to_numpy(), glm.fittedvalues.to_numpy(), rtol=1e-8)
    assert_allclose(fl.predict(spector.head(5)).to_numpy(), glm.predict(X.head(5)).to_numpy(), rtol=1e-8)
    assert_allclose(fl.resid.to_numpy(), glm.resid_response.to_numpy(), rtol=1e-7, atol=1e-10)

    df = pd.DataFrame({"year": np.arange(2001, 2021), "y": np.sin(np.arange(20)) + 0.3 * np.arange(20)})
    res = its(df, "y", "year", interventions={"reform": 2011}, hac_lags=1)
    t = df["year"] - 2000
    Xi = pd.DataFrame({"const": 1.0, "t": t, "lvl": (t >= 11) * 1.0, "slp": np.where(t >= 11, t - 11, 0.0)})
    ols = sm.OLS(df["y"], Xi).fit()
    assert_allclose(res.fitted.to_numpy(), ols.fittedvalues.to_numpy(), rtol=1e-8)
    assert_allclose(res.rsquared, ols.rsquared, rtol=1e-10)
    future = pd.DataFrame({"year": [2021, 2025]})  # beyond the series: same time unit and origin
    tf = future["year"] - 2000
    Xf = pd.DataFrame({"const": 1.0, "t": tf, "lvl": 1.0, "slp": tf - 11})
    assert_allclose(res.predict(future).to_numpy(), ols.predict(Xf).to_numpy(), rtol=1e-8)

    re_fit = random_effects(grunfeld, "inv", ["value", "capital"], unit="firm", time="year")
    lm = re_fit.panel["re_fit"]
    assert_allclose(re_fit.predict(grunfeld.head(3)).to_numpy(),
                    lm.fitted_values["fitted_values"].to_numpy()[:3], rtol=1e-8)
    assert_allclose((re_fit.fitted + re_fit.resid).to_numpy(), grunfeld["inv"].to_numpy(), rtol=1e-12)
    assert_allclose(re_fit.rsquared_within, lm.rsquared_within, rtol=1e-12)


def test_estimators_without_predictions_say_why(simple_panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        did = staggered_did(simulate_staggered_panel(n_units=120, seed=1), outcome="y", unit="unit",
                            time="time", cohort="cohort")
        boot = wild_bootstrap(twfe(simple_panel, "y", ["d"], fe=["unit"], cluster="unit"), B=199, seed=1)
    wide = pd.DataFrame({"year": np.repeat(np.arange(10), 4), "unit": np.tile(list("ABCD"), 10)})
    wide["y"] = np.arange(40) % 7 + (wide["unit"] == "A") * (wide["year"] >= 7)
    sc = synthetic_control(wide, "y", "unit", "year", treated_unit="A", treatment_time=7)
    for res, why in ((did, "group-time effects"), (did.aggregate("simple"), "group-time effects"),
                     (boot, "inference procedure"), (sc, "synthetic series")):
        for attempt in (lambda r: r.fitted, lambda r: r.resid, lambda r: r.predict(wide)):
            with pytest.raises(ModelError, match=why):
                attempt(res)
    with pytest.raises(ModelError, match="no covariance"):
        sc.vcov
    assert "Donor weights (non-zero)" in sc.summary and "weight" in sc.summary.as_markdown()


# -- etable and compare ----------------------------------------------------------------------------
def test_etable_types_and_compare_alias(fatalities, fat_fit):
    m1 = twfe(fatalities, "fatal_rate", ["beertax"], fe=["state"], cluster="state")
    df = etable([m1, fat_fit])
    assert ("R-squared", "info") in df.index and ("Within R-squared", "info") in df.index
    assert df.loc[("R-squared", "info"), "(2)"] == f"{fat_fit.rsquared:.3f}"
    table = compare([m1, fat_fit])
    rows = [r for r, s in table.frame.index if s == "info"]
    assert rows == ["Observations", "Fixed effects", "Covariance", "Outcome"]  # unchanged for old code
    pd.testing.assert_frame_equal(table.frame, df.drop(index=["R-squared", "Within R-squared"], level=0))
    md, tex, html, text = (etable([m1, fat_fit], t) for t in ("md", "tex", "html", "text"))
    assert md.splitlines()[0].startswith("|") and "\\*\\*\\*" in md
    assert tex.startswith("\\begin{tabular}{lcc}") and "$^{" in tex and tex.count("\\midrule") == 2
    assert html.startswith('<table class="cchc-compare">') and "<th>R-squared</th>" in html
    assert "R-squared" in text and etable(fat_fit, "df").shape[1] == 1
    assert etable([m1], stats=["n_clusters", "cov_type"]).loc[("Clusters", "info"), "(1)"] == "48"
    for bad, match in (({"type": "gt"}, "type"), ({"stats": ["aic"]}, "unknown statistic"),
                       ({"digits": -1}, "digits")):
        with pytest.raises(ModelError, match=match):
            etable([m1], **bad)


# -- pyfixest through its public API; cheap import ------------------------------------------------
def test_twfe_uses_no_private_pyfixest_attribute():
    tree = ast.parse((MODELS_DIR / "twfe.py").read_text(encoding="utf-8"))
    private = sorted({
        node.attr for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
        and isinstance(node.value, ast.Name) and node.value.id in ("fit", "pf")
    })
    assert private == []


def test_import_models_loads_no_heavy_library():
    code = (
        "import sys, json, cchc_research.models\n"
        "heavy = ('scipy.stats', 'scipy.optimize', 'statsmodels.api', 'statsmodels', 'pyfixest', 'linearmodels')\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == []


def test_predict_refuses_bad_newdata(simple_panel):
    res = twfe(simple_panel, "y", ["d", "x"], fe=["unit"], cluster="unit")
    with pytest.raises(ModelError, match="DataFrame"):
        res.predict(simple_panel[["d", "x", "unit"]].to_numpy())
    y = simple_panel["y"]
    simple_panel = simple_panel.assign(rate=(y - y.min()) / (y.max() - y.min()))
    fl = frac_logit(simple_panel, "rate", ["d", "x"], fe=["period"])
    assert_allclose(fl.predict(simple_panel).to_numpy(), fl.fitted.to_numpy(), rtol=1e-12)
    with pytest.raises(ModelError, match="fixed effect 'period' not in the estimation sample"):
        fl.predict(simple_panel.assign(period=99))
