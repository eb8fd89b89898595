"""Province × year fixed-effects building blocks shared by the PAPI and PCI analyses.

* :func:`select_panel` — rows of a window with every model column present; the
  province-years dropped (absent from the panel, or with a blank cell) are returned with the
  missing columns, never dropped silently.
* :func:`fit_twfe_bootstrap` — two-way fixed effects (province and year) with CR1 standard
  errors clustered by province (Stata/fixest convention G/(G−1)·(N−1)/(N−K), t(G−1)) and the
  restricted wild cluster bootstrap (Webb weights) of one slope.
* :func:`coefficient_table` — one row per fit.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from cchc_research.analysis.fe_panel import select_panel
>>> panel = pd.DataFrame({"geo_code": ["01", "01", "79", "79"], "geo_name": ["Hà Nội"] * 2 + ["TP HCM"] * 2,
...                       "year": [2018, 2019, 2018, 2019], "x": [1.0, 2.0, np.nan, 3.0]})
>>> sel = select_panel(panel, ["x"], 2018, 2019, units=["01", "79"])
>>> sel.n_used, sel.n_dropped
(3, 1)
>>> sel.dropped[["geo_code", "year", "reason"]].to_dict("records")
[{'geo_code': '79', 'year': 2018, 'reason': 'missing: x'}]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import FewClustersWarning, InvalidArgumentError, MissingValuesError
from cchc_research.geo import provinces
from cchc_research.models.bootstrap import wild_bootstrap
from cchc_research.models.twfe import twfe

__all__ = ["CI_LEVEL", "PanelSelection", "FitWithBootstrap", "select_panel", "fit_twfe_bootstrap",
           "coefficient_table", "check_years"]

#: Confidence level of every interval the province-panel studies report (CR1 and wild bootstrap).
CI_LEVEL = 0.95

_KEYS = ("geo_code", "geo_name", "year")


@dataclass(frozen=True)
class PanelSelection:
    """Complete-case province × year rows of a window, with what was dropped and why.

    Attributes
    ----------
    data : pandas.DataFrame
        ``geo_code``, ``geo_name``, ``year`` and the model columns, no missing value,
        sorted by province and year.
    dropped : pandas.DataFrame
        ``geo_code``, ``geo_name``, ``year``, ``reason`` — one row per province-year of the
        window that is not in ``data``, with ``reason = "missing: <cols>"`` (a province-year
        absent from the panel lists every column).
    columns : tuple of str
    start_year, end_year : int
    """

    data: pd.DataFrame
    dropped: pd.DataFrame
    columns: tuple[str, ...]
    start_year: int
    end_year: int

    @property
    def n_used(self) -> int:
        """Province-years kept."""
        return int(len(self.data))

    @property
    def n_dropped(self) -> int:
        """Province-years of the window dropped."""
        return int(len(self.dropped))

    def report(self) -> str:
        """One deterministic sentence per dropped province-year, headed by the counts."""
        total = self.n_used + self.n_dropped
        head = (f"{self.start_year}–{self.end_year}: {self.n_used} of {total} province-years used, "
                f"{self.n_dropped} dropped")
        if not self.n_dropped:
            return head + "."
        lines = [head + ":"]
        for r in self.dropped.itertuples(index=False):
            lines.append(f"  {r.geo_code} {r.geo_name} {r.year}: {r.reason}")
        return "\n".join(lines)


def _province_names() -> pd.Series:
    p = provinces()
    return pd.Series(p["name_vi"].to_numpy(), index=p["geo_code"].astype(str).to_numpy())


def check_years(start_year: int, end_year: int) -> None:
    if int(start_year) > int(end_year):
        raise InvalidArgumentError(f"start_year ({start_year}) is after end_year ({end_year})")


def select_panel(
    panel: pd.DataFrame,
    columns: Sequence[str],
    start_year: int,
    end_year: int,
    *,
    units: Sequence[str] | None = None,
) -> PanelSelection:
    """Rows of ``start_year``–``end_year`` with every column of ``columns`` present.

    Parameters
    ----------
    panel : pandas.DataFrame
        Wide province × year panel (``geo_code``, ``geo_name``, ``year`` and indicator columns),
        e.g. ``cchc_research.data.load_panel("province_year")``.
    columns : sequence of str
        Model columns that must be non-missing.
    start_year, end_year : int
        Inclusive window.
    units : sequence of str, optional
        The province codes expected in every year (default: the 63 provinces of
        :func:`cchc_research.geo.provinces`), so that a province-year absent from the panel is
        reported as dropped too.

    Returns
    -------
    PanelSelection

    Raises
    ------
    InvalidArgumentError
        A column is not in the panel, or ``start_year > end_year``.
    MissingValuesError
        No complete row is left.

    Examples
    --------
    >>> import pandas as pd
    >>> from cchc_research.analysis.fe_panel import select_panel
    >>> panel = pd.DataFrame({"geo_code": ["01"], "geo_name": ["Hà Nội"], "year": [2018], "x": [1.0]})
    >>> print(select_panel(panel, ["x"], 2018, 2019, units=["01"]).report())
    2018–2019: 1 of 2 province-years used, 1 dropped:
      01 Hà Nội 2019: missing: x
    """
    check_years(start_year, end_year)
    columns = list(dict.fromkeys(columns))
    absent = [c for c in [*_KEYS, *columns] if c not in panel.columns]
    if absent:
        raise InvalidArgumentError(f"column(s) not in the panel: {', '.join(absent)}")
    names = _province_names()
    codes = list(names.index) if units is None else [str(u) for u in units]
    years = list(range(int(start_year), int(end_year) + 1))
    grid = pd.MultiIndex.from_product([codes, years], names=["geo_code", "year"]).to_frame(index=False)
    sub = panel.loc[panel["year"].between(start_year, end_year), [*_KEYS, *columns]].copy()
    sub["geo_code"] = sub["geo_code"].astype(str)
    sub["year"] = sub["year"].astype(int)
    sub = sub[sub["geo_code"].isin(codes)]
    merged = grid.merge(sub.drop(columns="geo_name"), on=["geo_code", "year"], how="left", indicator=True)
    panel_names = sub.drop_duplicates("geo_code").set_index("geo_code")["geo_name"].astype(object)
    merged.insert(1, "geo_name", merged["geo_code"].map(panel_names).fillna(merged["geo_code"].map(names)))
    in_panel = merged.pop("_merge").eq("both").to_numpy()
    miss = merged[columns].isna()
    complete = in_panel & ~miss.any(axis=1).to_numpy()
    # A province-year absent from the panel is missing every column; it is reported the same way
    # as a row with blank cells, so the report does not depend on which other sources add rows.
    miss_arr = miss.to_numpy()
    reasons = [""] * len(merged)
    for i in (~complete).nonzero()[0]:  # only the dropped rows (few)
        reasons[i] = "missing: " + ", ".join(c for c, m in zip(columns, miss_arr[i]) if m)
    merged["reason"] = reasons
    dropped = merged.loc[~complete, ["geo_code", "geo_name", "year", "reason"]].reset_index(drop=True)
    data = merged.loc[complete, [*_KEYS, *columns]].reset_index(drop=True)
    if data.empty:
        raise MissingValuesError(f"no complete province-year in {start_year}–{end_year} for {', '.join(columns)}")
    return PanelSelection(data=data, dropped=dropped, columns=tuple(columns),
                          start_year=int(start_year), end_year=int(end_year))


@dataclass(frozen=True)
class FitWithBootstrap:
    """A two-way fixed-effects fit and its wild cluster bootstrap for one slope.

    Attributes
    ----------
    outcome, regressor : str
    twfe : cchc_research.models.TWFEResults
    bootstrap : cchc_research.models.WildBootstrapResults
    selection : PanelSelection
    """

    outcome: str
    regressor: str
    twfe: object
    bootstrap: object
    selection: PanelSelection

    def row(self) -> dict:
        """Estimate, CR1 SE/p-value/95% CI and bootstrap p-value/95% CI as plain floats."""
        t = self.twfe
        ci = t.conf_int(CI_LEVEL).loc[self.regressor]
        bci = self.bootstrap.conf_int(CI_LEVEL).loc[self.regressor]
        return {
            "outcome": self.outcome,
            "regressor": self.regressor,
            "estimate": float(t.params[self.regressor]),
            "std_error": float(t.std_errors[self.regressor]),
            "p_value": float(t.pvalues[self.regressor]),
            "ci_low": float(ci["lower"]),
            "ci_high": float(ci["upper"]),
            "boot_p_value": float(self.bootstrap.pvalues[self.regressor]),
            "boot_ci_low": float(bci["lower"]),
            "boot_ci_high": float(bci["upper"]),
            "nobs": int(t.nobs),
            "clusters": int(self.selection.data["geo_code"].nunique()),
        }


def fit_twfe_bootstrap(
    selection: PanelSelection,
    outcome: str,
    regressor: str,
    *,
    controls: Sequence[str] = (),
    bootstrap_reps: int = 9999,
    seed: int = DEFAULT_SEED,
    weights: str = "webb",
) -> FitWithBootstrap:
    """Two-way FE (province, year), CR1 by province, and a wild cluster bootstrap of one slope.

    Parameters
    ----------
    selection : PanelSelection
        From :func:`select_panel` (must contain ``outcome``, ``regressor`` and ``controls``).
    outcome, regressor : str
    controls : sequence of str, optional
        Further regressors (not bootstrapped).
    bootstrap_reps : int, default 9999
    seed : int
        Seed of the bootstrap draws.
    weights : {"webb", "rademacher"}

    Returns
    -------
    FitWithBootstrap

    Raises
    ------
    InvalidArgumentError
        A model column is not part of the selection.
    ModelError
        The errors of :func:`cchc_research.models.twfe`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.fe_panel import select_panel, fit_twfe_bootstrap
    >>> rng = np.random.default_rng(1)
    >>> codes = [f"{i:02d}" for i in range(1, 41)]
    >>> df = pd.DataFrame([(c, c, y) for c in codes for y in range(2018, 2023)], columns=["geo_code", "geo_name", "year"])
    >>> df["x"] = rng.normal(size=len(df))
    >>> df["y"] = 0.5 * df["x"] + rng.normal(scale=0.5, size=len(df))
    >>> fit = fit_twfe_bootstrap(select_panel(df, ["y", "x"], 2018, 2022, units=codes), "y", "x",
    ...                          bootstrap_reps=999, seed=1)
    >>> row = fit.row()
    >>> round(row["estimate"], 2), row["boot_p_value"] < 0.01, row["clusters"]
    (0.51, True, 40)
    """
    needed = [outcome, regressor, *controls]
    absent = [c for c in needed if c not in selection.columns]
    if absent:
        raise InvalidArgumentError(f"column(s) not in the selection: {', '.join(absent)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewClustersWarning)  # the bootstrap is the remedy
        res = twfe(selection.data, outcome, [regressor, *controls], fe=["geo_code", "year"],
                   cluster="geo_code", vcov="cluster", ssc="stata")
    boot = wild_bootstrap(res, param=regressor, B=int(bootstrap_reps), weights=weights, seed=seed)
    return FitWithBootstrap(outcome=outcome, regressor=regressor, twfe=res, bootstrap=boot, selection=selection)


def coefficient_table(fits: dict[str, FitWithBootstrap] | Sequence[FitWithBootstrap]) -> pd.DataFrame:
    """One row per fit (see :meth:`FitWithBootstrap.row`); the index is the dict key if given.

    Parameters
    ----------
    fits : dict of str to FitWithBootstrap, or sequence of FitWithBootstrap
        A sequence is indexed by each fit's outcome.

    Returns
    -------
    pandas.DataFrame
        Index ``model``; columns of :meth:`FitWithBootstrap.row`; empty for no fits.

    Examples
    --------
    >>> from cchc_research.analysis.fe_panel import coefficient_table
    >>> coefficient_table({}).shape[0]
    0
    """
    items = fits.items() if isinstance(fits, dict) else ((f.outcome, f) for f in fits)
    rows = [{"model": k, **f.row()} for k, f in items]
    return pd.DataFrame(rows).set_index("model") if rows else pd.DataFrame()
