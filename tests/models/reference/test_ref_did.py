"""staggered_did against R ``did`` on ``mpdta`` (Callaway & Sant'Anna 2021).

Numbers live in ``did_mpdta.yaml`` with their sources. Three kinds, stated per test:

* ``published`` — full-precision R ``did`` output quoted in issue 4 (ATT(2004, 2006), its
  analytic SE, the simple ATT); checked at 1e-8.
* ``vignette`` — the did vignette's printed point estimates (4 decimals); checked at 5e-5.
* ``cross_implementation`` — moderndid 0.2.0 (a port of R did) for every ATT(g, t), SE and
  the four aggregations with their influence-function SEs; checked at 1e-8. Aggregated SEs
  are analytic and pointwise: R did's default multiplier bootstrap / uniform bands are
  not reproduced (they are random).

The live tests at the bottom run moderndid itself for options the stored file does not
cover (not-yet-treated controls, universal base period, anticipation, a covariate), and
pyfixest's saturated event study for the Sun–Abraham estimator.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose

from cchc_research.models.did import staggered_did

pytestmark = pytest.mark.reference

REF = yaml.safe_load((Path(__file__).parent / "did_mpdta.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    import moderndid  # pinned dependency: a missing one must fail, not skip
    return moderndid.load_mpdta().to_pandas()


@pytest.fixture(scope="module")
def cs(mpdta):
    return staggered_did(mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat")


def _cell(res, g, t):
    row = res.att_gt[(res.att_gt["group"] == g) & (res.att_gt["time"] == t)]
    assert len(row) == 1
    return row.iloc[0]


def test_published_values(cs):
    pub = REF["published"]
    for c in pub["att_gt"]:
        row = _cell(cs, c["group"], c["time"])
        assert_allclose(row["att"], c["att"], rtol=0, atol=pub["tolerance"])
        assert_allclose(row["std_error"], c["std_error"], rtol=0, atol=pub["tolerance"])
    assert_allclose(cs.aggregate("simple").params["ATT"], pub["simple_att"], rtol=0, atol=pub["tolerance"])


def test_vignette_point_estimates(cs):
    vig = REF["vignette"]
    for c in vig["att_gt"]:
        assert_allclose(_cell(cs, c["group"], c["time"])["att"], c["att"], rtol=0, atol=vig["tolerance"])
    for kind, value in vig["overall"].items():
        assert_allclose(cs.aggregate(kind).params["ATT"], value, rtol=0, atol=vig["tolerance"])


def test_every_cell_matches_moderndid(cs):
    ref = REF["cross_implementation"]
    table = pd.DataFrame(ref["att_gt"])
    assert len(cs.att_gt) == len(table)
    merged = cs.att_gt.merge(table, on=["group", "time"], suffixes=("", "_ref"))
    assert len(merged) == len(table)
    assert_allclose(merged["att"], merged["att_ref"], rtol=0, atol=ref["tolerance"])
    assert_allclose(merged["std_error"], merged["std_error_ref"], rtol=0, atol=ref["tolerance"])
    # the params / std_errors Series carry the same numbers under ATT(g,t) names
    assert_allclose(cs.params["ATT(2004,2006)"], -0.1372587388894027, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kind", ["simple", "group", "dynamic", "calendar"])
def test_aggregations_match_moderndid(cs, kind):
    ref = REF["cross_implementation"]
    agg = ref["aggregations"][kind]
    res = cs.aggregate(kind)
    assert_allclose(res.params["ATT"], agg["overall_att"], rtol=0, atol=ref["tolerance"])
    assert_allclose(res.std_errors["ATT"], agg["overall_se"], rtol=0, atol=ref["tolerance"])
    for term in agg.get("terms", []):
        assert_allclose(res.params[term["term"]], term["estimate"], rtol=0, atol=ref["tolerance"])
        assert_allclose(res.std_errors[term["term"]], term["std_error"], rtol=0, atol=ref["tolerance"])
    expected_terms = ["ATT"] + [t["term"] for t in agg.get("terms", [])]
    assert res.params.index.tolist() == expected_terms


# -- live cross-implementation checks -------------------------------------------------


def _moderndid(mpdta, **kwargs):
    import moderndid  # pinned dependency: a missing one must fail, not skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = moderndid.att_gt(
            mpdta, yname="lemp", tname="year", idname="countyreal", gname="first.treat",
            est_method="reg", boot=False, cband=False, **kwargs,
        )
        aggs = {k: moderndid.aggte(r, type=k, boot=False, cband=False) for k in ("simple", "dynamic")}
    return r, aggs


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ({"control": "not_yet_treated"}, {"control_group": "notyettreated"}),
        ({"base_period": "universal"}, {"base_period": "universal"}),
        ({"anticipation": 1}, {"anticipation": 1}),
        ({"covariates": ["lpop"]}, {"xformla": "~lpop"}),
    ],
    ids=["not_yet_treated", "universal", "anticipation", "covariate"],
)
def test_options_match_moderndid_live(mpdta, ours, theirs):
    r, aggs = _moderndid(mpdta.copy(), **theirs)
    res = staggered_did(mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat", **ours)
    theirs_df = pd.DataFrame({"group": r.groups, "time": r.times, "att": r.att_gt, "se": r.se_gt})
    merged = res.att_gt.merge(theirs_df, on=["group", "time"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert_allclose(merged["att_x"], merged["att_y"], rtol=0, atol=1e-8)
    both = merged["se"].notna() & (merged["se"] > 1e-10)
    assert_allclose(merged.loc[both, "std_error"], merged.loc[both, "se"], rtol=0, atol=1e-8)
    simple = res.aggregate("simple")
    assert_allclose(simple.params["ATT"], aggs["simple"].overall_att, rtol=0, atol=1e-8)
    assert_allclose(simple.std_errors["ATT"], aggs["simple"].overall_se, rtol=0, atol=1e-8)
    dyn = res.aggregate("dynamic")
    terms = [f"e={int(e)}" for e in aggs["dynamic"].event_times]
    assert_allclose(dyn.params[terms], aggs["dynamic"].att_by_event, rtol=0, atol=1e-8)
    se_ref = np.asarray(aggs["dynamic"].se_by_event, dtype=float)
    ok = np.isfinite(se_ref) & (se_ref > 1e-10)
    assert_allclose(dyn.std_errors[terms].to_numpy()[ok], se_ref[ok], rtol=0, atol=1e-8)


def test_sun_abraham_matches_pyfixest_saturated_event_study(mpdta):
    """Cross-implementation: pyfixest 0.60 ``event_study(estimator="saturated")``.

    Same saturated regression (cohort × relative-period dummies, reference −1, unit and
    year fixed effects, CR1 by county) and the same cohort-share weights per event time.
    """
    import pyfixest as pf  # pinned dependency: a missing one must fail, not skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.event_study(mpdta, yname="lemp", idname="countyreal", tname="year", gname="first.treat",
                             estimator="saturated", cluster="countyreal")
        agg = fit.aggregate()
        coefs = fit.tidy()
        res = staggered_did(mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat",
                            method="sun_abraham")
    # cell level: CATT(g, e) coefficients and clustered SEs
    parsed = coefs.index.to_series().str.extract(r"rel_time::(?P<e>[-\d.]+):first_treated_period::(?P<g>\d+)")
    theirs = pd.DataFrame({"group": parsed["g"].astype(float).to_numpy(),
                           "time": (parsed["g"].astype(float) + parsed["e"].astype(float)).to_numpy(),
                           "att_ref": coefs["Estimate"].to_numpy(), "se_ref": coefs["Std. Error"].to_numpy()})
    merged = res.att_gt.merge(theirs, on=["group", "time"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert_allclose(merged["att"], merged["att_ref"], rtol=0, atol=1e-8)
    assert_allclose(merged["std_error"], merged["se_ref"], rtol=0, atol=1e-8)
    # event-time aggregation with cohort-share weights
    dyn = res.aggregate("dynamic")
    terms = [f"e={int(e)}" for e in agg.index]
    assert_allclose(dyn.params[terms], agg["Estimate"].astype(float), rtol=0, atol=1e-8)
    assert_allclose(dyn.std_errors[terms], agg["Std. Error"].astype(float), rtol=0, atol=1e-8)


# ----------------------------------------------------------------- multiplier bootstrap
# R did's multiplier bootstrap (did::mboot): Mammen weights drawn as rng.binomial(1, p) with
# p = (1 + √5) / (2√5), 1 → (1 − √5)/2, else (1 + √5)/2; bres = √n · mean(v·ψ); SE = IQR(bres)
# / (Φ⁻¹(.75) − Φ⁻¹(.25)) / √n; uniform critical value = 95% quantile (inverted CDF) of
# max_k |bres_k / SE_k|. moderndid.did.mboot is its Python port: with the same seed the
# draws are the same, so SEs and critical values must agree to rounding.
@pytest.mark.parametrize("kind", ["simple", "dynamic", "group"])
def test_multiplier_bootstrap_matches_moderndid_mboot(cs, kind):
    from moderndid.did.mboot import mboot

    from cchc_research.models.did_aggregate import aggregated_influence
    from cchc_research.models.did_inference import multiplier_bootstrap

    a = cs.agg_inputs
    _, _, psi = aggregated_influence(kind, a["group"], a["time"], a["att"], shares=a["shares"],
                                     influence=a["influence"], unit_group=a["unit_group"])
    ours = multiplier_bootstrap(psi, B=999, seed=7)
    theirs = mboot(psi, n_units=psi.shape[0], biters=999, alp=0.05, random_state=7)
    assert_allclose(ours.std_errors, theirs["se"], rtol=1e-8, atol=0)
    assert_allclose(ours.critical_value(0.95, uniform=True), theirs["crit_val"], rtol=1e-8)
    # and through the public interface
    agg = cs.aggregate(kind, inference="multiplier", B=999, seed=7, uniform=True)
    assert_allclose(agg.std_errors.to_numpy(), theirs["se"], rtol=1e-8)
    width = (agg.conf_int()["upper"] - agg.conf_int()["lower"]).to_numpy()
    assert_allclose(width, 2 * theirs["crit_val"] * theirs["se"], rtol=1e-8)
