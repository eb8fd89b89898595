"""compare(): tidy frame, text and HTML."""

from __future__ import annotations

import warnings

import pytest

from cchc_research.errors import ModelError
from cchc_research.models import compare, frac_logit, twfe
from cchc_research.models._dgp import simulate_simple_panel


@pytest.fixture(scope="module")
def fits():
    df = simulate_simple_panel(n_units=40, n_periods=6, effect=0.5, seed=2)
    df["rate"] = (df["y"] - df["y"].min()) / (df["y"].max() - df["y"].min())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = twfe(df, "y", ["d"], fe=["unit", "period"], cluster="unit")
        b = twfe(df, "y", ["d", "x"], fe=["unit", "period"], cluster="unit")
    c = frac_logit(df, "rate", ["d", "x"], vcov="cluster", cluster="unit")
    return a, b, c


def test_frame_layout(fits):
    table = compare(fits, names=["TWFE", "TWFE + x", "frac logit"])
    f = table.frame
    assert list(f.columns) == ["TWFE", "TWFE + x", "frac logit"]
    assert f.index.names == ["row", "statistic"]
    assert ("x", "estimate") in f.index and ("x", "std_error") in f.index
    assert f.loc[("x", "estimate"), "TWFE"] == ""  # term absent from model 1
    assert f.loc[("d", "std_error"), "TWFE"].startswith("(")
    assert f.loc[("Observations", "info"), "TWFE"] == "240"
    assert f.loc[("Fixed effects", "info"), "TWFE"] == "unit, period"
    assert f.loc[("Fixed effects", "info"), "frac logit"] == "none"
    est = fits[0].params["d"]
    assert f.loc[("d", "estimate"), "TWFE"].startswith(f"{est:.3f}")


def test_text_and_html(fits):
    table = compare(fits)
    text = table.to_text()
    assert text == compare(fits).to_text()  # deterministic
    assert "(1)" in text and "Observations" in text and "* p<0.1" in text
    html = table.to_html()
    assert html.startswith('<table class="cchc-compare">') and html.count("<tr") == len(table.frame) + 2
    plain = compare(fits, stars=False)
    assert "*" not in "".join(plain.frame.xs("estimate", level="statistic").to_numpy().ravel())


def test_errors(fits):
    with pytest.raises(ModelError):
        compare([])
    with pytest.raises(ModelError, match="names"):
        compare(fits, names=["a"])
    with pytest.raises(ModelError, match="unique"):
        compare(fits, names=["a", "a", "b"])
