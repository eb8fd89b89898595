"""Aggregated staggered-DiD results whose intervals come from a bootstrap or randomization.

:class:`DiDInferenceResults` is what
:meth:`cchc_research.models.did.StaggeredDiDResults.aggregate` returns for
``inference="multiplier"`` or ``"randomization"``: the same named ``params``,
``std_errors``, ``tidy()`` as every result, with ``conf_int(level)`` and ``pvalues`` taken
from the method (see :mod:`cchc_research.models.did_inference`) instead of the normal
approximation.

Examples
--------
>>> from cchc_research.models._did_dgp import simulate_staggered_panel
>>> from cchc_research.models.did import staggered_did
>>> res = staggered_did(simulate_staggered_panel(n_units=60, seed=3), outcome="y",
...                     unit="unit", time="time", cohort="cohort")
>>> agg = res.aggregate("simple", inference="randomization", B=199, seed=1)
>>> type(agg).__name__, agg.conf_int().columns.tolist()
('DiDInferenceResults', ['lower', 'upper'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from cchc_research.errors import ModelError
from cchc_research.models.did_inference import MultiplierBootstrap, RandomizationInference
from cchc_research.models.results import EstimationResults

__all__ = ["DiDInferenceResults"]


@dataclass(repr=False, eq=False)
class DiDInferenceResults(EstimationResults):
    """Aggregated DiD estimates with bootstrap or randomization intervals.

    Attributes
    ----------
    inference : str
        ``"multiplier"`` or ``"randomization"``.
    engine : MultiplierBootstrap or RandomizationInference
        The draws; intervals at any level are computed from them.
    uniform : bool
        Multiplier bootstrap only: simultaneous (sup-t) bands over all reported terms.
    """

    inference: str = "multiplier"
    engine: Any = None
    uniform: bool = False

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Intervals from the method: ``est ± c·se`` (multiplier) or test inversion (randomization)."""
        if not 0 < level < 1:
            raise ModelError(f"level must be in (0, 1), got {level!r}")
        if isinstance(self.engine, MultiplierBootstrap):
            c = self.engine.critical_value(level, uniform=self.uniform)
            return pd.DataFrame({"lower": self.params - c * self.std_errors,
                                 "upper": self.params + c * self.std_errors})
        if isinstance(self.engine, RandomizationInference):
            ci = self.engine.conf_int(level)
            return pd.DataFrame({"lower": ci[:, 0], "upper": ci[:, 1]}, index=self.params.index)
        return super().conf_int(level)

    @property
    def pvalues(self) -> pd.Series:
        """Randomization p-values of a zero effect, or normal p-values with the bootstrap SE."""
        if isinstance(self.engine, RandomizationInference):
            return pd.Series(self.engine.pvalues, index=self.params.index, name="p_value")
        return super().pvalues

    def _critical_value(self, level: float) -> float:  # used by EstimationResults helpers
        if isinstance(self.engine, MultiplierBootstrap):
            return self.engine.critical_value(level, uniform=self.uniform)
        return super()._critical_value(level)
