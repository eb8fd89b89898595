"""Staggered difference-in-differences: Callaway–Sant'Anna and Sun–Abraham.

:func:`staggered_did` estimates the group-time average treatment effects ATT(g, t) of a
staggered adoption design and aggregates them (:meth:`StaggeredDiDResults.aggregate`).

Conventions (all stated in every result's ``cov_description``):

* ``method="callaway_santanna"`` reproduces R ``did::att_gt`` (Callaway & Sant'Anna 2021)
  without covariates to machine precision — checked on ``mpdta`` in
  ``tests/reference/test_ref_did.py``. With ``covariates`` it is the outcome-regression
  estimator (R ``est_method="reg"``), not R's default doubly robust one. Standard errors are
  analytic, from the influence function, pointwise (R ``did`` reports a multiplier
  bootstrap and uniform bands by default; ``bstrap=FALSE, cband=FALSE`` gives ours). They
  are clustered by unit (equivalently: unclustered, since the influence function is per
  unit); ``cluster=`` sums the influence function within a coarser grouping instead.
* ``method="sun_abraham"`` is the interaction-weighted estimator (Sun & Abraham 2021):
  a saturated cohort × relative-period regression with unit and time fixed effects
  (pyfixest ``feols``), standard errors clustered by unit with fixest's small-sample
  correction, aggregated with cohort-share weights held fixed (as ``fixest::aggregate``).
* Data rules, as in R ``did``: units whose cohort is at or before the first period (plus
  anticipation) are dropped with :class:`AlwaysTreatedWarning`; a cohort after the last
  period counts as never treated; an unbalanced panel is balanced by dropping the units
  not observed in every period, with :class:`UnbalancedPanelWarning`
  (``allow_unbalanced_panel=FALSE``); a missing outcome is a :class:`MissingValuesError`.

Examples
--------
>>> from cchc_research.models._did_dgp import simulate_staggered_panel
>>> from cchc_research.models.did import staggered_did
>>> df = simulate_staggered_panel(n_units=300, seed=1)
>>> res = staggered_did(df, outcome="y", unit="unit", time="time", cohort="cohort")
>>> list(res.att_gt.columns)
['group', 'time', 'att', 'std_error', 'ci_low', 'ci_high', 'n']
>>> res.aggregate("simple").params.index.tolist()
['ATT']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cchc_research.errors import ModelError
from cchc_research.models.did_aggregate import aggregate_cells, format_period
from cchc_research.models.did_cs import group_time_effects
from cchc_research.models.did_panel import (
    AlwaysTreatedWarning,
    PreparedPanel,
    UnbalancedPanelWarning,
    prepare_staggered_panel,
)
from cchc_research.models.results import EstimationResults

__all__ = [
    "AlwaysTreatedWarning",
    "UnbalancedPanelWarning",
    "StaggeredDiDResults",
    "staggered_did",
]

_METHODS = ("callaway_santanna", "sun_abraham")
_TINY_SE = np.sqrt(np.finfo(float).eps) * 10  # R did reports NA below this


def _clean_se(se: np.ndarray) -> np.ndarray:
    se = np.asarray(se, dtype=float).copy()
    se[se <= _TINY_SE] = np.nan
    return se


@dataclass(repr=False, eq=False)
class StaggeredDiDResults(EstimationResults):
    """Group-time average treatment effects and their aggregations.

    ``params`` / ``std_errors`` are the ATT(g, t) cells, named ``ATT(g,t)``; ``att_gt`` is
    the same as a table (group, time, att, std_error, ci_low, ci_high, n), with a pointwise
    95% interval. Use :meth:`aggregate` for summary parameters.
    """

    att_gt: pd.DataFrame = field(default_factory=pd.DataFrame)
    method: str = "callaway_santanna"
    agg_inputs: dict[str, Any] = field(default_factory=dict)

    def aggregate(self, kind: str = "simple") -> EstimationResults:
        """Aggregate the ATT(g, t) cells.

        Parameters
        ----------
        kind : {"simple", "group", "dynamic", "calendar"}
            ``"simple"``: one ``ATT`` (group-size-weighted mean of post-treatment cells);
            ``"group"``: ``g=…`` per cohort; ``"dynamic"``: ``e=…`` per event time
            (pre-treatment included); ``"calendar"``: ``t=…`` per period. All but
            ``"simple"`` also report an overall ``ATT`` first (as R ``did::aggte``).

        Returns
        -------
        EstimationResults
            Normal-based inference with analytic (influence-function or delta-method)
            standard errors.

        Raises
        ------
        ModelError
            Unknown ``kind``.

        Examples
        --------
        >>> from cchc_research.models._did_dgp import simulate_staggered_panel
        >>> res = staggered_did(simulate_staggered_panel(n_units=200, seed=3),
        ...                     outcome="y", unit="unit", time="time", cohort="cohort")
        >>> res.aggregate("dynamic").params.index[:3].tolist()
        ['ATT', 'e=-4', 'e=-3']
        """
        a = self.agg_inputs
        est, cov = aggregate_cells(
            kind,
            a["group"],
            a["time"],
            a["att"],
            shares=a["shares"],
            influence=a.get("influence"),
            unit_group=a.get("unit_group"),
            cluster_codes=a.get("cluster_codes"),
            cell_cov=a.get("cell_cov"),
        )
        se = pd.Series(_clean_se(np.sqrt(np.clip(np.diag(cov.to_numpy()), 0, None))), index=est.index)
        weighting = "fixed cohort-share weights (delta method)" if self.method == "sun_abraham" else (
            "estimated group-share weights, their sampling error included (R did::aggte)"
        )
        return EstimationResults(
            params=est,
            std_errors=se,
            nobs=self.nobs,
            cov_type=self.cov_type,
            cov_description=f"{self.cov_description}; aggregated with {weighting}",
            df_resid=None,
            cov=cov,
            model_name=f"{self.model_name} — {kind} aggregation",
            outcome=self.outcome,
            extra={k: v for k, v in self.extra.items() if k != "Cells"} | {"Aggregation": kind},
        )


def _cells_frame(group, time, att, se, n) -> pd.DataFrame:
    z = stats.norm.ppf(0.975)
    return pd.DataFrame(
        {
            "group": group,
            "time": time,
            "att": att,
            "std_error": se,
            "ci_low": att - z * se,
            "ci_high": att + z * se,
            "n": np.asarray(n, dtype=int),
        }
    )


def _callaway_santanna(
    panel: PreparedPanel, control: str, anticipation: float, base_period: str
) -> tuple[pd.DataFrame, dict[str, Any], np.ndarray]:
    cells = group_time_effects(
        panel.Y,
        panel.G,
        panel.times,
        control=control,
        anticipation=anticipation,
        base_period=base_period,
        X=panel.X,
    )
    n = panel.Y.shape[0]
    psi = cells.influence
    if panel.cluster_codes is not None:
        S = np.zeros((int(panel.cluster_codes.max()) + 1, psi.shape[1]))
        np.add.at(S, panel.cluster_codes, psi)
    else:
        S = psi
    cov = S.T @ S / n**2
    se = _clean_se(np.sqrt(np.diag(cov)))
    frame = _cells_frame(cells.group, cells.time, cells.att, se, cells.n_treated + cells.n_control)
    inputs = {
        "group": cells.group,
        "time": cells.time,
        "att": cells.att,
        "influence": psi,
        "unit_group": panel.G,
        "cluster_codes": panel.cluster_codes,
    }
    return frame, inputs, cov


def staggered_did(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    method: str = "callaway_santanna",
    control: str = "never_treated",
    covariates: list[str] | None = None,
    anticipation: int = 0,
    base_period: str = "varying",
    cluster: str | None = None,
) -> StaggeredDiDResults:
    """Group-time ATTs for a staggered adoption design (Callaway–Sant'Anna or Sun–Abraham).

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel, one row per unit and period.
    outcome, unit, time : str
        Column names; ``time`` must be numeric (e.g. a year).
    cohort : str
        First treated period of each unit, constant within unit; missing or 0 = never
        treated.
    method : {"callaway_santanna", "sun_abraham"}
        Estimator (see the module docstring).
    control : {"never_treated", "not_yet_treated", "last_treated"}
        Comparison group. ``"not_yet_treated"`` (Callaway–Sant'Anna only) adds units not yet
        treated by the later of ``t`` and the base period (plus anticipation); without
        never-treated units the periods from the last cohort's adoption on are dropped
        and that cohort serves as comparison, as in R ``did``. ``"last_treated"``
        (Sun–Abraham only) uses the last-treated cohort, dropping the periods from its
        adoption on.
    covariates : list of str, optional
        Callaway–Sant'Anna only: conditioning covariates, valued at each cell's base
        period (outcome-regression estimator).
    anticipation : int, default 0
        Periods before adoption in which units may already react.
    base_period : {"varying", "universal"}
        Callaway–Sant'Anna only; as R ``did``.
    cluster : str, optional
        Callaway–Sant'Anna only: a column constant within unit (e.g. province of a
        district) within which influence functions are summed. Default: by unit.

    Returns
    -------
    StaggeredDiDResults

    Raises
    ------
    NoNeverTreatedError
        ``control="never_treated"`` but every unit is eventually treated.
    MissingValuesError
        Missing outcome, unit, time or covariate values.
    ModelError
        Unknown option, duplicate unit-period rows, a cohort that varies within a unit, no
        treated cohort, or fewer than two periods.

    Examples
    --------
    >>> from cchc_research.models._did_dgp import simulate_staggered_panel
    >>> df = simulate_staggered_panel(n_units=300, seed=2)
    >>> res = staggered_did(df, outcome="y", unit="unit", time="time", cohort="cohort",
    ...                     control="not_yet_treated")
    >>> res.att_gt[["group", "time"]].head(2).to_dict("records")
    [{'group': 4.0, 'time': 2.0}, {'group': 4.0, 'time': 3.0}]
    """
    if method not in _METHODS:
        raise ModelError(f"unknown method {method!r}; choose one of {', '.join(_METHODS)}")
    allowed = ("never_treated", "not_yet_treated") if method == "callaway_santanna" else (
        "never_treated", "last_treated")
    if control not in allowed:
        raise ModelError(f"control={control!r} is not available for method={method!r}; use one of {allowed}")
    if base_period not in ("varying", "universal"):
        raise ModelError(f"base_period must be 'varying' or 'universal', got {base_period!r}")
    if method == "sun_abraham" and (covariates or cluster is not None or base_period != "varying"):
        raise ModelError("sun_abraham supports neither covariates, cluster= nor base_period='universal'")
    if anticipation < 0:
        raise ModelError(f"anticipation must be >= 0, got {anticipation!r}")
    panel = prepare_staggered_panel(
        data, outcome, unit, time, cohort,
        covariates=covariates, cluster=cluster, anticipation=anticipation, control=control,
    )
    n_units = panel.Y.shape[0]
    shares = {g: float(np.mean(panel.G == g)) for g in np.unique(panel.G[panel.G > 0])}

    if method == "callaway_santanna":
        frame, inputs, cov = _callaway_santanna(panel, control, anticipation, base_period)
        model_name = "Callaway–Sant'Anna ATT(g,t)"
        cov_type = "influence" if cluster is None else "influence-cluster"
        by = "unit" if cluster is None else f"cluster {cluster!r}"
        cov_description = (
            f"analytic influence-function standard errors by {by} (no small-sample correction; "
            "pointwise, not R did's default bootstrap uniform bands)"
        )
    else:
        from cchc_research.models.did_sunab import sun_abraham_cells

        frame, inputs, cov = sun_abraham_cells(panel, anticipation)
        model_name = "Sun–Abraham interaction-weighted CATT(g,t)"
        cov_type = "cluster"
        cov_description = (
            "cluster-robust by unit (CR1, fixest small-sample correction G/(G-1)·(N-1)/(N-K))"
        )
    inputs["shares"] = shares
    if len(frame) == 0:
        raise ModelError("no group-time cell could be estimated (no comparison units left)")
    terms = [f"ATT({format_period(g)},{format_period(t)})" for g, t in zip(frame["group"], frame["time"])]
    inputs["cell_cov"] = cov
    notes = {
        "Method": method,
        "Comparison group": control,
        "Base period": base_period,
        "Anticipation": int(anticipation),
        "Units": n_units,
        "Periods": len(panel.times),
        "Groups": ", ".join(format_period(g) for g in sorted(shares)),
        "Cells": len(frame),
    }
    if panel.notes:
        notes["Data"] = "; ".join(panel.notes)
    return StaggeredDiDResults(
        params=pd.Series(frame["att"].to_numpy(), index=terms),
        std_errors=pd.Series(frame["std_error"].to_numpy(), index=terms),
        nobs=int(n_units * len(panel.times)),
        cov_type=cov_type,
        cov_description=cov_description,
        df_resid=None,
        cov=pd.DataFrame(cov, index=terms, columns=terms),
        model_name=model_name,
        outcome=outcome,
        extra=notes,
        att_gt=frame,
        method=method,
        agg_inputs=inputs,
    )
