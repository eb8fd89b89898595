"""E-governance and administrative procedures in PAPI (notebook 03).

Data preparation and model orchestration for the question *does a province's PAPI
e-governance score (dimension D8, surveyed from 2018) go with better public administrative
procedures (D5) and public service delivery (D6)?*

* :func:`select_panel` (from :mod:`cchc_research.analysis.fe_panel`) — province × year rows
  of a window with every model column present; the province-years that are dropped (absent
  from the panel, or with a blank cell) are returned with the reason, never dropped silently.
* :func:`fit_twfe_bootstrap` (idem) — two-way fixed effects (province and year) with CR1
  standard errors clustered by province (Stata/fixest convention G/(G−1)·(N−1)/(N−K),
  t(G−1)) and the restricted wild cluster bootstrap (Webb weights) for the slope of interest.
* :func:`egovernance_models` — that fit for each outcome against one regressor.
* :func:`leave_one_region_out` — the coefficient re-estimated without each of the six
  socio-economic regions.
* :func:`subdimension_models` — the 2011–2016 analogue: each D5 sub-dimension against
  another dimension (default D2 transparency), before D8 existed.
* :func:`dimension_coverage` — provinces with a value per dimension and year (the 2018 change
  from six to eight dimensions, and the gaps).
* :func:`egovernance_study` — the whole study of notebook 03 in one call: every frame and fit
  the report shows (its presentation is :mod:`cchc_research.reporting.papi`).

PAPI dimension scores run from 1 to 10. Until 2017 the total is the sum of six dimensions
(maximum 60); from 2018 it is the sum of eight (D7 environmental governance and D8
e-governance added; maximum 80), so totals are not comparable across 2018 — the analyses
here use dimension scores only.

Examples
--------
>>> from cchc_research.analysis.papi import DIMENSIONS, D5_SUBDIMENSIONS
>>> DIMENSIONS[4], DIMENSIONS[7]
('papi_d5_public_admin_procedures', 'papi_d8_e_governance')
>>> len(D5_SUBDIMENSIONS)
4

The panel-selection and bootstrap building blocks (``select_panel``, ``fit_twfe_bootstrap``)
live in :mod:`cchc_research.analysis.fe_panel` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cchc_research.analysis.fe_panel import (
    FitWithBootstrap,
    PanelSelection,
    check_years,
    coefficient_table,
    fit_twfe_bootstrap,
    select_panel,
)
from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import InvalidArgumentError
from cchc_research.geo import provinces
from cchc_research.models.demean import demean_frame

__all__ = [
    "DIMENSIONS",
    "D5_SUBDIMENSIONS",
    "PanelSelection",
    "FitWithBootstrap",
    "select_panel",
    "fit_twfe_bootstrap",
    "egovernance_models",
    "coefficient_table",
    "leave_one_region_out",
    "subdimension_models",
    "dimension_coverage",
    "egovernance_study",
]

#: PAPI dimension codes D1 … D8 (D7 and D8 from 2018).
DIMENSIONS: tuple[str, ...] = (
    "papi_d1_participation", "papi_d2_transparency", "papi_d3_vertical_accountability",
    "papi_d4_control_of_corruption", "papi_d5_public_admin_procedures",
    "papi_d6_public_service_delivery", "papi_d7_environmental_governance", "papi_d8_e_governance",
)

#: Sub-dimensions of D5 published in the 2011–2016 workbook (each scored 0.25–2.5; they sum to D5).
D5_SUBDIMENSIONS: tuple[str, ...] = (
    "papi_d5_certification", "papi_d5_construction_permits",
    "papi_d5_land_use_rights", "papi_d5_personal_procedures",
)

def egovernance_models(
    panel: pd.DataFrame,
    *,
    outcomes: Sequence[str] = ("papi_d5_public_admin_procedures", "papi_d6_public_service_delivery"),
    regressor: str = "papi_d8_e_governance",
    start_year: int = 2018,
    end_year: int = 2024,
    bootstrap_reps: int = 9999,
    seed: int = DEFAULT_SEED,
    units: Sequence[str] | None = None,
) -> dict[str, FitWithBootstrap]:
    """TWFE + wild bootstrap of each outcome on the e-governance dimension.

    Each outcome uses its own complete cases (the dropped province-years are in
    ``result[outcome].selection.dropped``).

    Parameters
    ----------
    panel : pandas.DataFrame
        Wide province × year panel.
    outcomes : sequence of str
        Outcome columns (default D5 and D6).
    regressor : str
        Default D8 e-governance.
    start_year, end_year : int
        Window (D8 exists from 2018).
    bootstrap_reps : int
    seed : int
    units : sequence of str, optional
        Expected provinces (default the 63 provinces).

    Returns
    -------
    dict of str to FitWithBootstrap
        Keyed by outcome, in the order given.

    Raises
    ------
    InvalidArgumentError
        No outcome, a column not in the panel, or the regressor among the outcomes.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.papi import egovernance_models, coefficient_table
    >>> rng = np.random.default_rng(2)
    >>> codes = [f"{i:02d}" for i in range(1, 31)]
    >>> df = pd.DataFrame([(c, c, y) for c in codes for y in range(2018, 2022)], columns=["geo_code", "geo_name", "year"])
    >>> df["d8"] = rng.normal(size=len(df))
    >>> df["d5"] = 0.3 * df["d8"] + rng.normal(size=len(df))
    >>> df["d6"] = rng.normal(size=len(df))
    >>> fits = egovernance_models(df, outcomes=["d5", "d6"], regressor="d8", start_year=2018,
    ...                           end_year=2021, bootstrap_reps=999, seed=3, units=codes)
    >>> list(fits)
    ['d5', 'd6']
    >>> coefficient_table(fits)["nobs"].tolist()
    [120, 120]
    """
    outcomes = list(outcomes)
    if not outcomes:
        raise InvalidArgumentError("egovernance_models needs at least one outcome")
    if regressor in outcomes:
        raise InvalidArgumentError(f"the regressor {regressor!r} cannot also be an outcome")
    fits = {}
    for y in outcomes:
        sel = select_panel(panel, [y, regressor], start_year, end_year, units=units)
        fits[y] = fit_twfe_bootstrap(sel, y, regressor, bootstrap_reps=bootstrap_reps, seed=seed)
    return fits


def leave_one_region_out(
    panel: pd.DataFrame,
    *,
    outcome: str = "papi_d5_public_admin_procedures",
    regressor: str = "papi_d8_e_governance",
    start_year: int = 2018,
    end_year: int = 2024,
    bootstrap_reps: int = 9999,
    seed: int = DEFAULT_SEED,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The TWFE slope on the full sample and with each region left out in turn.

    Parameters
    ----------
    panel : pandas.DataFrame
    outcome, regressor : str
    start_year, end_year : int
    bootstrap_reps, seed : int
    regions : pandas.DataFrame, optional
        ``geo_code``, ``region`` (Vietnamese name) and ``region_en``; default the six
        socio-economic regions of :func:`cchc_research.geo.provinces`.

    Returns
    -------
    pandas.DataFrame
        First row ``excluded = "none"`` (full sample), then one per region (sorted by the
        Vietnamese name): ``excluded``, ``excluded_en``, ``n_provinces_excluded`` and the
        columns of :meth:`FitWithBootstrap.row`.

    Raises
    ------
    InvalidArgumentError
        ``regions`` without the needed columns.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.papi import leave_one_region_out
    >>> rng = np.random.default_rng(4)
    >>> codes = [f"{i:02d}" for i in range(1, 31)]
    >>> df = pd.DataFrame([(c, c, y) for c in codes for y in range(2018, 2022)], columns=["geo_code", "geo_name", "year"])
    >>> df["x"] = rng.normal(size=len(df)); df["y"] = df["x"] + rng.normal(size=len(df))
    >>> reg = pd.DataFrame({"geo_code": codes, "region": ["A"] * 15 + ["B"] * 15, "region_en": ["A"] * 15 + ["B"] * 15})
    >>> out = leave_one_region_out(df, outcome="y", regressor="x", start_year=2018, end_year=2021,
    ...                            bootstrap_reps=999, regions=reg)
    >>> out[["excluded", "n_provinces_excluded", "nobs"]].to_dict("records")
    [{'excluded': 'none', 'n_provinces_excluded': 0, 'nobs': 120}, {'excluded': 'A', 'n_provinces_excluded': 15, 'nobs': 60}, {'excluded': 'B', 'n_provinces_excluded': 15, 'nobs': 60}]
    """
    if regions is None:
        regions = provinces()[["geo_code", "region", "region_en"]]
    need = {"geo_code", "region", "region_en"}
    if not need <= set(regions.columns):
        raise InvalidArgumentError(f"regions needs columns {sorted(need)}")
    regions = regions.assign(geo_code=regions["geo_code"].astype(str))
    units = list(regions["geo_code"])
    full = select_panel(panel, [outcome, regressor], start_year, end_year, units=units)
    rows = [{"excluded": "none", "excluded_en": "none", "n_provinces_excluded": 0,
             **fit_twfe_bootstrap(full, outcome, regressor, bootstrap_reps=bootstrap_reps, seed=seed).row()}]
    for (reg_vi, reg_en), grp in regions.groupby(["region", "region_en"], sort=True):
        keep = [u for u in units if u not in set(grp["geo_code"])]
        sel = select_panel(panel, [outcome, regressor], start_year, end_year, units=keep)
        fit = fit_twfe_bootstrap(sel, outcome, regressor, bootstrap_reps=bootstrap_reps, seed=seed)
        rows.append({"excluded": reg_vi, "excluded_en": reg_en, "n_provinces_excluded": len(grp), **fit.row()})
    return pd.DataFrame(rows)


def subdimension_models(
    panel: pd.DataFrame,
    *,
    outcomes: Sequence[str] = D5_SUBDIMENSIONS,
    regressor: str = "papi_d2_transparency",
    start_year: int = 2011,
    end_year: int = 2016,
    bootstrap_reps: int = 9999,
    seed: int = DEFAULT_SEED,
    units: Sequence[str] | None = None,
) -> dict[str, FitWithBootstrap]:
    """The 2011–2016 analogue: each D5 sub-dimension on another PAPI dimension.

    Same estimator as :func:`egovernance_models` (TWFE, CR1 by province, wild bootstrap);
    D8 did not exist before 2018, so another dimension (default D2 transparency) stands in.

    Parameters
    ----------
    panel : pandas.DataFrame
    outcomes : sequence of str
        Default the four D5 sub-dimensions.
    regressor : str
    start_year, end_year : int
    bootstrap_reps, seed : int
    units : sequence of str, optional

    Returns
    -------
    dict of str to FitWithBootstrap

    Raises
    ------
    InvalidArgumentError, ModelError
        As :func:`egovernance_models`.

    Examples
    --------
    >>> from cchc_research.analysis.papi import subdimension_models, D5_SUBDIMENSIONS
    >>> len(D5_SUBDIMENSIONS)
    4
    """
    return egovernance_models(panel, outcomes=outcomes, regressor=regressor, start_year=start_year,
                              end_year=end_year, bootstrap_reps=bootstrap_reps, seed=seed, units=units)


def dimension_coverage(
    panel: pd.DataFrame,
    start_year: int = 2011,
    end_year: int = 2024,
    columns: Sequence[str] = (*DIMENSIONS, "papi_total"),
) -> pd.DataFrame:
    """Number of provinces with a value, per year (rows) and PAPI column (columns).

    Parameters
    ----------
    panel : pandas.DataFrame
    start_year, end_year : int
    columns : sequence of str
        Default the eight dimensions and the total.

    Returns
    -------
    pandas.DataFrame
        Integer counts indexed by ``year`` (every year of the window, zero where absent).

    Raises
    ------
    InvalidArgumentError
        A column is not in the panel, or ``start_year > end_year``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.analysis.papi import dimension_coverage
    >>> df = pd.DataFrame({"year": [2017, 2018, 2018], "d8": [np.nan, 3.1, 2.9]})
    >>> dimension_coverage(df, 2017, 2018, ["d8"])["d8"].tolist()
    [0, 2]
    """
    check_years(start_year, end_year)
    columns = list(columns)
    absent = [c for c in ["year", *columns] if c not in panel.columns]
    if absent:
        raise InvalidArgumentError(f"column(s) not in the panel: {', '.join(absent)}")
    sub = panel[panel["year"].between(start_year, end_year)]
    counts = sub.groupby("year")[columns].count()
    years = pd.Index(range(int(start_year), int(end_year) + 1), name="year")
    return counts.reindex(years, fill_value=0).astype(np.int64)


def egovernance_study(
    panel: pd.DataFrame,
    *,
    outcome: str = "papi_d5_public_admin_procedures",
    alt_outcome: str = "papi_d6_public_service_delivery",
    regressor: str = "papi_d8_e_governance",
    start_year: int = 2018,
    end_year: int = 2024,
    sub_regressor: str = "papi_d2_transparency",
    sub_start_year: int = 2011,
    sub_end_year: int = 2016,
    bootstrap_reps: int = 9999,
    seed: int = DEFAULT_SEED,
    units: Sequence[str] | None = None,
) -> dict:
    """The study of notebook 03: coverage, main fits, within variation and both robustness checks.

    Parameters
    ----------
    panel : pandas.DataFrame
        Wide province × year panel (``data.load_panel("province_year")``).
    outcome, alt_outcome, regressor : str
        Main outcome (D5), alternative outcome (D6) and the regressor of interest (D8).
    start_year, end_year : int
        Window of the main models.
    sub_regressor, sub_start_year, sub_end_year
        Regressor and window of the 2011–2016 D5 sub-dimension models.
    bootstrap_reps, seed : int
        Wild cluster bootstrap draws and seed (every fit uses the same seed).
    units : sequence of str, optional
        Expected provinces (default the 63).

    Returns
    -------
    dict
        ``coverage`` (:func:`dimension_coverage`, 2011 to ``max(end_year, 2017)``), ``fits``
        (:func:`egovernance_models` for ``outcome`` and ``alt_outcome``), ``table``
        (:func:`coefficient_table` of ``fits``), ``main`` (the fit of ``outcome``), ``within``
        (outcome and regressor demeaned by province and year on the main sample, for the
        partial-regression figure), ``loro`` (:func:`leave_one_region_out`), ``subfits`` and
        ``subtable`` (:func:`subdimension_models`), and the parameters under ``params``.

    Raises
    ------
    InvalidArgumentError, ModelError
        As the functions it calls.
    """
    fits = egovernance_models(panel, outcomes=[outcome, alt_outcome], regressor=regressor,
                              start_year=start_year, end_year=end_year,
                              bootstrap_reps=bootstrap_reps, seed=seed, units=units)
    main = fits[outcome]
    subfits = subdimension_models(panel, regressor=sub_regressor, start_year=sub_start_year,
                                  end_year=sub_end_year, bootstrap_reps=bootstrap_reps, seed=seed,
                                  units=units)
    return {
        "params": {"outcome": outcome, "alt_outcome": alt_outcome, "regressor": regressor,
                   "start_year": int(start_year), "end_year": int(end_year),
                   "sub_regressor": sub_regressor, "sub_start_year": int(sub_start_year),
                   "sub_end_year": int(sub_end_year), "bootstrap_reps": int(bootstrap_reps)},
        "coverage": dimension_coverage(panel, 2011, max(int(end_year), 2017)),
        "fits": fits,
        "main": main,
        "table": coefficient_table(fits),
        "within": demean_frame(main.selection.data, [outcome, regressor], ["geo_code", "year"]),
        "loro": leave_one_region_out(panel, outcome=outcome, regressor=regressor,
                                     start_year=start_year, end_year=end_year,
                                     bootstrap_reps=bootstrap_reps, seed=seed),
        "subfits": subfits,
        "subtable": coefficient_table(subfits),
    }
