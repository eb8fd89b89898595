"""Input checks and reshaping for staggered difference-in-differences.

Turns a long panel into the balanced wide arrays the estimators in
:mod:`cchc_research.models.did` use, applying R ``did``'s data rules (see
:func:`prepare_staggered_panel`) and raising the package's errors for bad input.

Examples
--------
>>> import pandas as pd
>>> from cchc_research.models.did_panel import prepare_staggered_panel
>>> df = pd.DataFrame({"u": [1, 1, 2, 2], "t": [1, 2, 1, 2], "y": [0.0, 1.0, 0.0, 0.5],
...                    "g": [2, 2, None, None]})
>>> p = prepare_staggered_panel(df, "y", "u", "t", "g")
>>> p.Y.tolist(), p.G.tolist()
([[0.0, 1.0], [0.0, 0.5]], [2.0, 0.0])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cchc_research.errors import (
    AlwaysTreatedWarning,
    MissingValuesError,
    ModelError,
    NoNeverTreatedError,
    UnbalancedPanelWarning,
)

__all__ = [
    "AlwaysTreatedWarning",
    "UnbalancedPanelWarning",
    "PreparedPanel",
    "prepare_staggered_panel",
]


@dataclass
class PreparedPanel:
    """Balanced wide panel: ``Y`` (units × periods), cohorts ``G`` (0 = never treated)."""

    Y: np.ndarray
    G: np.ndarray
    times: np.ndarray
    units: np.ndarray
    X: np.ndarray | None = None
    cluster_codes: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    def long(self) -> pd.DataFrame:
        """Long frame with columns ``unit``, ``time``, ``y``, ``cohort`` (unit-major order)."""
        n, T = self.Y.shape
        return pd.DataFrame(
            {
                "unit": np.repeat(np.arange(n), T),
                "time": np.tile(self.times, n),
                "y": self.Y.ravel(),
                "cohort": np.repeat(self.G, T),
            }
        )


def _require_columns(data: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ModelError(f"column(s) not in the data: {', '.join(map(repr, missing))}")


def prepare_staggered_panel(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    *,
    covariates: list[str] | None = None,
    cluster: str | None = None,
    anticipation: float = 0,
    control: str = "never_treated",
) -> PreparedPanel:
    """Check a long staggered-adoption panel and reshape it to balanced wide arrays.

    Rules (R ``did``'s ``pre_process_did``): a missing or 0 cohort means never treated; a
    cohort after the last period means never treated; units with a cohort at or before
    ``first period + anticipation`` are dropped (:class:`AlwaysTreatedWarning`); units not
    observed in every period are dropped (:class:`UnbalancedPanelWarning`). With
    ``control="not_yet_treated"`` (or ``"last_treated"``) and no never-treated unit, the
    periods from ``last cohort − anticipation`` on are dropped and the last cohort becomes
    the comparison group (recorded in ``notes``); ``"last_treated"`` always does so.
    ``control="any"`` skips the comparison-group checks (naive TWFE).

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel.
    outcome, unit, time, cohort : str
        Column names.
    covariates : list of str, optional
        Covariate columns, returned as ``X`` (units × periods × k).
    cluster : str, optional
        Column constant within unit; returned as integer ``cluster_codes``.
    anticipation : float
        Anticipation periods.
    control : str
        The comparison group requested.

    Returns
    -------
    PreparedPanel

    Raises
    ------
    MissingValuesError, NoNeverTreatedError, ModelError
        See :func:`cchc_research.models.did.staggered_did`.
    """
    covariates = list(covariates or [])
    extra = [cluster] if cluster is not None else []
    _require_columns(data, [outcome, unit, time, cohort, *covariates, *extra])
    df = data[[unit, time, cohort, outcome, *covariates, *extra]].copy()
    for col in [outcome, unit, time, *covariates, *extra]:
        n_missing = int(df[col].isna().sum())
        if n_missing:
            raise MissingValuesError(
                f"{n_missing} missing value(s) in column {col!r}; drop or impute them before estimating"
            )
    for col in [outcome, time, cohort, *covariates]:
        try:
            df[col] = pd.to_numeric(df[col]).astype(float)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"column {col!r} must be numeric") from exc
    df[cohort] = df[cohort].fillna(0.0)
    if (df[cohort] < 0).any():
        raise ModelError(f"column {cohort!r} has negative cohorts; use 0 or missing for never treated")
    if df.duplicated([unit, time]).any():
        dup = df.loc[df.duplicated([unit, time], keep=False), [unit, time]].iloc[0].tolist()
        raise ModelError(f"duplicate rows for unit {dup[0]!r} and period {dup[1]!r}")
    if (df.groupby(unit, sort=False)[cohort].nunique() > 1).any():
        raise ModelError(f"column {cohort!r} must be constant within each unit")
    if cluster is not None and (df.groupby(unit, sort=False)[cluster].nunique() > 1).any():
        raise ModelError(f"cluster column {cluster!r} must be constant within each unit")

    notes: list[str] = []
    times = np.sort(df[time].unique())
    if len(times) < 2:
        raise ModelError("at least two periods are needed")
    # a cohort after the last period is never treated within the sample
    df.loc[df[cohort] > times[-1], cohort] = 0.0
    early = (df[cohort] > 0) & (df[cohort] <= times[0] + anticipation)
    if early.any():
        n_early = df.loc[early, unit].nunique()
        warnings.warn(
            f"dropped {n_early} unit(s) already treated in the first period "
            f"(cohort <= {times[0] + anticipation:g}): they have no pre-treatment period",
            AlwaysTreatedWarning,
            stacklevel=3,
        )
        notes.append(f"{n_early} always-treated unit(s) dropped")
        df = df.loc[~early]

    counts = df.groupby(unit, sort=False)[time].size()
    incomplete = counts.index[counts < len(times)]
    if len(incomplete):
        warnings.warn(
            f"unbalanced panel: dropped {len(incomplete)} unit(s) not observed in all "
            f"{len(times)} periods (as R did with allow_unbalanced_panel=FALSE)",
            UnbalancedPanelWarning,
            stacklevel=3,
        )
        notes.append(f"{len(incomplete)} unit(s) dropped to balance the panel")
        df = df.loc[~df[unit].isin(incomplete)]

    unit_cohort = df.groupby(unit, sort=True)[cohort].first()
    if not (unit_cohort > 0).any():
        raise ModelError("no treated cohort in the data")
    no_never = not (unit_cohort == 0).any()
    if control == "last_treated" or (no_never and control == "not_yet_treated"):
        last = unit_cohort.max()
        if not ((unit_cohort > 0) & (unit_cohort < last)).any():
            raise ModelError(
                f"only one treated cohort ({last:g}): it cannot serve as the comparison group of itself"
            )
        df = df.loc[df[time] < last - anticipation].copy()
        df.loc[df[cohort] == last, cohort] = 0.0
        times = np.sort(df[time].unique())
        notes.append(
            f"periods >= {last - anticipation:g} dropped, last cohort {last:g} used as comparison"
        )
        if len(times) < 2:
            raise ModelError("fewer than two periods remain before the last cohort is treated")
    elif no_never and control == "never_treated":
        raise NoNeverTreatedError(
            "no never-treated unit: use control='not_yet_treated' (Callaway–Sant'Anna) "
            "or control='last_treated' (Sun–Abraham)"
        )

    df = df.sort_values([unit, time], kind="mergesort")
    units = df[unit].unique()
    n, T = len(units), len(times)
    Y = df[outcome].to_numpy(dtype=float).reshape(n, T)
    G = df.groupby(unit, sort=True)[cohort].first().reindex(units).to_numpy(dtype=float)
    X = None
    if covariates:
        X = df[covariates].to_numpy(dtype=float).reshape(n, T, len(covariates))
    codes = None
    if cluster is not None:
        codes = pd.factorize(df.groupby(unit, sort=True)[cluster].first().reindex(units), sort=True)[0]
    return PreparedPanel(Y=Y, G=G, times=times, units=units, X=X, cluster_codes=codes, notes=notes)
