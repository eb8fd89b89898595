"""Estimators for CCHC panels, each returning :class:`EstimationResults`.

Linear fixed-effects models (:func:`twfe`) with the wild cluster bootstrap
(:func:`wild_bootstrap`) for few clusters, Papke–Wooldridge fractional logit
(:func:`frac_logit`) for rates in [0, 1], interrupted time series (:func:`its`),
Swamy–Arora random effects with a Hausman test (:func:`random_effects`), staggered
difference-in-differences (:func:`staggered_did`, :func:`event_study_twfe`), synthetic
control (:func:`synthetic_control`) and comparison tables (:func:`compare`).
"""

from cchc_research.models.results import EstimationResults
from cchc_research.models.twfe import TWFEResults, twfe

__all__ = ["EstimationResults", "TWFEResults", "twfe"]
