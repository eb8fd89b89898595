"""Staggered difference-in-differences: Callaway–Sant'Anna and Sun–Abraham.

:func:`staggered_did` estimates the group-time average treatment effects ATT(g, t) of a
staggered adoption design and aggregates them (:meth:`StaggeredDiDResults.aggregate`).

Conventions (all stated in every result's ``cov_description``):

* ``method="callaway_santanna"`` reproduces R ``did::att_gt`` (Callaway & Sant'Anna 2021)
  without covariates to machine precision — checked on ``mpdta`` in
  ``tests/models/reference/test_ref_did.py``. With ``covariates`` it is the outcome-regression
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

from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import ModelError
from cchc_research.models.did_aggregate import (
    aggregate_cells,
    aggregated_influence,
    aggregation_matrix,
    format_period,
)
from cchc_research.models.did_common import cells_frame, clean_se
from cchc_research.models.did_cs import group_time_effects
from cchc_research.models.did_inference import (
    cs_cell_weights,
    multiplier_bootstrap,
    randomization_inference,
    sa_cell_weights,
    treatment_indicator,
    unit_variance,
)
from cchc_research.models.did_results import DiDInferenceResults
from cchc_research.models.did_panel import (
    AlwaysTreatedWarning,
    PreparedPanel,
    UnbalancedPanelWarning,
    prepare_staggered_panel,
)
from cchc_research.models.did_sunab import sun_abraham_cells
from cchc_research.models._validation import check_model_input
from cchc_research.models.results import EstimationResults

__all__ = [
    "AlwaysTreatedWarning",
    "UnbalancedPanelWarning",
    "StaggeredDiDResults",
    "staggered_did",
]

#: Why a DiD result has no fitted values or predictions.
_NO_PREDICTION = "its estimates are averages of group-time effects, not a regression of the outcome on rows"
_METHODS = ("callaway_santanna", "sun_abraham")
#: Inference methods of :meth:`StaggeredDiDResults.aggregate`.
INFERENCE = ("analytic", "cell_variance", "multiplier", "randomization")


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

    def aggregate(
        self,
        kind: str = "simple",
        *,
        inference: str = "analytic",
        B: int = 999,
        seed: int | None = DEFAULT_SEED,
        weights: str = "mammen",
        uniform: bool = False,
    ) -> EstimationResults:
        """Aggregate the ATT(g, t) cells.

        Parameters
        ----------
        kind : {"simple", "group", "dynamic", "calendar"}
            ``"simple"``: one ``ATT`` (group-size-weighted mean of post-treatment cells);
            ``"group"``: ``g=…`` per cohort; ``"dynamic"``: ``e=…`` per event time
            (pre-treatment included); ``"calendar"``: ``t=…`` per period. All but
            ``"simple"`` also report an overall ``ATT`` first (as R ``did::aggte``).
        inference : {"analytic", "cell_variance", "multiplier", "randomization"}
            ``"analytic"``: influence-function (Callaway–Sant'Anna) or delta-method
            (Sun–Abraham) standard errors, normal intervals. ``"cell_variance"`` (no
            covariates, no ``cluster``): ``Var = Σ W² σ²`` with the estimate's linear
            weights ``W`` and independent cell errors of variance ``a_unit·b_period``
            estimated on the untreated cells
            (:func:`~cchc_research.models.did_inference.unit_variance`), normal intervals
            — valid when one late unit is the only comparison. ``"multiplier"``
            (Callaway–Sant'Anna): R ``did``'s multiplier bootstrap of the influence
            functions by unit (or ``cluster``) —
            :func:`~cchc_research.models.did_inference.multiplier_bootstrap`.
            ``"randomization"`` (no covariates, no ``cluster``): randomization inference
            over rollout dates, studentized —
            :func:`~cchc_research.models.did_inference.randomization_inference`; its
            ``std_errors`` are the unit-variance standard errors that studentize it.
        B : int, default 999
            Bootstrap draws or permutations.
        seed : int, optional
            Seed of the draws.
        weights : {"mammen", "rademacher"}
            Multiplier weights.
        uniform : bool, default False
            Multiplier bootstrap: simultaneous (sup-t) bands over the reported terms
            instead of pointwise intervals (R ``did``'s ``cband=TRUE``).

        Returns
        -------
        EstimationResults
            :class:`~cchc_research.models.did_results.DiDInferenceResults` for the
            bootstrap and randomization methods.

        Raises
        ------
        ModelError
            Unknown ``kind`` or ``inference``; a method not available for this fit.

        Examples
        --------
        >>> from cchc_research.models._did_dgp import simulate_staggered_panel
        >>> res = staggered_did(simulate_staggered_panel(n_units=200, seed=3),
        ...                     outcome="y", unit="unit", time="time", cohort="cohort")
        >>> res.aggregate("dynamic").params.index[:3].tolist()
        ['ATT', 'e=-4', 'e=-3']
        >>> res.aggregate("simple", inference="multiplier", seed=1).cov_type
        'multiplier-bootstrap'
        """
        if inference not in INFERENCE:
            raise ModelError(f"unknown inference {inference!r}; choose one of {', '.join(INFERENCE)}")
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
        se = pd.Series(clean_se(np.sqrt(np.clip(np.diag(cov.to_numpy()), 0, None))), index=est.index)
        weighting = "fixed cohort-share weights (delta method)" if self.method == "sun_abraham" else (
            "estimated group-share weights, their sampling error included (R did::aggte)"
        )
        common = dict(
            params=est,
            nobs=self.nobs,
            df_resid=None,
            model_name=f"{self.model_name} — {kind} aggregation",
            outcome=self.outcome,
            extra={k: v for k, v in self.extra.items() if k != "Cells"} | {"Aggregation": kind},
            prediction_note=_NO_PREDICTION,
        )
        if inference == "analytic":
            return EstimationResults(
                std_errors=se, cov_type=self.cov_type, cov=cov,
                cov_description=f"{self.cov_description}; aggregated with {weighting}", **common)
        if inference == "multiplier":
            return self._multiplier(kind, B, seed, weights, uniform, weighting, common)
        if inference == "cell_variance":
            W, _, panel = self._term_weights(kind)
            treated = treatment_indicator(panel.G, panel.times, self.agg_inputs.get("anticipation", 0))
            var, _ = unit_variance(panel.Y, treated == 0, W)
            desc = ("independent cell errors with unit × period variances a_i·b_t estimated from a "
                    "two-way fixed-effects fit on the untreated cells (leverage-corrected moments), "
                    f"Var = Σ W²·σ² over the estimate's linear weights W, normal intervals; aggregated with {weighting}")
            return EstimationResults(
                std_errors=pd.Series(clean_se(np.sqrt(var)), index=common["params"].index),
                cov_type="cell-variance", cov=None, cov_description=desc, **common)
        return self._randomization(kind, B, seed, weighting, common)

    def _term_weights(self, kind):
        a = self.agg_inputs
        if "cell_weights" not in a or a.get("cluster_codes") is not None:
            raise ModelError("this inference needs an estimator linear in the outcome and units as the "
                             "assignment level: not available with covariates or cluster=")
        M = aggregation_matrix(kind, a["group"], a["time"], a["shares"])
        return np.einsum("kc,cit->kit", M.to_numpy(), a["cell_weights"]()), M, a["panel"]

    def _multiplier(self, kind, B, seed, weights, uniform, weighting, common) -> DiDInferenceResults:
        a = self.agg_inputs
        if a.get("influence") is None:
            raise ModelError("inference='multiplier' needs influence functions: use "
                             "method='callaway_santanna' (or inference='randomization')")
        _, _, psi = aggregated_influence(kind, a["group"], a["time"], a["att"], shares=a["shares"],
                                         influence=a["influence"], unit_group=a["unit_group"])
        mb = multiplier_bootstrap(psi, B, weights=weights, seed=seed, cluster_codes=a.get("cluster_codes"))
        by = "unit" if a.get("cluster_codes") is None else "cluster"
        band = "uniform (sup-t) bands" if uniform else "pointwise normal critical value"
        desc = (f"multiplier bootstrap of the influence functions by {by} (R did::mboot: {weights} "
                f"weights, B={mb.B}, seed {seed}, SE = bootstrap IQR / 1.349, {band}); "
                f"aggregated with {weighting}")
        return DiDInferenceResults(
            std_errors=pd.Series(clean_se(mb.std_errors), index=common["params"].index),
            cov_type="multiplier-bootstrap", cov_description=desc, inference="multiplier",
            engine=mb, uniform=bool(uniform), **common)

    def _randomization(self, kind, B, seed, weighting, common) -> DiDInferenceResults:
        a = self.agg_inputs
        W, M, panel = self._term_weights(kind)
        # the constant-effect null of each term shifts the cells that term averages
        cells = list(zip(a["group"], a["time"]))
        D = np.zeros_like(W)
        for k in range(M.shape[0]):
            for c in np.flatnonzero(M.to_numpy()[k] != 0):
                g, t = cells[c]
                D[k][np.ix_(panel.G == g, panel.times == t)] = 1.0
        treated = treatment_indicator(panel.G, panel.times, a.get("anticipation", 0))
        ri = randomization_inference(panel.Y, panel.G, W, D, treated == 0, B=B, seed=seed)
        desc = (f"randomization inference over rollout dates: cohorts permuted across units "
                f"(B={ri.B} permutations, seed {seed}), statistic studentized by unit × period "
                f"variances (independent cell errors, from untreated cells), constant-effect "
                f"null inverted exactly; std_errors are those cell-variance SEs; aggregated with {weighting}")
        return DiDInferenceResults(
            std_errors=pd.Series(clean_se(ri.std_errors), index=common["params"].index),
            cov_type="randomization", cov_description=desc, inference="randomization", engine=ri,
            **common)


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
    se = clean_se(np.sqrt(np.diag(cov)))
    frame = cells_frame(cells.group, cells.time, cells.att, se, cells.n_treated + cells.n_control)
    inputs = {
        "group": cells.group,
        "time": cells.time,
        "att": cells.att,
        "influence": psi,
        "unit_group": panel.G,
        "cluster_codes": panel.cluster_codes,
    }
    if panel.X is None:  # linear in the outcome: weights for randomization inference
        inputs["cell_weights"] = lambda: cs_cell_weights(
            panel.G, panel.times, group=cells.group, time=cells.time, base=cells.base,
            control=control, anticipation=anticipation)
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
    check_model_input(data, "staggered_did", numeric=[outcome, *(covariates or [])], other=[cluster], time=time, numeric_time=True, key=(unit, time), unit=unit, cohort=cohort)
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
        frame, inputs, cov = sun_abraham_cells(panel, anticipation)
        inputs["cell_weights"] = lambda: sa_cell_weights(inputs["design"], *panel.Y.shape)
        model_name = "Sun–Abraham interaction-weighted CATT(g,t)"
        cov_type = "cluster"
        cov_description = (
            "cluster-robust by unit (CR1, fixest small-sample correction G/(G-1)·(N-1)/(N-K))"
        )
    inputs["shares"] = shares
    inputs["panel"] = panel
    inputs["anticipation"] = anticipation
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
        prediction_note=_NO_PREDICTION,
        att_gt=frame,
        method=method,
        agg_inputs=inputs,
    )
