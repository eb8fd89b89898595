"""Estimators for CCHC panels, each returning :class:`EstimationResults`.

Linear fixed-effects models (:func:`twfe`) with the wild cluster bootstrap
(:func:`wild_bootstrap`) for few clusters, Papke–Wooldridge fractional logit
(:func:`frac_logit`) for rates in [0, 1], interrupted time series (:func:`its`),
Swamy–Arora random effects with a Hausman test (:func:`random_effects`), staggered
difference-in-differences (:func:`staggered_did`, :func:`event_study_twfe`), synthetic
control (:func:`synthetic_control`) and comparison tables (:func:`compare`).

Examples
--------
>>> from cchc_research import models
>>> sorted(n for n in models.__all__ if n.islower())[:4]
['compare', 'event_study_twfe', 'frac_logit', 'its']
"""

from cchc_research.models.bootstrap import WildBootstrapResults, wild_bootstrap
from cchc_research.models.compare import ComparisonTable, compare
from cchc_research.models.fraclogit import FracLogitResults, frac_logit
from cchc_research.models.its import its
from cchc_research.models.panel_re import HausmanTest, RandomEffectsResults, random_effects
from cchc_research.models.results import EstimationResults
from cchc_research.models.twfe import TWFEResults, twfe

# difference-in-differences and synthetic control (imported after twfe, which they use)
from cchc_research.models.did import StaggeredDiDResults, staggered_did
from cchc_research.models.did_sunab import event_study_twfe
from cchc_research.models.synth import SyntheticControlResults, synthetic_control

__all__ = [
    "EstimationResults",
    "TWFEResults",
    "WildBootstrapResults",
    "FracLogitResults",
    "RandomEffectsResults",
    "HausmanTest",
    "ComparisonTable",
    "StaggeredDiDResults",
    "SyntheticControlResults",
    "twfe",
    "wild_bootstrap",
    "frac_logit",
    "its",
    "random_effects",
    "compare",
    "staggered_did",
    "event_study_twfe",
    "synthetic_control",
]

