"""Aggregation of group-time effects into summary parameters (R ``did::aggte``).

Four aggregations of the ATT(g, t) cells, following Callaway & Sant'Anna (2021, sec. 3)
and the R ``did`` package's ``compute.aggte``:

``"simple"``
    ``ATT``: the post-treatment cells (``t ≥ g``) averaged with weights proportional to
    the group sizes.
``"group"``
    ``g=…``: each group's average over its post-treatment cells; ``ATT`` is their
    group-size-weighted average.
``"dynamic"``
    ``e=…``: for each event time ``e = t − g`` the group-size-weighted average of the
    cells with that event time (pre-treatment ``e`` included); ``ATT`` is the plain mean
    over ``e ≥ 0``.
``"calendar"``
    ``t=…``: for each period the group-size-weighted average of the groups already
    treated; ``ATT`` is the plain mean over periods.

Standard errors come either from unit-level influence functions — including the
estimation error of the group-share weights (R ``did``'s ``wif``), exactly as R ``did``
does for its analytic standard errors — or, when only a covariance matrix of the cells is
available (Sun & Abraham), from the delta method with the weights held fixed (as
``fixest::aggregate``).

Examples
--------
>>> import numpy as np
>>> from cchc_research.models.did_aggregate import aggregate_cells
>>> group = np.array([2.0, 2.0, 3.0]); time = np.array([2.0, 3.0, 3.0])
>>> att = np.array([1.0, 2.0, 4.0])
>>> est, cov = aggregate_cells("simple", group, time, att, shares={2.0: 0.25, 3.0: 0.25},
...                            cell_cov=np.eye(3))
>>> round(float(est["ATT"]), 10)  # (1·0.25 + 2·0.25 + 4·0.25) / 0.75
2.3333333333
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cchc_research.errors import ModelError

__all__ = ["AGGREGATIONS", "aggregate_cells", "aggregated_influence", "aggregation_matrix", "format_period", "weight_influence"]

AGGREGATIONS = ("simple", "group", "dynamic", "calendar")


def format_period(value: float) -> str:
    """Print a period or cohort without a trailing ``.0`` when it is integral.

    Examples
    --------
    >>> format_period(2004.0), format_period(-1.0), format_period(2.5)
    ('2004', '-1', '2.5')
    """
    v = float(value)
    return str(int(v)) if v.is_integer() else repr(v)


def weight_influence(keep: np.ndarray, pg: np.ndarray, unit_group: np.ndarray, cell_group: np.ndarray) -> np.ndarray:
    """Influence function of estimated group-share weights (R did's ``wif``).

    Parameters
    ----------
    keep : numpy.ndarray
        Indices of the cells aggregated.
    pg : numpy.ndarray
        Group share of every cell.
    unit_group, cell_group : numpy.ndarray
        Cohort of each unit; cohort of each cell.

    Returns
    -------
    numpy.ndarray
        ``n_units × len(keep)``; multiplied by the kept cells' ATTs it is the weights' term
        of the aggregated influence function (R ``did::wif``).
    """
    pgk = pg[keep]
    total = pgk.sum()
    ind = (unit_group[:, None] == cell_group[keep][None, :]).astype(float) - pgk[None, :]
    if1 = ind / total
    if2 = ind.sum(axis=1, keepdims=True) @ (pgk / total**2)[None, :]
    return if1 - if2


def _terms(kind: str, group: np.ndarray, time: np.ndarray, shares: Mapping[float, float]):
    """Breakdown terms of an aggregation: labels, cell weights, kept cells, wif flags, overall mix."""
    if kind not in AGGREGATIONS:
        raise ModelError(f"unknown aggregation {kind!r}; choose one of {', '.join(AGGREGATIONS)}")
    pg = np.array([shares[g] for g in group], dtype=float)
    post = group <= time
    if not post.any():
        raise ModelError("there is no post-treatment group-time cell to aggregate")
    n_cells = len(group)
    labels: list[str] = []
    weights: list[np.ndarray] = []
    keeps: list[np.ndarray] = []
    with_wif: list[bool] = []

    def add(label: str, keep: np.ndarray, w_keep: np.ndarray, wif: bool) -> None:
        w = np.zeros(n_cells)
        w[keep] = w_keep
        labels.append(label)
        weights.append(w)
        keeps.append(keep)
        with_wif.append(wif)

    overall_mix: np.ndarray | None = None  # how ATT combines breakdown terms
    glist = np.empty(0)
    if kind == "simple":
        keep = np.flatnonzero(post)
        add("ATT", keep, pg[keep] / pg[keep].sum(), True)
    elif kind == "group":
        glist = np.array([g for g in np.unique(group) if np.any(post & (group == g))])
        for g in glist:
            keep = np.flatnonzero(post & (group == g))
            add(f"g={format_period(g)}", keep, np.full(len(keep), 1.0 / len(keep)), False)
        pgg = np.array([shares[g] for g in glist], dtype=float)
        overall_mix = pgg / pgg.sum()
    elif kind == "dynamic":
        e = time - group
        eseq = np.unique(e)
        for ev in eseq:
            keep = np.flatnonzero(e == ev)
            add(f"e={format_period(ev)}", keep, pg[keep] / pg[keep].sum(), True)
        overall_mix = (eseq >= 0) / np.sum(eseq >= 0)
    else:  # calendar
        tlist = np.unique(time[post])
        for t in tlist:
            keep = np.flatnonzero(post & (time == t))
            add(f"t={format_period(t)}", keep, pg[keep] / pg[keep].sum(), True)
        overall_mix = np.full(len(tlist), 1.0 / len(tlist))
    return labels, np.vstack(weights), keeps, with_wif, overall_mix, glist, pg


def aggregation_matrix(
    kind: str, group: np.ndarray, time: np.ndarray, shares: Mapping[float, float]
) -> pd.DataFrame:
    """Weights of each aggregated term on the group-time cells (shares held at their values).

    Parameters
    ----------
    kind : {"simple", "group", "dynamic", "calendar"}
    group, time : numpy.ndarray
        One entry per cell.
    shares : mapping
        ``P(G = g)`` of each group.

    Returns
    -------
    pandas.DataFrame
        Terms × cells (``ATT`` first for every kind, as :func:`aggregate_cells`); each
        estimate is this matrix times the cell ATTs.

    Raises
    ------
    ModelError
        Unknown ``kind`` or no post-treatment cell.

    Examples
    --------
    >>> import numpy as np
    >>> m = aggregation_matrix("dynamic", np.array([2.0, 2.0]), np.array([1.0, 2.0]), {2.0: 0.5})
    >>> m.round(2).values.tolist(), m.index.tolist()
    ([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], ['ATT', 'e=-1', 'e=0'])
    """
    labels, W, _, _, overall_mix, _, _ = _terms(kind, np.asarray(group, float), np.asarray(time, float), shares)
    if overall_mix is not None:
        W = np.vstack([overall_mix @ W, W])
        labels = ["ATT", *labels]
    return pd.DataFrame(W, index=labels)


def aggregated_influence(
    kind: str,
    group: np.ndarray,
    time: np.ndarray,
    att: np.ndarray,
    *,
    shares: Mapping[float, float],
    influence: np.ndarray,
    unit_group: np.ndarray,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Aggregated estimates and their unit-level influence functions (R ``did::aggte``).

    Parameters
    ----------
    kind, group, time, att, shares
        As :func:`aggregate_cells`.
    influence : numpy.ndarray
        ``n_units × n_cells`` influence functions of the cells (``Var = Σ ψ² / n²``).
    unit_group : numpy.ndarray
        Cohort of each unit (0: never treated), for the group-share weights' term.

    Returns
    -------
    labels : list of str
    estimates : numpy.ndarray
    psi : numpy.ndarray
        ``n_units × n_terms`` influence functions, the estimation error of the group-share
        weights included (R ``did``'s ``wif``; ``selective.wif`` for the overall group ATT).

    Raises
    ------
    ModelError
        Unknown ``kind`` or no post-treatment cell.
    """
    labels, W, keeps, with_wif, overall_mix, glist, pg = _terms(kind, group, time, shares)
    est = W @ att
    psi = influence @ W.T
    for k, (keep, flag) in enumerate(zip(keeps, with_wif)):
        if flag:
            psi[:, k] += weight_influence(keep, pg, unit_group, group) @ att[keep]
    if overall_mix is not None:
        psi_all = psi @ overall_mix
        if kind == "group":
            # group shares are estimated too (R did's ``selective.wif``)
            pgg = np.array([shares[g] for g in glist], dtype=float)
            psi_all = psi_all + weight_influence(np.arange(len(glist)), pgg, unit_group, glist) @ est
        est = np.concatenate([[overall_mix @ est], est])
        labels = ["ATT", *labels]
        psi = np.column_stack([psi_all, psi])
    return labels, est, psi


def aggregate_cells(
    kind: str,
    group: np.ndarray,
    time: np.ndarray,
    att: np.ndarray,
    *,
    shares: Mapping[float, float],
    influence: np.ndarray | None = None,
    unit_group: np.ndarray | None = None,
    cluster_codes: np.ndarray | None = None,
    cell_cov: np.ndarray | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Aggregate ATT(g, t) cells; return estimates and their covariance matrix.

    Parameters
    ----------
    kind : {"simple", "group", "dynamic", "calendar"}
        Which aggregation (see the module docstring).
    group, time, att : numpy.ndarray
        One entry per cell.
    shares : mapping
        Share of units in each group (the weights ``P(G = g)``).
    influence : numpy.ndarray, optional
        ``n_units × n_cells`` influence functions (``Var = Σ ψ² / n²``). When given, the
        weight-estimation term is added and ``unit_group`` (each unit's cohort, 0 for never
        treated) is required.
    cluster_codes : numpy.ndarray, optional
        Integer cluster of each unit; influence functions are summed within clusters.
    cell_cov : numpy.ndarray, optional
        Covariance of the cells, used (with fixed weights) when ``influence`` is None.

    Returns
    -------
    estimates : pandas.Series
        ``ATT`` first, then the breakdown terms (``g=…``, ``e=…`` or ``t=…``).
    cov : pandas.DataFrame
        Their covariance matrix.

    Raises
    ------
    ModelError
        Unknown ``kind``, or no post-treatment cell to aggregate.
    """
    if influence is None and cell_cov is None:
        raise ModelError("aggregation needs either influence functions or a covariance matrix")
    if influence is not None:
        labels, est, psi = aggregated_influence(kind, group, time, att, shares=shares,
                                                influence=influence, unit_group=unit_group)
        n = influence.shape[0]
        if cluster_codes is not None:
            n_cl = int(cluster_codes.max()) + 1
            S = np.zeros((n_cl, psi.shape[1]))
            np.add.at(S, cluster_codes, psi)
        else:
            S = psi
        cov = S.T @ S / n**2
    else:
        M = aggregation_matrix(kind, group, time, shares)
        labels, est = list(M.index), M.to_numpy() @ att
        cov = M.to_numpy() @ cell_cov @ M.to_numpy().T
    cov = np.atleast_2d(cov)
    return pd.Series(est, index=labels, dtype=float), pd.DataFrame(cov, index=labels, columns=labels)
