"""Parameter recovery for staggered DiD on simulated panels (slow; run in CI).

Design (:func:`cchc_research.models._did_dgp.simulate_staggered_panel`): 200 units,
8 periods, cohorts 4 and 6 (30% each) and 40% never treated, unit effects correlated with
the cohort, effects growing with exposure and larger for the later cohort. Fixed seeds.

* Callaway–Sant'Anna (never-treated controls): the simple ATT is unbiased
  (|bias| < 0.1 × its standard deviation across replications) and its 95% interval covers
  the truth in 93–97% of 600 replications.
* The naive TWFE event study is biased there: its e = −4 coefficient (true effect 0)
  shows a spurious pre-trend. Its expectation is the regression on the noiseless panel
  (OLS is linear in the outcome and the noise is independent of the design); we check the
  Monte Carlo mean agrees with it, and that the bias is negative and more than 2 Monte Carlo
  standard errors (in fact dozens) from 0 — the contamination of leads by heterogeneous
  lags shown by Sun & Abraham (2021, Prop. 3).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cchc_research.models._did_dgp import simulate_staggered_panel, true_effects
from cchc_research.models.did import staggered_did
from cchc_research.models.did_sunab import event_study_twfe

pytestmark = pytest.mark.slow

N_UNITS = 200
KW = dict(outcome="y", unit="unit", time="time", cohort="cohort")


def _true_simple_att() -> float:
    # equal cohort sizes in the design: the simple ATT is the plain mean of post cells
    return float(np.mean(list(true_effects(cohorts=(4, 6), n_periods=8).values())))


def test_callaway_santanna_recovers_simple_att():
    truth = _true_simple_att()
    est, se = [], []
    for rep in range(600):
        df = simulate_staggered_panel(n_units=N_UNITS, seed=10_000 + rep)
        res = staggered_did(df, **KW).aggregate("simple")
        est.append(res.params["ATT"])
        se.append(res.std_errors["ATT"])
    est, se = np.array(est), np.array(se)
    sd = est.std(ddof=1)
    bias = est.mean() - truth
    coverage = np.mean(np.abs(est - truth) <= 1.959963984540054 * se)
    print(f"CS simple ATT: truth {truth:.5f}, bias {bias:.5f} ({bias / sd:.3f} SD), "
          f"coverage {coverage:.3f}, mean SE {se.mean():.4f} vs SD {sd:.4f}")
    assert abs(bias) < 0.1 * sd
    assert 0.93 <= coverage <= 0.97


def test_naive_twfe_event_study_is_biased():
    term = "e=-4"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        noiseless = simulate_staggered_panel(n_units=N_UNITS, sigma=0.0, seed=0)
        expected = event_study_twfe(noiseless, **KW).params[term]
        cs_noiseless = staggered_did(noiseless, **KW).aggregate("dynamic").params[term]
        draws = np.array([
            event_study_twfe(simulate_staggered_panel(n_units=N_UNITS, seed=20_000 + rep), **KW).params[term]
            for rep in range(500)
        ])
    mc_se = draws.std(ddof=1) / np.sqrt(len(draws))
    bias = draws.mean() - 0.0  # no effect before treatment
    print(f"TWFE {term}: mean {draws.mean():.4f} (MC SE {mc_se:.4f}), noiseless {expected:.4f}, "
          f"CS noiseless {cs_noiseless:.2e}")
    assert abs(cs_noiseless) < 1e-10  # the robust estimator has no such pre-trend
    assert abs(draws.mean() - expected) < 4 * mc_se  # simulation agrees with the projection
    assert expected < 0 and bias < -2 * mc_se  # spurious negative pre-trend
    assert abs(bias) > 0.2


# --------------------------------------------------------------- notebook 06's own setting
# 300 simulated worlds exactly as notebook 06 builds them (cchc_research.simulate, 300,000
# dossiers, 22 districts × 32 quarters, every district treated by 2020-Q1, one late unit as the
# only comparison): Callaway–Sant'Anna (not-yet-treated) and Sun–Abraham (last-treated) simple
# ATTs with the inference analysis.rollout uses (rollout.DID_INFERENCE, rollout.DID_REPS draws),
# against each world's true ATT on the identified window. Seeds 1000..1299; two processes.
ROLLOUT_WORLDS = 300
ROLLOUT_SEED0 = 1000


def _rollout_world(seed: int) -> list[tuple[str, str, bool, float]]:
    import warnings as _w

    from cchc_research.analysis import rollout
    from cchc_research.simulate.truth import overall_att

    with _w.catch_warnings():
        _w.simplefilter("ignore")
        data = rollout.build_rollout_panel(300_000, seed=seed, freq="quarter")
        truth = overall_att(data.truth, data.identified_through)
        spec = dict(unit="unit", time="period_number", cohort="cohort_number")
        out = []
        for outcome in rollout.OUTCOMES:
            for method, control in (("callaway_santanna", "not_yet_treated"), ("sun_abraham", "last_treated")):
                res = staggered_did(data.panel, outcome, **spec, method=method, control=control)
                agg = res.aggregate("simple", inference=rollout.DID_INFERENCE, B=rollout.DID_REPS, seed=seed)
                low, high = agg.conf_int(0.95).loc["ATT"]
                out.append((outcome, method, bool(low <= truth[outcome] <= high), float(high - low)))
    return out


def test_rollout_inference_covers_in_notebook_setting():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    seeds = range(ROLLOUT_SEED0, ROLLOUT_SEED0 + ROLLOUT_WORLDS)
    # "spawn", not the default fork: the parent already runs DuckDB/BLAS threads, and a forked
    # child can deadlock on a lock one of them held (the workers then hang with no CPU use)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        rows = [r for world in pool.map(_rollout_world, seeds, chunksize=10) for r in world]
    import pandas as pd

    table = pd.DataFrame(rows, columns=["outcome", "method", "covers", "width"])
    coverage = table.groupby(["outcome", "method"])["covers"].mean()
    print(coverage.to_string())
    assert len(table) == ROLLOUT_WORLDS * 4
    for key, value in coverage.items():
        assert 0.92 <= value <= 0.98, (key, value)
