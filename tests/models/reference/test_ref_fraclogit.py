"""frac_logit against Stata numbers stored in fraclogit_spector.yaml (with citations)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from numpy.testing import assert_allclose

from cchc_research.models import frac_logit

pytestmark = pytest.mark.reference

REF = yaml.safe_load((Path(__file__).parent / "fraclogit_spector.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: c["id"])
def test_spector_glm(spector, case):
    res = frac_logit(spector, "GRADE", ["GPA", "TUCE", "PSI"], vcov=case["vcov"])
    for term, exp in case["expected"].items():
        assert_allclose(res.params[term], exp["estimate"], rtol=REF["rtol"])
        assert_allclose(res.std_errors[term], exp["std_error"], rtol=REF["rtol"])
    assert res.df_resid is None  # z inference, as Stata


@pytest.mark.parametrize("key,discrete", [("continuous", ()), ("psi_discrete", ("PSI",))])
def test_spector_margins(spector, key, discrete):
    ref = REF["average_marginal_effects"]
    res = frac_logit(spector, "GRADE", ["GPA", "TUCE", "PSI"], vcov="model")
    ame = res.average_marginal_effects(discrete=discrete)
    for term, exp in ref[key].items():
        assert_allclose(ame.params[term], exp["estimate"], rtol=ref["rtol"])
        assert_allclose(ame.std_errors[term], exp["std_error"], rtol=ref["rtol"])
