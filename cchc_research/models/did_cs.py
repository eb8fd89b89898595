"""Callaway & Sant'Anna (2021) group-time average treatment effects with influence functions.

The computational core behind :func:`cchc_research.models.did.staggered_did` with
``method="callaway_santanna"``. It works on a *balanced* wide panel (units × periods) and
returns, for every group-time cell, the ATT(g, t), the number of units used and the
influence function of every unit — the same quantities R's ``did::att_gt`` computes
with ``est_method="reg"`` (identical to its default ``"dr"`` when there are no
covariates).

For one cell with treated group ``g``, evaluation period ``t`` and base period ``b``,
with ``dY = Y_t − Y_b``, ``D`` the indicator of group ``g`` and ``C`` the comparison units,
the outcome-regression estimator is (Sant'Anna & Zhao 2020, eq. 2.2)

    ATT(g, t) = mean(dY | D = 1) − mean(X β̂ | D = 1),   β̂ = OLS of dY on X among C,

with ``X`` = an intercept (plus base-period covariates, if given). The influence function
is that of ``DRDID::reg_did_panel``, rescaled to the full sample of ``n`` units as in
``did::compute.att_gt`` (``n / n1`` times the within-cell influence function, zero outside
the cell), so that ``Var(ATT) = Σ_i ψ_i² / n²``.

Examples
--------
>>> import numpy as np
>>> from cchc_research.models.did_cs import group_time_effects
>>> Y = np.array([[0.0, 1.0], [0.0, 3.0], [1.0, 1.0], [1.0, 2.0]])
>>> G = np.array([2.0, 2.0, 0.0, 0.0])
>>> cells = group_time_effects(Y, G, times=np.array([1.0, 2.0]))
>>> float(cells.att[0])  # mean change of the treated (2) minus that of the controls (0.5)
1.5
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cchc_research.errors import CollinearityError

__all__ = ["GroupTimeCells", "group_time_effects"]


@dataclass
class GroupTimeCells:
    """Raw output of :func:`group_time_effects` (one entry per group-time cell).

    Attributes
    ----------
    group, time, base : numpy.ndarray
        Treated cohort, evaluation period and base (comparison) period of each cell.
    att : numpy.ndarray
        ATT(g, t); exactly 0 for the reference cell of a universal base period.
    n_treated, n_control : numpy.ndarray
        Units in the treated group and in the comparison group of each cell.
    influence : numpy.ndarray
        ``n_units × n_cells`` influence functions, scaled so that ``Var = Σ ψ² / n²``.
    """

    group: np.ndarray
    time: np.ndarray
    base: np.ndarray
    att: np.ndarray
    n_treated: np.ndarray
    n_control: np.ndarray
    influence: np.ndarray


def _cell_influence(
    dy: np.ndarray, treated: np.ndarray, control: np.ndarray, X: np.ndarray | None
) -> tuple[float, np.ndarray]:
    """ATT and within-cell influence function of the outcome-regression DiD estimator."""
    keep = treated | control
    d = treated[keep].astype(float)
    y = dy[keep]
    n1 = keep.sum()
    if X is None:
        Z = np.ones((n1, 1))
    else:
        Z = np.column_stack([np.ones(n1), X[keep]])
    w0 = 1.0 - d
    # OLS of dY on Z among the comparison units
    ZtZ = (Z * w0[:, None]).T @ Z
    if np.linalg.matrix_rank(ZtZ) < ZtZ.shape[0]:
        raise CollinearityError(
            "covariates are collinear (or constant) among the comparison units of a group-time cell"
        )
    beta = np.linalg.solve(ZtZ, (Z * w0[:, None]).T @ y)
    fitted = Z @ beta
    p = d.mean()
    eta_treat = np.mean(d * y) / p
    eta_cont = np.mean(d * fitted) / p
    att = eta_treat - eta_cont
    inf_treat = (d * y - d * eta_treat) / p
    inf_cont_1 = d * fitted - d * eta_cont
    asy_lin_rep = (w0 * (y - fitted))[:, None] * Z @ np.linalg.inv(ZtZ / n1)
    m1 = (d[:, None] * Z).mean(axis=0)
    inf_cont_2 = asy_lin_rep @ m1
    inf_control = (inf_cont_1 + inf_cont_2) / p
    return float(att), inf_treat - inf_control


def group_time_effects(
    Y: np.ndarray,
    G: np.ndarray,
    times: np.ndarray,
    *,
    control: str = "never_treated",
    anticipation: int | float = 0,
    base_period: str = "varying",
    X: np.ndarray | None = None,
) -> GroupTimeCells:
    """Compute every ATT(g, t) and its influence function on a balanced wide panel.

    Parameters
    ----------
    Y : numpy.ndarray
        ``n_units × n_periods`` outcomes, columns ordered as ``times``.
    G : numpy.ndarray
        First treated period of each unit; 0 for never treated. Cohorts must be later
        than ``times[0] + anticipation`` (earlier ones are removed by the caller).
    times : numpy.ndarray
        Sorted distinct periods.
    control : {"never_treated", "not_yet_treated"}
        Comparison group: units never treated, or units not yet treated by
        ``max(t, base) + anticipation`` (never-treated included), as in R ``did``.
    anticipation : int or float
        Number of periods before ``g`` in which units may already react.
    base_period : {"varying", "universal"}
        ``"varying"``: pre-treatment cells compare ``t`` with the period before it;
        ``"universal"``: every cell compares with ``g − 1 − anticipation``.
    X : numpy.ndarray, optional
        ``n_units × n_periods × k`` covariates; each cell uses their values in its base
        period, as R ``did`` does for panel data.

    Returns
    -------
    GroupTimeCells

    Raises
    ------
    CollinearityError
        Covariates collinear among the comparison units of a cell.

    Examples
    --------
    >>> import numpy as np
    >>> Y = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    >>> cells = group_time_effects(Y, np.array([2.0, 3.0, 0.0]), np.array([1.0, 2.0, 3.0]))
    >>> [(float(g), float(t)) for g, t in zip(cells.group, cells.time)]
    [(2.0, 2.0), (2.0, 3.0), (3.0, 2.0), (3.0, 3.0)]
    """
    n, n_t = Y.shape
    groups = np.unique(G[G > 0])
    rows: list[tuple] = []
    for g in groups:
        treated = G == g
        pre_idx = np.flatnonzero(times + anticipation < g)
        ref = pre_idx[-1]  # last period before (anticipated) treatment
        if base_period == "varying":
            eval_idx = range(1, n_t)
        else:
            eval_idx = range(0, n_t)
        for j in eval_idx:
            t = times[j]
            post = g <= t
            b = ref if (base_period == "universal" or post) else j - 1
            if base_period == "universal" and j == ref:
                rows.append((g, t, times[b], 0.0, int(treated.sum()), 0, np.zeros(n)))
                continue
            if control == "never_treated":
                ctrl = G == 0
            else:
                horizon = max(times[j], times[b]) + anticipation
                ctrl = (G == 0) | ((G > horizon) & (G != g))
            n_c = int(ctrl.sum())
            if n_c == 0:
                continue  # no comparison units left for this cell (R did skips it too)
            dy = Y[:, j] - Y[:, b]
            att, psi_cell = _cell_influence(dy, treated, ctrl, None if X is None else X[:, b, :])
            keep = treated | ctrl
            psi = np.zeros(n)
            psi[keep] = (n / keep.sum()) * psi_cell
            rows.append((g, t, times[b], att, int(treated.sum()), n_c, psi))
    if not rows:
        return GroupTimeCells(*(np.empty(0) for _ in range(6)), influence=np.empty((n, 0)))
    return GroupTimeCells(
        group=np.array([r[0] for r in rows], dtype=float),
        time=np.array([r[1] for r in rows], dtype=float),
        base=np.array([r[2] for r in rows], dtype=float),
        att=np.array([r[3] for r in rows], dtype=float),
        n_treated=np.array([r[4] for r in rows], dtype=int),
        n_control=np.array([r[5] for r in rows], dtype=int),
        influence=np.column_stack([r[6] for r in rows]),
    )
