"""Recovery of the delegation study's true effects in its own setting (SIMULATED data).

Setting: the world of notebook 07 (``simulate_delegation(N_DOSSIERS, SEED)``: 22 districts,
8 fields delegated in four yearly cohorts 2018–2021, delegation removing half of a delegated
dossier's late risk and closing 30 % of its dissatisfaction gap), quarterly cells. The Monte
Carlo draws are *redraws of the same world*: every cell keeps its resolved and rated counts
and its truth, and its on-time and satisfied counts are drawn again, Binomial(resolved,
expected on-time rate) and Binomial(rated, expected satisfaction rate), with the expected rates
of the model (a parametric bootstrap of the world; the design, the cells and the estimand
stay fixed, so coverage is measured against one known number per outcome).

Asserted: the 95 % intervals of the Callaway–Sant'Anna ATT on the within district × field
contrasts (influence-function standard errors clustered by district, normal critical value)
cover the true ATT in [0.92, 0.98] of REPS draws, for both outcomes, and the mean estimate is
within 3 Monte Carlo standard errors of the truth.
Measured when written (REPS = 300, seed 1): on-time rate coverage 0.940, bias +0.000022
(Monte Carlo s.e. 0.000224; truth 0.002268, sd of the estimates 0.003883); satisfaction rate
coverage 0.937, bias −0.0027 (MC s.e. 0.0019; truth 0.0544, sd 0.0321). The TWFE check is not
asserted: its estimand is a variance-weighted average, not the equal-weight ATT.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cchc_research.analysis import delegation as dg

N_DOSSIERS = 600_000
SEED = 20240415
REPS = 300


def _redraw(data: dg.DelegationData, rng: np.random.Generator) -> dg.DelegationData:
    p = data.panel.copy()
    res = p["resolved"].to_numpy()
    rated = p["rated"].to_numpy()
    pr_on = np.clip(p["expected_on_time_rate"].fillna(0.0).to_numpy(), 0.0, 1.0)
    pr_sat = np.clip(p["expected_satisfaction_rate"].fillna(0.0).to_numpy(), 0.0, 1.0)
    on = rng.binomial(res, pr_on)
    sat = rng.binomial(rated, pr_sat)
    with np.errstate(divide="ignore", invalid="ignore"):
        p["on_time_rate"] = np.where(res > 0, on / np.where(res > 0, res, 1), np.nan)
        p["satisfaction_rate"] = np.where(rated > 0, sat / np.where(rated > 0, rated, 1), np.nan)
    return dg.DelegationData(panel=p, calendar=data.calendar, freq=data.freq, simulated=True,
                             world=data.world)


@pytest.fixture(scope="module")
def world() -> dg.DelegationData:
    return dg.simulate_delegation(N_DOSSIERS, SEED)


@pytest.mark.slow
@pytest.mark.parametrize("outcome", dg.OUTCOMES)
def test_callaway_santanna_contrast_coverage(world, outcome):
    rng = np.random.default_rng(1)
    est, cover, truths = [], [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(REPS):
            e = dg.estimate_delegation(_redraw(world, rng), outcome, with_twfe=False)
            row = e.simple.tidy().iloc[0]
            truth = e.truth["simple"]
            est.append(float(row["estimate"]))
            truths.append(truth)
            cover.append(float(row["ci_low"]) <= truth <= float(row["ci_high"]))
    est, truths = np.asarray(est), np.asarray(truths)
    coverage = float(np.mean(cover))
    bias = float(np.mean(est - truths))
    mc_se = float(np.std(est - truths, ddof=1) / np.sqrt(REPS))
    print(f"{outcome}: coverage {coverage:.3f}, bias {bias:.6f} (MC s.e. {mc_se:.6f}), "
          f"sd {np.std(est, ddof=1):.6f}, truth {np.mean(truths):.6f}")
    assert 0.92 <= coverage <= 0.98
    assert abs(bias) <= 3 * mc_se
