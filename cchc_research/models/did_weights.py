"""Implicit weights of the static two-way fixed-effects (TWFE) DiD coefficient.

By Frisch–Waugh–Lovell, the coefficient ``β`` of ``y ~ D | unit + time`` (one observation per
unit and period) is ``Σ D̃·y / Σ D̃·D``, with ``D̃`` the treatment ``D`` demeaned by unit and
period (:func:`cchc_research.models.demean.demean`). Under parallel trends it therefore
estimates ``Σ_{treated cells} w·τ`` with ``w = D̃ / Σ D̃·D``: the weights on treated cells sum
to one, and in staggered designs the cells of early cohorts late in the panel can get
*negative* weight (de Chaisemartin & D'Haultfœuille 2020, *AER* 110(9), Theorem 1;
Goodman-Bacon 2021). ``Σ w·y`` over every cell (treated and not) equals ``β`` exactly.

Examples
--------
>>> import pandas as pd
>>> panel = pd.DataFrame({"unit": list("aaaabbbb"), "t": [1, 2, 3, 4] * 2,
...                       "d": [0, 1, 1, 1, 0, 0, 1, 1]})  # a adopts in t=2, b in t=3
>>> w = twfe_weights(panel, "unit", "t", "d")
>>> w.loc[w["d"] == 1, "weight"].round(4).tolist()  # early adopter's late cells weigh < 0
[1.0, -0.3333, -0.3333, 0.3333, 0.3333]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_research.errors import InvalidArgumentError, MissingValuesError, ModelError
from cchc_research.models.demean import demean

__all__ = ["twfe_weights"]


def twfe_weights(panel: pd.DataFrame, unit: str, time: str, treatment: str,
                 outcome: str | None = None) -> pd.DataFrame:
    """Implicit weight of every cell in the static TWFE coefficient on ``treatment``.

    Parameters
    ----------
    panel : pandas.DataFrame
        A balanced panel: one row per ``unit`` × ``time`` cell, every cell present.
    unit, time : str
        Columns identifying the cell.
    treatment : str
        0/1 (or boolean) treatment indicator ``D``.
    outcome : str, optional
        Outcome column; when given, ``weighted_outcome = weight · outcome`` is added (its sum
        over all cells is the TWFE coefficient).

    Returns
    -------
    pandas.DataFrame
        ``panel`` (same index and row order) plus ``weight`` = ``D̃ / Σ D̃·D`` on every cell
        and, with ``outcome``, ``weighted_outcome``.

    Raises
    ------
    InvalidArgumentError
        A named column is missing.
    ModelError
        Unbalanced panel (a missing or duplicated cell), or a treatment that the fixed
        effects absorb (``Σ D̃·D = 0``: no variation within unit and period).
    MissingValuesError
        Missing treatment or outcome values.
    """
    named = [unit, time, treatment, *([outcome] if outcome is not None else [])]
    absent = [c for c in named if c not in panel.columns]
    if absent:
        raise InvalidArgumentError(f"column(s) not in the panel: {', '.join(absent)}")
    n_units, n_times = panel[unit].nunique(), panel[time].nunique()
    if len(panel) != n_units * n_times or panel.duplicated([unit, time]).any():
        raise ModelError("twfe_weights needs a balanced panel (one row per unit and period)")
    for col in named[2:]:
        if panel[col].isna().any():
            raise MissingValuesError(f"missing values in {col!r}")
    d = panel[treatment].to_numpy(dtype=float)
    d_tilde = demean(d, [panel[unit].to_numpy(), panel[time].to_numpy()])
    denom = float(np.sum(d_tilde * d))
    if abs(denom) < 1e-12 * max(1.0, float(np.sum(d * d))):
        raise ModelError(f"{treatment!r} does not vary within units and periods: the fixed "
                         "effects absorb it and the TWFE coefficient is not defined")
    out = panel.copy()
    out["weight"] = d_tilde / denom
    if outcome is not None:
        out["weighted_outcome"] = out["weight"].to_numpy() * panel[outcome].to_numpy(dtype=float)
    return out
