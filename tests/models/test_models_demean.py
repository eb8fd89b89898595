"""Tests for cchc_research.models.demean and cchc_research.models.did_weights.

Reference values are computed independently: least-squares residuals on explicit dummy
matrices (numpy.linalg.lstsq), and the closed form ``x - x̄_unit - x̄_time + x̄`` of a balanced
two-way panel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cchc_research.errors import InvalidArgumentError, MissingValuesError, ModelError
from cchc_research.models.demean import demean, demean_frame
from cchc_research.models.did_weights import twfe_weights

SEED = 20240415


def _dummies(*codes: np.ndarray) -> np.ndarray:
    blocks = [np.ones((len(codes[0]), 1))]
    for c in codes:
        _, inv = np.unique(c, return_inverse=True)
        blocks.append(np.eye(inv.max() + 1)[inv][:, 1:])
    return np.hstack(blocks)


def _residuals(y: np.ndarray, D: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    sw = np.ones(len(y)) if w is None else np.sqrt(w)
    beta = np.linalg.lstsq(D * sw[:, None], y * sw, rcond=None)[0]
    return y - D @ beta


@pytest.fixture(scope="module")
def unbalanced():
    rng = np.random.default_rng(SEED)
    n = 300
    unit = rng.integers(0, 25, n)
    time = rng.integers(0, 8, n)
    X = rng.normal(size=(n, 2)) + unit[:, None] * 0.3 - time[:, None] * 0.2
    return unit, time, X


def test_two_way_balanced_matches_closed_form():
    rng = np.random.default_rng(SEED)
    Y = rng.normal(size=(12, 7))
    unit, time = np.repeat(np.arange(12), 7), np.tile(np.arange(7), 12)
    closed = Y - Y.mean(axis=1, keepdims=True) - Y.mean(axis=0, keepdims=True) + Y.mean()
    assert_allclose(demean(Y.ravel(), [unit, time]), closed.ravel(), atol=1e-10)


def test_two_way_unbalanced_equals_dummy_regression(unbalanced):
    unit, time, X = unbalanced
    out = demean(X, [unit, time])
    assert out.shape == X.shape
    for j in range(X.shape[1]):
        assert_allclose(out[:, j], _residuals(X[:, j], _dummies(unit, time)), atol=1e-8)


def test_weighted_two_way_equals_weighted_dummy_regression(unbalanced):
    unit, time, X = unbalanced
    w = np.random.default_rng(SEED + 1).uniform(0.5, 3.0, len(unit))
    assert_allclose(demean(X[:, 0], [unit, time], w),
                    _residuals(X[:, 0], _dummies(unit, time), w), atol=1e-8)


def test_one_way_is_exact_group_demeaning():
    x = np.array([1.0, 3.0, 10.0, 4.0])
    out = demean(x, np.array(["a", "a", "b", "b"]), weights=[1, 3, 1, 1])
    assert out.tolist() == [-1.5, 0.5, 3.0, -3.0]


def test_no_fixed_effect_returns_a_copy():
    x = np.array([1.0, 2.0])
    out = demean(x, [])
    assert out.tolist() == [1.0, 2.0] and out is not x


def test_frisch_waugh_lovell_slope(unbalanced):
    unit, time, X = unbalanced
    y = 0.7 * X[:, 0] + np.random.default_rng(SEED + 2).normal(size=len(unit))
    dy, dx = demean(y, [unit, time]), demean(X[:, 0], [unit, time])
    fwl = float(dx @ dy / (dx @ dx))
    full = np.linalg.lstsq(np.column_stack([X[:, 0], _dummies(unit, time)]), y, rcond=None)[0][0]
    assert fwl == pytest.approx(full, rel=1e-8)


def test_demean_frame_keeps_index_and_order():
    df = pd.DataFrame({"g": list("aabb"), "t": [1, 2, 1, 2], "y": [1.0, 2.0, 3.0, 5.0]},
                      index=[10, 11, 12, 13])
    out = demean_frame(df, ["y"], ["g", "t"])
    assert list(out.columns) == ["g", "t", "y"] and out.index.tolist() == [10, 11, 12, 13]
    assert_allclose(out["y"], [0.25, -0.25, -0.25, 0.25], atol=1e-12)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: demean([1.0, np.nan], [np.array([0, 1])]), MissingValuesError, "non-finite"),
    (lambda: demean([1.0, 2.0], [np.array([0, 1, 1])]), InvalidArgumentError, "shape"),
    (lambda: demean([1.0, 2.0], [np.array([0, None], dtype=object)]), MissingValuesError,
     "fixed effect 0"),
    (lambda: demean([1.0, 2.0], [np.array([0, 1])], weights=[1.0, 0.0]), InvalidArgumentError,
     "positive"),
    (lambda: demean([1.0, 2.0], [np.array([0, 1])], weights=[1.0]), InvalidArgumentError,
     "weights have shape"),
    (lambda: demean(np.ones((2, 2, 2)), [np.array([0, 1])]), InvalidArgumentError, "dimensional"),
    (lambda: demean([1.0, 2.0], "unit"), InvalidArgumentError, "fixed_effects"),
    (lambda: demean_frame(pd.DataFrame({"y": [1.0]}), ["y"], ["g"]), InvalidArgumentError,
     "not in the frame"),
    (lambda: demean_frame(pd.DataFrame({"g": [1, 2], "y": [1.0, None]}), ["y"], ["g"]),
     MissingValuesError, "missing values in y"),
])
def test_bad_inputs_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ----------------------------------------------------------------------------- TWFE weights
@pytest.fixture(scope="module")
def staggered():
    rng = np.random.default_rng(SEED)
    units, periods = 9, 6
    adopt = np.array([2, 2, 3, 3, 4, 4, 5, 5, 99])  # the last unit is never treated
    rows = [(u, t, int(t >= adopt[u])) for u in range(units) for t in range(periods)]
    panel = pd.DataFrame(rows, columns=["unit", "period", "d"])
    panel["y"] = (0.1 * panel["unit"] + 0.05 * panel["period"]
                  + panel["d"] * (1 + 0.2 * panel["period"]) + rng.normal(0, 0.1, len(panel)))
    return panel.sample(frac=1.0, random_state=SEED)  # row order must not matter


def test_twfe_weights_reproduce_the_coefficient(staggered):
    w = twfe_weights(staggered, "unit", "period", "d", outcome="y")
    D = _dummies(staggered["unit"].to_numpy(), staggered["period"].to_numpy())
    beta = np.linalg.lstsq(np.column_stack([staggered["d"], D]), staggered["y"], rcond=None)[0][0]
    assert float(w["weighted_outcome"].sum()) == pytest.approx(beta, rel=1e-9)
    assert float(w.loc[w["d"] == 1, "weight"].sum()) == pytest.approx(1.0, abs=1e-12)
    assert w.index.equals(staggered.index)
    # early adopters late in the panel get negative weight (de Chaisemartin & D'Haultfœuille)
    assert (w.loc[w["d"] == 1, "weight"] < 0).any()


def test_twfe_weights_refuse_unbalanced_and_absorbed(staggered):
    with pytest.raises(ModelError, match="balanced"):
        twfe_weights(staggered.iloc[1:], "unit", "period", "d")
    with pytest.raises(ModelError, match="balanced"):
        twfe_weights(pd.concat([staggered, staggered.iloc[:1]]), "unit", "period", "d")
    absorbed = staggered.assign(d=(staggered["unit"] < 3).astype(int))  # constant within unit
    with pytest.raises(ModelError, match="absorb"):
        twfe_weights(absorbed, "unit", "period", "d")
    with pytest.raises(InvalidArgumentError, match="not in the panel"):
        twfe_weights(staggered, "unit", "period", "treated")
    with pytest.raises(MissingValuesError, match="'y'"):
        twfe_weights(staggered.assign(y=np.nan), "unit", "period", "d", outcome="y")
