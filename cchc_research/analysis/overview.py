"""Coverage, missingness, source accounting, conflicts and provenance of the processed data.

The functions behind notebook ``01_data_overview``. This module holds the coverage and
missingness tables; the source-side tables (accounting, rejects, conflicts, consistency
checks, definition breaks, provenance) live in
:mod:`cchc_research.analysis.overview_provenance` and they are re-exported here. :func:`overview_results` computes every table of the notebook at
once; wording, tables and figures live in :mod:`cchc_research.reporting.overview`. Each function takes
the processed tables as DataFrames (so it can be tested on small hand-made frames) and
returns a tidy DataFrame; the ``load_*`` defaults read the real tables through
:mod:`cchc_research.data`.

Years: a value's *reported year* is the calendar year of its ``period_end`` (a plan target
for "2020–2025" counts in 2025, a quarter in its own year).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({
...     "indicator": ["papi_total", "papi_total", "pci_weighted"],
...     "geo_code": ["01", "79", "01"],
...     "period_end": pd.to_datetime(["2019-12-31", "2019-12-31", "2016-12-31"]),
... })
>>> coverage_table(frame, by="family")
year    2016  2019
family            
papi       0     2
pci        1     0
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cchc_research.analysis import overview_provenance
from cchc_research.analysis.overview_provenance import (
    require_columns,
    accounting_table,
    conflicts_table,
    consistency_flags,
    consistency_summary,
    era_breaks,
    provenance_table,
    rejects_by_reason,
)
from cchc_research.catalog import load_catalog
from cchc_research.data import load_indicators, load_rejects, load_table
from cchc_research.errors import InvalidArgumentError
from cchc_research.geo import geo_name, provinces

__all__ = [
    "reported_year",
    "drop_targets",
    "coverage_table",
    "province_coverage",
    "missing_provinces",
    "documented_gaps",
    # the source-side tables, re-exported in their module's order
    *(name for name in overview_provenance.__all__ if name != "require_columns"),
    "PANEL_FAMILIES",
    "summary_table",
    "overview_results",
]

#: Catalog families of the two provincial panels (PCI, PAPI).
PANEL_FAMILIES = ("papi", "pci")

def reported_year(frame: pd.DataFrame) -> pd.Series:
    """The reported year of each row: the calendar year of ``period_end``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Must have a ``period_end`` column (datetime-like).

    Returns
    -------
    pandas.Series
        Nullable integers (``Int64``), aligned with ``frame``.

    Raises
    ------
    SchemaError
        If ``period_end`` is missing.

    Examples
    --------
    >>> reported_year(pd.DataFrame({"period_end": pd.to_datetime(["2024-03-31", "2025-12-31"])})).tolist()
    [2024, 2025]
    """
    require_columns(frame, ["period_end"], "frame")
    return pd.to_datetime(frame["period_end"]).dt.year.astype("Int64")


def drop_targets(indicators: pd.DataFrame) -> pd.DataFrame:
    """Rows that report a value, without the targets restated in the indicator table.

    The long table carries plan targets too (flag ``target``; they live in the targets
    table as well). Coverage counts reported values only.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long table with a ``flags`` column (``;``-separated).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> f = pd.DataFrame({"flags": ["target;plan_period", None, "targeted_survey", "a;target"]})
    >>> drop_targets(f).index.tolist()
    [1, 2]
    """
    require_columns(indicators, ["flags"], "indicators")
    flags = indicators["flags"].astype("string").fillna("")
    is_target = flags.str.contains(r"(?:^|;)target(?:;|$)", regex=True)
    return indicators[~is_target.to_numpy(dtype=bool)]


def _family_of(codes: pd.Series) -> pd.Series:
    catalog = load_catalog()
    return codes.map(lambda c: catalog[c].family if c in catalog else "uncatalogued")


def coverage_table(
    indicators: pd.DataFrame,
    *,
    by: str = "family",
    min_year: int | None = None,
    max_year: int | None = None,
) -> pd.DataFrame:
    """Number of values per family (or indicator) and reported year.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table (columns ``indicator`` and ``period_end`` at least).
    by : {"family", "indicator"}
        Row grouping; families come from the indicator catalog.
    min_year, max_year : int, optional
        Keep only reported years in this closed range. Every year of the range is a
        column, so years with no value at all show as zeros.

    Returns
    -------
    pandas.DataFrame
        Counts (int), rows sorted by name, one column per year (``year`` axis name).

    Raises
    ------
    InvalidArgumentError
        If ``by`` is not ``"family"`` or ``"indicator"``.
    SchemaError
        If a required column is missing.

    Examples
    --------
    >>> f = pd.DataFrame({"indicator": ["late_rate", "on_time_rate"],
    ...                   "period_end": pd.to_datetime(["2019-06-30", "2024-03-31"])})
    >>> coverage_table(f, by="indicator", min_year=2023, max_year=2024)
    year          2023  2024
    indicator               
    on_time_rate     0     1
    """
    if by not in ("family", "indicator"):
        raise InvalidArgumentError(f"by must be 'family' or 'indicator', got {by!r}")
    require_columns(indicators, ["indicator", "period_end"], "indicators")
    work = pd.DataFrame({"indicator": indicators["indicator"].astype(str).to_numpy(),
                         "year": reported_year(indicators).to_numpy()})
    work = work.dropna(subset=["year"])
    if min_year is not None:
        work = work[work["year"] >= min_year]
    if max_year is not None:
        work = work[work["year"] <= max_year]
    if by == "family":
        work["family"] = _family_of(work["indicator"])
    table = pd.crosstab(work[by], work["year"].astype(int))
    if min_year is not None and max_year is not None:
        table = table.reindex(columns=range(min_year, max_year + 1), fill_value=0)
    table.columns.name = "year"
    table.index.name = by
    return table.sort_index().astype(int)


def _universe(year: int) -> pd.DataFrame:
    """Provinces that existed in ``year`` (64 with Hà Tây up to 2008, 63 from 2009 to 2024)."""
    vintage = 2004 if year <= 2008 else 2008
    return provinces(vintage=vintage)[["geo_code", "name_vi"]]


def missing_provinces(indicators: pd.DataFrame, indicator: str, *,
                      years: Iterable[int] | None = None) -> pd.DataFrame:
    """Provinces without a value of ``indicator`` in years where it has values.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long table with ``indicator``, ``geo_code``, ``geo_level`` and ``period_end``.
    indicator : str
        Indicator code (e.g. ``"papi_total"``).
    years : iterable of int, optional
        Years to check; by default every year in which the indicator has a provincial value.
        The reference list is the provinces of that year (64 up to 2008 with Hà Tây, 63 after).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator``, ``year``, ``geo_code``, ``geo_name``; sorted by year and code.

    Examples
    --------
    >>> from cchc_research.geo import provinces
    >>> codes = [c for c in provinces()["geo_code"] if c != "24"]
    >>> f = pd.DataFrame({"indicator": "papi_total", "geo_code": codes, "geo_level": "province",
    ...                   "period_end": pd.Timestamp("2014-12-31")})
    >>> missing_provinces(f, "papi_total")[["year", "geo_code", "geo_name"]].to_dict("records")
    [{'year': 2014, 'geo_code': '24', 'geo_name': 'Bắc Giang'}]
    """
    require_columns(indicators, ["indicator", "geo_code", "geo_level", "period_end"], "indicators")
    sel = indicators[(indicators["indicator"] == indicator) & (indicators["geo_level"] == "province")]
    present = pd.DataFrame({"year": reported_year(sel).to_numpy(), "geo_code": sel["geo_code"].to_numpy()})
    wanted = sorted(present["year"].dropna().unique()) if years is None else sorted(years)
    rows = []
    for year in wanted:
        have = set(present.loc[present["year"] == year, "geo_code"])
        universe = _universe(int(year))
        for code, name in zip(universe["geo_code"], universe["name_vi"]):
            if code not in have:
                rows.append({"indicator": indicator, "year": int(year), "geo_code": code, "geo_name": name})
    out = pd.DataFrame(rows, columns=["indicator", "year", "geo_code", "geo_name"])
    return out.sort_values(["year", "geo_code"]).reset_index(drop=True)


def province_coverage(indicators: pd.DataFrame,
                      codes: Iterable[str] = ("papi_total", "pci_weighted"), *,
                      exclude_sources: Iterable[str] = ("news_figures",)) -> pd.DataFrame:
    """Provinces covered per year for each indicator in ``codes``, with the missing ones named.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table.
    codes : iterable of str
        Indicator codes (default: PAPI total and PCI weighted index).
    exclude_sources : iterable of str
        Source-id prefixes left out (default: news figures, which quote a few provinces of
        years the primary files do not cover; counting them would show those years as
        almost empty panels).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator``, ``year``, ``provinces`` (with a value), ``expected`` (provinces
        that existed), ``missing`` (count) and ``missing_names`` (``"; "``-joined, ``""`` if none).

    Examples
    --------
    >>> from cchc_research.geo import provinces
    >>> codes = [c for c in provinces()["geo_code"] if c not in ("24", "87")]
    >>> f = pd.DataFrame({"indicator": "papi_total", "geo_code": codes, "geo_level": "province",
    ...                   "period_end": pd.Timestamp("2014-12-31"), "source_id": "papi_2011_2016"})
    >>> province_coverage(f, ["papi_total"]).iloc[0].to_dict()
    {'indicator': 'papi_total', 'year': 2014, 'provinces': 61, 'expected': 63, 'missing': 2, 'missing_names': 'Bắc Giang; Đồng Tháp'}
    """
    rows = []
    drop = tuple(exclude_sources)
    if drop:
        require_columns(indicators, ["source_id"], "indicators")
        indicators = indicators[~indicators["source_id"].astype(str).str.startswith(drop)]
    for code in codes:
        sel = indicators[(indicators["indicator"] == code) & (indicators["geo_level"] == "province")]
        years = reported_year(sel)
        missing = missing_provinces(indicators, code)
        for year in sorted(years.dropna().unique()):
            gone = missing[missing["year"] == year]
            rows.append({
                "indicator": code,
                "year": int(year),
                "provinces": int(sel.loc[(years == year).to_numpy(), "geo_code"].nunique()),
                "expected": len(_universe(int(year))),
                "missing": len(gone),
                "missing_names": "; ".join(gone["geo_name"]),
            })
    return pd.DataFrame(rows, columns=["indicator", "year", "provinces", "expected", "missing", "missing_names"])


def documented_gaps(missing_cells: pd.DataFrame) -> pd.DataFrame:
    """Summarise the blank cells the readers recorded (``papi_missing_cells``).

    Parameters
    ----------
    missing_cells : pandas.DataFrame
        Columns ``year``, ``geo_code``, ``indicator`` and ``note``.

    Returns
    -------
    pandas.DataFrame
        One row per (year, province): ``year``, ``geo_code``, ``geo_name``, ``cells`` (blank
        cells), ``note`` (the first note).

    Examples
    --------
    >>> cells = pd.DataFrame({"year": [2014, 2014], "geo_code": ["24", "24"],
    ...                       "indicator": ["papi_d1_participation", "papi_total"],
    ...                       "note": ["blank", "blank"]})
    >>> documented_gaps(cells).to_dict("records")
    [{'year': 2014, 'geo_code': '24', 'geo_name': 'Bắc Giang', 'cells': 2, 'note': 'blank'}]
    """
    require_columns(missing_cells, ["year", "geo_code", "indicator", "note"], "missing_cells")
    cols = ["year", "geo_code", "geo_name", "cells", "note"]
    if missing_cells.empty:
        return pd.DataFrame(columns=cols)
    out = (missing_cells.groupby(["year", "geo_code"], sort=True)
           .agg(cells=("indicator", "size"), note=("note", "first")).reset_index())
    out["year"] = out["year"].astype(int)
    out["geo_name"] = [geo_name(str(c)) for c in out["geo_code"]]
    return out[cols]


def summary_table(indicators: pd.DataFrame, *, conflicts: pd.DataFrame, checks: pd.DataFrame,
                  missing_papi: pd.DataFrame, raw_files: int) -> pd.DataFrame:
    """The processed data in a dozen counts (one row per ``metric``, integer ``value``).

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table (``indicator``, ``geo_code``, ``source_id``, ``flags``,
        ``simulated``).
    conflicts, checks : pandas.DataFrame
        The ``conflicts`` and ``consistency_checks`` tables.
    missing_papi : pandas.DataFrame
        Output of :func:`missing_provinces` for ``papi_total`` (one row per province-year).
    raw_files : int
        Number of raw files in the manifest.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric`` (``reported_values``, ``indicators``, ``geographies``, ``source_ids``,
        ``panel_values``, ``targets_excluded``, ``simulated_values``, ``conflicts``,
        ``consistency_checks``, ``consistency_mismatches``, ``papi_missing_province_years``,
        ``raw_files``) and ``value`` (int).

    Raises
    ------
    SchemaError
        A required column is missing.

    Examples
    --------
    >>> ind = pd.DataFrame({"indicator": ["papi_total", "on_time_rate"], "geo_code": ["01", "79"],
    ...                     "source_id": ["papi_2011_2016", "seed_facts:1"], "flags": [None, "target"],
    ...                     "simulated": [False, False]})
    >>> ch = pd.DataFrame({"check": ["parts"], "status": ["ok"]})
    >>> t = summary_table(ind, conflicts=ind.iloc[:0], checks=ch, missing_papi=ind.iloc[:0], raw_files=3)
    >>> dict(zip(t["metric"], t["value"]))["panel_values"]
    1
    """
    require_columns(indicators, ["indicator", "geo_code", "source_id", "flags", "simulated"], "indicators")
    require_columns(checks, ["status"], "checks")
    reported = drop_targets(indicators)
    family = _family_of(reported["indicator"].astype(str))
    rows = {
        "reported_values": len(reported),
        "indicators": reported["indicator"].nunique(),
        "geographies": reported["geo_code"].nunique(),
        "source_ids": indicators["source_id"].astype(str).str.split(":").str[0].nunique(),
        "panel_values": int(family.isin(PANEL_FAMILIES).sum()),
        "targets_excluded": len(indicators) - len(reported),
        "simulated_values": int(indicators["simulated"].astype(bool).sum()),
        "conflicts": len(conflicts),
        "consistency_checks": len(checks),
        "consistency_mismatches": int((checks["status"] != "ok").sum()),
        "papi_missing_province_years": len(missing_papi),
        "raw_files": int(raw_files),
    }
    return pd.DataFrame({"metric": list(rows), "value": [int(v) for v in rows.values()]})


def overview_results(*, min_year: int = 2005, max_year: int = 2025) -> dict[str, pd.DataFrame]:
    """Every table of notebook ``01_data_overview``, computed from the processed data.

    Parameters
    ----------
    min_year, max_year : int
        Year range of the coverage tables.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``summary`` (:func:`summary_table`), ``coverage`` (family × year counts, index reset),
        ``coverage_reform`` (indicator × year outside PAPI/PCI, years with a value),
        ``province_coverage`` (years with a gap), ``papi_missing`` (province × year grid of PAPI
        gaps, 1 = missing), ``gaps`` (:func:`documented_gaps`), ``accounting``, ``rejects``,
        ``conflicts``, ``consistency_summary``, ``consistency_flags``, ``eras`` (the breaks of
        indicators whose definition changed) and ``provenance``.

    Raises
    ------
    InvalidArgumentError
        ``min_year > max_year``.
    """
    if min_year > max_year:
        raise InvalidArgumentError(f"min_year ({min_year}) is after max_year ({max_year})")
    ind = load_indicators()
    reported = drop_targets(ind)
    families = {c: i.family for c, i in load_catalog().items()}
    coverage = coverage_table(reported, by="family", min_year=min_year, max_year=max_year)
    reform = reported[~reported["indicator"].map(families).isin(PANEL_FAMILIES)]
    by_ind = coverage_table(reform, by="indicator", min_year=min_year, max_year=max_year)
    by_ind = by_ind.loc[:, by_ind.sum(axis=0) > 0]
    primary = ind[~ind["source_id"].astype(str).str.startswith("news_figures")]
    missing = missing_provinces(primary, "papi_total")
    grid = pd.crosstab(missing["geo_name"], missing["year"])
    grid = grid.reindex(columns=range(int(missing["year"].min()) if len(missing) else min_year,
                                      int(missing["year"].max()) + 1 if len(missing) else min_year + 1),
                        fill_value=0)
    pcov = province_coverage(ind, ["papi_total", "pci_weighted"])
    conflicts = load_table("conflicts")
    checks = load_table("consistency_checks")
    rejects = load_rejects()
    provenance = provenance_table()
    eras = era_breaks(families=["papi", "online_services", "par_index", "pci"])
    broken = eras.loc[~eras["comparable_with_previous"], "indicator"]
    eras = eras[eras["indicator"].isin(broken)].reset_index(drop=True)
    return {
        "summary": summary_table(ind, conflicts=conflicts, checks=checks, missing_papi=missing,
                                 raw_files=len(provenance)),
        "coverage": coverage.reset_index(),
        "coverage_reform": by_ind.reset_index(),
        "province_coverage": pcov[pcov["missing"] > 0].reset_index(drop=True),
        "papi_missing": grid,
        "gaps": documented_gaps(load_table("papi_missing_cells")),
        "accounting": accounting_table(),
        "rejects": rejects_by_reason(rejects),
        "conflicts": conflicts_table(conflicts),
        "consistency_summary": consistency_summary(checks),
        "consistency_flags": consistency_flags(checks),
        "eras": eras,
        "provenance": provenance,
    }
