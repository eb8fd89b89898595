"""Common results object for every estimator in :mod:`cchc_research.models`.

Modelled on linearmodels/pyfixest: named ``params``, ``std_errors``, ``tstats``,
``pvalues`` (pandas Series indexed by term), ``conf_int(level)``, ``tidy()``, ``nobs``,
a plain-words ``cov_description`` and a deterministic ``summary`` (no dates, times or
memory addresses, so nbval can compare it).

Examples
--------
>>> import pandas as pd
>>> from cchc_research.models.results import EstimationResults
>>> res = EstimationResults(
...     params=pd.Series({"x": 2.0}), std_errors=pd.Series({"x": 0.5}),
...     nobs=100, df_resid=98, cov_type="hetero",
...     cov_description="heteroskedasticity-robust (HC1)", model_name="OLS", outcome="y")
>>> float(res.tstats["x"])
4.0
>>> res.tidy()[["term", "estimate", "std_error"]].to_dict("records")
[{'term': 'x', 'estimate': 2.0, 'std_error': 0.5}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["EstimationResults", "TIDY_COLUMNS"]

TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]


@dataclass
class EstimationResults:
    """Estimates with their standard errors and the convention used to get them.

    Parameters
    ----------
    params, std_errors : pandas.Series
        Point estimates and standard errors, indexed by term name.
    nobs : int
        Number of observations used.
    cov_type : str
        Short code of the covariance (e.g. ``"cluster"``, ``"hetero"``, ``"HAC"``).
    cov_description : str
        The covariance in plain words, including its small-sample convention.
    df_resid : float, optional
        Degrees of freedom for t-based inference; ``None`` means normal-based inference.
    cov : pandas.DataFrame, optional
        Full variance-covariance matrix of ``params`` when available.
    pvalues : pandas.Series, optional
        Supply p-values computed otherwise (e.g. by bootstrap); default: from t/normal.
    model_name, outcome : str
        Used in summaries and comparison tables.
    extra : dict
        Other statistics (R², number of clusters, fixed effects, …) shown in summaries.
    """

    params: pd.Series
    std_errors: pd.Series
    nobs: int
    cov_type: str
    cov_description: str
    df_resid: float | None = None
    cov: pd.DataFrame | None = None
    pvalues_override: pd.Series | None = None
    model_name: str = "model"
    outcome: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.params = pd.Series(self.params, dtype=float)
        self.std_errors = pd.Series(self.std_errors, dtype=float).reindex(self.params.index)
        self.params.name = "parameter"
        self.std_errors.name = "std_error"

    # -- inference -------------------------------------------------------
    @property
    def tstats(self) -> pd.Series:
        """Estimate divided by its standard error."""
        return (self.params / self.std_errors).rename("statistic")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values (t with ``df_resid`` degrees of freedom, else normal)."""
        if self.pvalues_override is not None:
            return pd.Series(self.pvalues_override, dtype=float).reindex(self.params.index).rename("p_value")
        t = self.tstats.to_numpy()
        if self.df_resid is None:
            p = 2 * stats.norm.sf(np.abs(t))
        else:
            p = 2 * stats.t.sf(np.abs(t), self.df_resid)
        return pd.Series(p, index=self.params.index, name="p_value")

    def _critical_value(self, level: float) -> float:
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        q = 1 - (1 - level) / 2
        return float(stats.norm.ppf(q) if self.df_resid is None else stats.t.ppf(q, self.df_resid))

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals with columns ``lower`` and ``upper``."""
        c = self._critical_value(level)
        return pd.DataFrame(
            {"lower": self.params - c * self.std_errors, "upper": self.params + c * self.std_errors}
        )

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per term: term, estimate, std_error, statistic, p_value, ci_low, ci_high."""
        ci = self.conf_int(level)
        out = pd.DataFrame(
            {
                "term": self.params.index.astype(str),
                "estimate": self.params.to_numpy(),
                "std_error": self.std_errors.to_numpy(),
                "statistic": self.tstats.to_numpy(),
                "p_value": self.pvalues.to_numpy(),
                "ci_low": ci["lower"].to_numpy(),
                "ci_high": ci["upper"].to_numpy(),
            }
        )
        return out[TIDY_COLUMNS]

    # -- display -----------------------------------------------------------
    @property
    def summary(self) -> str:
        """Plain-text summary: deterministic, no timestamps or memory addresses."""
        lines = [
            f"{self.model_name}" + (f" — outcome: {self.outcome}" if self.outcome else ""),
            f"Observations: {self.nobs}",
            f"Covariance: {self.cov_description}",
        ]
        for key, value in self.extra.items():
            if isinstance(value, (int, float, np.integer, np.floating, str)):
                shown = f"{value:.6g}" if isinstance(value, (float, np.floating)) else str(value)
                lines.append(f"{key}: {shown}")
        if self.df_resid is not None:
            lines.append(f"Inference: t with {self.df_resid:g} degrees of freedom")
        else:
            lines.append("Inference: normal approximation")
        table = self.tidy().set_index("term")
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            lines.append(table.to_string(float_format=lambda v: f"{v:.6g}"))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model_name}: {len(self.params)} terms, nobs={self.nobs}>"
