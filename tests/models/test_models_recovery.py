"""Parameter recovery on simulated panels (slow; run with ``pytest -m slow``).

Fixed seeds, so the numbers are reproducible; they are printed (``-s``) for the record.

* TWFE under a homogeneous effect (50 units x 10 periods, AR(1) errors within units,
  staggered adoption), CR1 clustered by unit, t(G-1) intervals: |bias| < 0.1 SE and
  95% coverage in [93%, 97%] over 500 replications.
* Wild cluster bootstrap (WCR, Webb weights, B = 399) with 22 clusters: rejection rate of
  the true null near 5% and coverage of the test-inversion interval in [93%, 97%] over
  500 replications.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cchc_research.models import twfe, wild_bootstrap
from cchc_research.models._dgp import simulate_simple_panel

pytestmark = pytest.mark.slow

REPS = 500
EFFECT = 0.5


def _twfe(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return twfe(df, "y", ["d", "x"], fe=["unit", "period"], cluster="unit")


def test_twfe_recovery():
    est, se, cover = [], [], []
    for rep in range(REPS):
        res = _twfe(simulate_simple_panel(n_units=50, n_periods=10, effect=EFFECT, seed=10_000 + rep))
        lo, hi = res.conf_int().loc["d"]
        est.append(res.params["d"])
        se.append(res.std_errors["d"])
        cover.append(lo <= EFFECT <= hi)
    est, se = np.array(est), np.array(se)
    bias, sd, coverage = est.mean() - EFFECT, est.std(ddof=1), float(np.mean(cover))
    print(f"\nTWFE recovery ({REPS} reps): bias {bias:.5f}, Monte Carlo SD {sd:.5f}, "
          f"mean CR1 SE {se.mean():.5f}, |bias|/SD {abs(bias) / sd:.4f}, coverage {coverage:.3f}")
    assert abs(bias) < 0.1 * sd
    assert abs(bias) < 0.1 * se.mean()
    assert 0.93 <= coverage <= 0.97


def test_wild_bootstrap_recovery_22_clusters():
    reject, cover, est = [], [], []
    for rep in range(REPS):
        res = _twfe(simulate_simple_panel(n_units=22, n_periods=10, effect=EFFECT, seed=20_000 + rep))
        boot = wild_bootstrap(res, "d", B=399, weights="webb", seed=rep, h0=EFFECT)
        lo, hi = boot.conf_int().loc["d"]
        reject.append(boot.pvalues["d"] < 0.05)
        cover.append(lo <= EFFECT <= hi)
        est.append(res.params["d"])
    rate, coverage = float(np.mean(reject)), float(np.mean(cover))
    bias, sd = float(np.mean(est)) - EFFECT, float(np.std(est, ddof=1))
    print(f"\nWild cluster bootstrap, G=22 ({REPS} reps, B=399, Webb): rejection rate of true H0 "
          f"{rate:.3f}, CI coverage {coverage:.3f}, bias {bias:.5f} (SD {sd:.5f})")
    assert 0.03 <= rate <= 0.07
    assert 0.93 <= coverage <= 0.97
    assert abs(bias) < 0.1 * sd
