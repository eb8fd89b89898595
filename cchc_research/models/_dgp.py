"""Seeded generators of simulated panels for tests, recovery studies and examples.

Everything here is *simulated* data (column ``source = "simulated"``), never real CCHC data.

Examples
--------
>>> from cchc_research.models._dgp import simulate_simple_panel
>>> df = simulate_simple_panel(n_units=4, n_periods=3, effect=1.0, seed=0)
>>> df.shape, df.columns.tolist()
((12, 7), ['unit', 'period', 'cohort', 'd', 'x', 'y', 'source'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_research.config import DEFAULT_SEED

__all__ = ["simulate_simple_panel"]


def simulate_simple_panel(
    n_units: int = 22,
    n_periods: int = 10,
    effect: float = 0.5,
    seed: int = DEFAULT_SEED,
    *,
    treated_share: float = 0.5,
    rho: float = 0.5,
    sigma_unit: float = 1.0,
    sigma: float = 1.0,
    beta_x: float = 0.3,
) -> pd.DataFrame:
    """Balanced panel with unit and period effects and a homogeneous treatment effect.

    ``y_it = α_i + γ_t + effect·d_it + beta_x·x_it + u_it`` with AR(1) errors within
    units (``u_it = rho·u_i,t-1 + e_it``, stationary start), so errors are correlated
    within clusters (units). A share ``treated_share`` of units adopts at a random period
    in ``[2, n_periods - 1]`` (staggered adoption, effect constant over time and cohorts,
    under which TWFE is unbiased); ``d_it = 1`` from adoption on. ``x_it`` is an exogenous
    covariate correlated with the unit effect.

    Parameters
    ----------
    n_units, n_periods : int
        Panel dimensions (units are the natural clusters).
    effect : float
        True treatment effect.
    seed : int
        Seed (``numpy.random.default_rng``); same seed → identical frame.
    treated_share, rho, sigma_unit, sigma, beta_x : float
        Share of units ever treated, AR(1) coefficient, unit-effect and innovation SDs,
        coefficient of ``x``.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``period``, ``cohort`` (adoption period, 0 = never),
        ``d``, ``x``, ``y``, ``source`` (= "simulated").

    Examples
    --------
    >>> a = simulate_simple_panel(6, 4, 0.2, seed=5)
    >>> a.equals(simulate_simple_panel(6, 4, 0.2, seed=5))
    True
    >>> int(a["d"].sum()) > 0
    True
    """
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_periods)
    period = np.tile(np.arange(1, n_periods + 1), n_units)
    n_treated = max(1, int(round(treated_share * n_units)))
    cohort_u = np.zeros(n_units, dtype=int)
    treated = rng.choice(n_units, size=n_treated, replace=False)
    cohort_u[treated] = rng.integers(2, max(3, n_periods), size=n_treated)
    cohort = cohort_u[unit]
    d = ((cohort > 0) & (period >= cohort)).astype(float)
    alpha = rng.normal(0, sigma_unit, n_units)
    gamma = rng.normal(0, 0.5, n_periods)
    x = 0.5 * alpha[unit] + rng.normal(size=n_units * n_periods)
    e = rng.normal(0, sigma, (n_units, n_periods))
    u = np.empty_like(e)
    u[:, 0] = e[:, 0] / np.sqrt(1 - rho**2)
    for t in range(1, n_periods):
        u[:, t] = rho * u[:, t - 1] + e[:, t]
    y = alpha[unit] + gamma[period - 1] + effect * d + beta_x * x + u.ravel()
    return pd.DataFrame(
        {
            "unit": unit,
            "period": period,
            "cohort": cohort,
            "d": d,
            "x": x,
            "y": y,
            "source": "simulated",
        }
    )
