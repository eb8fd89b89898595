"""Estimators for CCHC panels, each returning :class:`EstimationResults`.

Linear fixed-effects models (:func:`twfe`) with the wild cluster bootstrap
(:func:`wild_bootstrap`) for few clusters, Papke–Wooldridge fractional logit
(:func:`frac_logit`) for rates in [0, 1], interrupted time series (:func:`its`),
Swamy–Arora random effects with a Hausman test (:func:`random_effects`), staggered
difference-in-differences (:func:`staggered_did`, :func:`event_study_twfe`), synthetic
control (:func:`synthetic_control`) and estimation tables (:func:`etable`; :func:`compare`
is its older name).

Cheap to import
---------------
``import cchc_research.models`` costs about as much as ``import pandas, numpy``
(``benchmarks/bench_import.py``; the test ``tests/models/test_models_results.py`` checks that no
heavy library is loaded): the heavy third-party libraries — pyfixest, statsmodels,
linearmodels, scipy.stats, scipy.optimize — are imported inside the functions that need
them, each such import marked with a comment, and load on the first fit. The submodules
themselves are imported eagerly below. A PEP 562 ``__getattr__`` (or ``lazy_loader``)
was considered and rejected: the functions :func:`twfe` and :func:`its` share their names
with their submodules, and a lazily loaded package attribute is silently replaced by the
submodule object as soon as any code imports ``cchc_research.models.twfe``; eager
submodules also keep the import graph visible to static tools.

Examples
--------
>>> from cchc_research import models
>>> sorted(n for n in models.__all__ if n.islower())[:4]
['compare', 'etable', 'event_study_twfe', 'frac_logit']
"""

from cchc_research.models.bootstrap import WildBootstrapResults, wild_bootstrap
from cchc_research.models.compare import ComparisonTable, compare
from cchc_research.models.etable import etable
from cchc_research.models.fraclogit import FracLogitResults, frac_logit
from cchc_research.models.its import its
from cchc_research.models.panel_re import HausmanTest, RandomEffectsResults, random_effects
from cchc_research.models.results import EstimationResults, Predictions, WaldTest
from cchc_research.models.summary import Summary
from cchc_research.models.twfe import TWFEResults, twfe

# difference-in-differences and synthetic control (imported after twfe, which they use)
from cchc_research.models.did import StaggeredDiDResults, staggered_did
from cchc_research.models.did_sunab import event_study_twfe
from cchc_research.models.synth import SyntheticControlResults, synthetic_control

__all__ = [
    "EstimationResults",
    "Predictions",
    "WaldTest",
    "Summary",
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
    "etable",
    "compare",
    "staggered_did",
    "event_study_twfe",
    "synthetic_control",
]
