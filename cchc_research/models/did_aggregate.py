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

__all__ = ["AGGREGATIONS", "aggregate_cells", "format_period"]

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


def _wif(keep: np.ndarray, pg: np.ndarray, unit_group: np.ndarray, cell_group: np.ndarray) -> np.ndarray:
    """Influence function of estimated group-share weights (R did's ``wif``)."""
    pgk = pg[keep]
    total = pgk.sum()
    ind = (unit_group[:, None] == cell_group[keep][None, :]).astype(float) - pgk[None, :]
    if1 = ind / total
    if2 = ind.sum(axis=1, keepdims=True) @ (pgk / total**2)[None, :]
    return if1 - if2


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
    if kind not in AGGREGATIONS:
        raise ModelError(f"unknown aggregation {kind!r}; choose one of {', '.join(AGGREGATIONS)}")
    if influence is None and cell_cov is None:
        raise ModelError("aggregation needs either influence functions or a covariance matrix")
    pg = np.array([shares[g] for g in group], dtype=float)
    post = group <= time
    if not post.any():
        raise ModelError("there is no post-treatment group-time cell to aggregate")
    n_cells = len(att)
    use_if = influence is not None

    # Each breakdown term k is a weight vector over cells (+ optional wif term).
    labels: list[str] = []
    weights: list[np.ndarray] = []
    wifs: list[np.ndarray | None] = []

    def add(label: str, keep: np.ndarray, w_keep: np.ndarray, with_wif: bool) -> None:
        w = np.zeros(n_cells)
        w[keep] = w_keep
        labels.append(label)
        weights.append(w)
        if use_if and with_wif:
            contrib = _wif(keep, pg, unit_group, group) @ att[keep]
            wifs.append(contrib)
        else:
            wifs.append(None)

    overall_mix: np.ndarray | None = None  # how ATT combines breakdown terms
    overall_wif = False
    glist = np.empty(0)
    if kind == "simple":
        keep = np.flatnonzero(post)
        add("ATT", keep, pg[keep] / pg[keep].sum(), True)
    elif kind == "group":
        glist = np.unique(group)
        glist = np.array([g for g in glist if np.any(post & (group == g))])
        for g in glist:
            keep = np.flatnonzero(post & (group == g))
            add(f"g={format_period(g)}", keep, np.full(len(keep), 1.0 / len(keep)), False)
        pgg = np.array([shares[g] for g in glist], dtype=float)
        overall_mix = pgg / pgg.sum()
        overall_wif = True
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

    W = np.vstack(weights)  # terms × cells
    est = W @ att
    if overall_mix is not None:
        est = np.concatenate([[overall_mix @ est], est])
        labels = ["ATT", *labels]

    if use_if:
        n = influence.shape[0]
        psi = influence @ W.T
        for k, contrib in enumerate(wifs):
            if contrib is not None:
                psi[:, k] += contrib
        if overall_mix is not None:
            psi_all = psi @ overall_mix
            if overall_wif:
                # group shares are estimated too (R did's ``selective.wif``)
                pgg = np.array([shares[g] for g in glist], dtype=float)
                psi_all = psi_all + _wif(np.arange(len(glist)), pgg, unit_group, glist) @ est[1:]
            psi = np.column_stack([psi_all, psi])
        if cluster_codes is not None:
            n_cl = int(cluster_codes.max()) + 1
            S = np.zeros((n_cl, psi.shape[1]))
            np.add.at(S, cluster_codes, psi)
        else:
            S = psi
        cov = S.T @ S / n**2
    else:
        if overall_mix is not None:
            W = np.vstack([overall_mix @ W, W])
        cov = W @ cell_cov @ W.T
    cov = np.atleast_2d(cov)
    return pd.Series(est, index=labels, dtype=float), pd.DataFrame(cov, index=labels, columns=labels)
