"""Seeded generator of *simulated* staggered-adoption panels for tests and examples.

``y_it = α_i + λ_t + τ_g(t − g)·1{t ≥ g} + ε_it`` with unit effects correlated with the
cohort (so a cross-sectional comparison would be biased, a DiD is not), common time
effects, and treatment effects that grow with exposure and differ across cohorts —
the setting in which the naive two-way fixed-effects event study is biased
(Sun & Abraham 2021) and Callaway–Sant'Anna is not.

Examples
--------
>>> from cchc_research.models._did_dgp import simulate_staggered_panel, true_effects
>>> df = simulate_staggered_panel(n_units=10, n_periods=4, cohorts=(3,), seed=0)
>>> df.columns.tolist()
['unit', 'time', 'cohort', 'y']
>>> true_effects(cohorts=(3,), n_periods=4)
{(3, 3): 1.0, (3, 4): 1.5}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["simulate_staggered_panel", "true_effects", "effect"]


def effect(cohort: float, event_time: float, *, first_cohort: float = 4, base: float = 1.0,
           slope: float = 0.5, cohort_scale: float = 0.5) -> float:
    """Treatment effect of ``cohort`` at ``event_time`` (0 before treatment).

    ``(base + slope·e) · (1 + cohort_scale·(cohort − first_cohort)/2)``: effects grow with
    exposure ``e`` and later cohorts gain more.

    Examples
    --------
    >>> effect(4, 0), effect(4, 2), effect(4, -1)
    (1.0, 2.0, 0.0)
    """
    if event_time < 0:
        return 0.0
    return (base + slope * event_time) * (1.0 + cohort_scale * (cohort - first_cohort) / 2.0)


def true_effects(cohorts: tuple[int, ...] = (4, 6), n_periods: int = 8, **kwargs) -> dict:
    """True ATT(g, t) for every post-treatment cell of the default design.

    Examples
    --------
    >>> te = true_effects()
    >>> te[(4, 4)], te[(6, 8)]
    (1.0, 3.0)
    """
    first = min(cohorts)
    return {
        (g, t): effect(g, t - g, first_cohort=first, **kwargs)
        for g in cohorts
        for t in range(g, n_periods + 1)
    }


def simulate_staggered_panel(
    n_units: int = 500,
    n_periods: int = 8,
    cohorts: tuple[int, ...] = (4, 6),
    never_share: float = 0.4,
    sigma: float = 1.0,
    seed: int = 0,
    **effect_kwargs,
) -> pd.DataFrame:
    """Simulate a balanced staggered-adoption panel (periods ``1 … n_periods``).

    Parameters
    ----------
    n_units, n_periods : int
        Panel size.
    cohorts : tuple of int
        Adoption periods; units are split equally among them after ``never_share`` of
        them are set never treated (cohort 0).
    never_share : float
        Share of never-treated units.
    sigma : float
        Standard deviation of the idiosyncratic error (0 gives the noiseless panel).
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    **effect_kwargs
        Passed to :func:`effect` (``base``, ``slope``, ``cohort_scale``).

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``time``, ``cohort`` (0 = never treated), ``y``; labelled
        simulated data.

    Examples
    --------
    >>> df = simulate_staggered_panel(n_units=6, n_periods=3, cohorts=(2,), sigma=0.0, seed=1)
    >>> sorted(df["cohort"].unique().tolist())
    [0, 2]
    """
    rng = np.random.default_rng(seed)
    first = min(cohorts)
    n_never = int(round(never_share * n_units))
    treated_cohorts = np.array(cohorts)[np.arange(n_units - n_never) % len(cohorts)]
    G = np.concatenate([np.zeros(n_never, dtype=int), np.sort(treated_cohorts)])
    t = np.arange(1, n_periods + 1)
    alpha = rng.normal(size=n_units) + 0.3 * G / max(cohorts)
    lam = 0.2 * t + 0.3 * np.sin(t)
    tau = np.array([[effect(g, tt - g, first_cohort=first, **effect_kwargs) if g > 0 else 0.0 for tt in t] for g in G])
    y = alpha[:, None] + lam[None, :] + tau + sigma * rng.normal(size=(n_units, n_periods))
    return pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_periods),
            "time": np.tile(t, n_units),
            "cohort": np.repeat(G, n_periods),
            "y": y.ravel(),
        }
    )
