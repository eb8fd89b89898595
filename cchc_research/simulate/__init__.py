"""A seeded, *simulated* world of one-stop-shop dossiers with known true effects.

Ho Chi Minh City's 24 districts (22 after the 2021 Thủ Đức merger), 2017–2024: fields of
different difficulty (land the hardest), a staggered rollout of an online-service model in
2019–2020, delegation of authority from 2018, COVID-19 in 2020–2021, Tết, seasonality;
calibrated to published city aggregates. Every output is labelled *simulated*.

* :func:`simulate_dossiers` — dossiers (Parquet chunks or in memory) + truth + world.json.
* :func:`simulate_panel` — the unit × period panel via :func:`cchc_research.dossiers.aggregate`
  with cohorts and true effects merged.
* :mod:`~cchc_research.simulate.world` — the model and its parameters;
  :mod:`~cchc_research.simulate.truth` — the true effects and their aggregation.

Examples
--------
>>> from cchc_research.simulate import simulate_dossiers
>>> w = simulate_dossiers(1_000, seed=2)
>>> w.cohorts()["cohort"].value_counts().sort_index().tolist()
[4, 9, 5, 3, 1]
"""

from __future__ import annotations

from cchc_research.simulate.core import (
    SimulatedWorld,
    iter_dossier_chunks,
    simulate_dossiers,
    to_canonical_frame,
)
from cchc_research.simulate.panel import simulate_panel
from cchc_research.simulate.truth import overall_att, truth_by_event_time, truth_table
from cchc_research.simulate.world import CALIBRATION_TARGETS, DISTRICTS, FIELDS, WorldParams

__all__ = [
    "SimulatedWorld",
    "simulate_dossiers",
    "simulate_panel",
    "iter_dossier_chunks",
    "to_canonical_frame",
    "truth_table",
    "truth_by_event_time",
    "overall_att",
    "WorldParams",
    "DISTRICTS",
    "FIELDS",
    "CALIBRATION_TARGETS",
]
