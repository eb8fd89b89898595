"""Coverage, missingness, source accounting, conflicts and provenance of the processed data.

The functions behind notebook ``01_data_overview``. Each takes the processed tables as
DataFrames (so it can be tested on small hand-made frames) and returns a tidy DataFrame;
the ``load_*`` defaults read the real tables through :mod:`cchc_research.data`.

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
from pathlib import Path

import pandas as pd
import yaml

from cchc_research import config
from cchc_research.errors import CCHCError, SchemaError

_TEXT = {  # key: (vi, en) — figure wording of notebook 01
    "heat_title": ("Số giá trị báo cáo theo nhóm chỉ tiêu và năm (không tính mục tiêu)",
                   "Reported values by indicator family and year (targets excluded)"),
    "prov_title": ("PAPI: tỉnh thiếu số liệu theo năm (ô tô màu = thiếu)",
                   "PAPI: provinces without a score, by year (filled cell = missing)"),
    "family": ("Nhóm chỉ tiêu", "Indicator family"),
    "provinces": ("Số tỉnh có số liệu", "Provinces with a value"),
    "caption_heat": ("Nguồn: data/processed/indicators.parquet (cchc build; nguồn gốc: data/raw/MANIFEST.yaml). "
                     "Năm = năm kết thúc kỳ số liệu.",
                     "Source: data/processed/indicators.parquet (cchc build; provenance: data/raw/MANIFEST.yaml). "
                     "Year = year in which the period ends."),
    "caption_prov": ("Nguồn: PAPI (CECODES, VFF-CRT, RTA, UNDP), tổng điểm PAPI; thiếu trong nguồn, không phải 0.",
                     "Source: PAPI (CECODES, VFF-CRT, RTA, UNDP), PAPI total; missing in the source, not zero."),
}


def text(key: str, lang: str = "vi") -> str:
    """Notebook-01 wording in ``lang`` (falls back to :func:`cchc_research.labels.label`).

    Examples
    --------
    >>> text("family", "en")
    'Indicator family'
    """
    from cchc_research.labels import check_lang, label

    check_lang(lang)
    if key in _TEXT:
        return _TEXT[key][0 if lang == "vi" else 1]
    return label(key, lang)


__all__ = [
    "text",
    "reported_year",
    "drop_targets",
    "coverage_table",
    "province_coverage",
    "missing_provinces",
    "documented_gaps",
    "accounting_table",
    "rejects_by_reason",
    "conflicts_table",
    "consistency_summary",
    "consistency_flags",
    "era_breaks",
    "provenance_table",
]


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(", ".join(missing), f"{what} lacks required column(s)")


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
    _require(frame, ["period_end"], "frame")
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
    _require(indicators, ["flags"], "indicators")
    flags = indicators["flags"].astype("string").fillna("")
    is_target = flags.str.contains(r"(?:^|;)target(?:;|$)", regex=True)
    return indicators[~is_target.to_numpy(dtype=bool)]


def _family_of(codes: pd.Series) -> pd.Series:
    from cchc_research.catalog import load_catalog

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
    CCHCError
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
        raise CCHCError(f"by must be 'family' or 'indicator', got {by!r}")
    _require(indicators, ["indicator", "period_end"], "indicators")
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
    from cchc_research.geo import provinces

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
    _require(indicators, ["indicator", "geo_code", "geo_level", "period_end"], "indicators")
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
        _require(indicators, ["source_id"], "indicators")
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
    from cchc_research.geo import geo_name

    _require(missing_cells, ["year", "geo_code", "indicator", "note"], "missing_cells")
    cols = ["year", "geo_code", "geo_name", "cells", "note"]
    if missing_cells.empty:
        return pd.DataFrame(columns=cols)
    out = (missing_cells.groupby(["year", "geo_code"], sort=True)
           .agg(cells=("indicator", "size"), note=("note", "first")).reset_index())
    out["year"] = out["year"].astype(int)
    out["geo_name"] = [geo_name(str(c)) for c in out["geo_code"]]
    return out[cols]


def _source_key(source_id: str, known: Iterable[str]) -> str:
    base = str(source_id).split(":")[0]
    for key in sorted(known, key=len, reverse=True):
        if base == key or base.startswith(key):
            return key
    return base


def accounting_table(source_counts: pd.DataFrame | None = None,
                     rejects: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows read / processed / rejected per source, cross-checked against the rejects table.

    Parameters
    ----------
    source_counts : pandas.DataFrame, optional
        ``source_counts.csv`` (``source_id``, ``rows_read``, ``rows_processed``,
        ``rows_rejected``, ``values``); read from the processed folder by default.
    rejects : pandas.DataFrame, optional
        The rejects table (``source_id`` per rejected row); loaded by default.

    Returns
    -------
    pandas.DataFrame
        The counts plus ``reject_records`` (entries of the rejects table attributed to the
        source; a raw row may be rejected for several cells), ``rejected_raw_rows`` (distinct
        ``(file, row)`` among them) and ``balanced`` (``rows_read == rows_processed +
        rows_rejected`` and ``rows_rejected == rejected_raw_rows``), and a final ``total`` row.

    Examples
    --------
    >>> counts = pd.DataFrame({"source_id": ["pci"], "rows_read": [10], "rows_processed": [8],
    ...                        "rows_rejected": [2], "values": [80]})
    >>> rej = pd.DataFrame({"source_id": ["pci_2008:Tong hop"] * 3, "file": ["a.xls"] * 3,
    ...                     "row": [69, 69, 70]})
    >>> accounting_table(counts, rej)[["source_id", "reject_records", "rejected_raw_rows",
    ...                                "balanced"]].to_dict("records")[0]
    {'source_id': 'pci', 'reject_records': 3, 'rejected_raw_rows': 2, 'balanced': True}
    """
    if source_counts is None:
        from cchc_research.data import ensure_built

        ensure_built()
        source_counts = pd.read_csv(config.PROCESSED_DIR / "source_counts.csv", dtype={"source_id": str})
    if rejects is None:
        from cchc_research.data import load_rejects

        rejects = load_rejects()
    cols = ["source_id", "rows_read", "rows_processed", "rows_rejected", "values"]
    _require(source_counts, cols, "source_counts")
    out = source_counts[cols].copy().reset_index(drop=True)
    _require(rejects, ["source_id", "file", "row"], "rejects")
    work = pd.DataFrame({
        "key": [_source_key(s, out["source_id"]) for s in rejects["source_id"]],
        "file": rejects["file"].astype(str).to_numpy(),
        "row": rejects["row"].astype(str).to_numpy(),
    })
    records = work["key"].value_counts()
    raw_rows = work.drop_duplicates(["key", "file", "row"])["key"].value_counts()
    out["reject_records"] = [int(records.get(s, 0)) for s in out["source_id"]]
    out["rejected_raw_rows"] = [int(raw_rows.get(s, 0)) for s in out["source_id"]]
    counted = cols[1:] + ["reject_records", "rejected_raw_rows"]
    total = out[counted].sum()
    out.loc[len(out)] = {"source_id": "total", **{k: int(v) for k, v in total.items()}}
    for c in counted:
        out[c] = out[c].astype(int)
    out["balanced"] = ((out["rows_read"] == out["rows_processed"] + out["rows_rejected"])
                       & (out["rows_rejected"] == out["rejected_raw_rows"]))
    return out


def rejects_by_reason(rejects: pd.DataFrame, *, source_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Count rejected rows by source and reason.

    Parameters
    ----------
    rejects : pandas.DataFrame
        The rejects table (``source_id``, ``reason``, ``error``).
    source_ids : iterable of str, optional
        Source keys to group under (default: the part of ``source_id`` before ``:`` with the
        year suffix removed for PCI/PAPI workbooks, i.e. ``pci``, ``papi``, ``news_figures`` …).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``reason``, ``error``, ``rows``; most frequent first.

    Examples
    --------
    >>> rej = pd.DataFrame({"source_id": ["pci_2013", "pci_2014", "news_figures"],
    ...                     "reason": ["rank row", "rank row", "no value"],
    ...                     "error": ["SourceError", "SourceError", "SchemaError"]})
    >>> rejects_by_reason(rej).to_dict("records")[0]
    {'source': 'pci', 'reason': 'rank row', 'error': 'SourceError', 'rows': 2}
    """
    _require(rejects, ["source_id", "reason", "error"], "rejects")
    known = list(source_ids) if source_ids is not None else ["papi", "pci", "news_figures",
                                                             "seed_facts", "targets_1191"]
    work = pd.DataFrame({
        "source": [_source_key(s, known) for s in rejects["source_id"]],
        "reason": rejects["reason"].astype(str).to_numpy(),
        "error": rejects["error"].astype(str).to_numpy(),
    })
    out = work.groupby(["source", "reason", "error"]).size().rename("rows").reset_index()
    return out.sort_values(["rows", "source", "reason"], ascending=[False, True, True]).reset_index(drop=True)


def conflicts_table(conflicts: pd.DataFrame) -> pd.DataFrame:
    """The source conflicts, one row per conflict, with the values that disagree and the choice.

    Parameters
    ----------
    conflicts : pandas.DataFrame
        The ``conflicts`` table (``indicator``, ``geo_code``, ``geo_name``, ``period``,
        ``values`` and ``sources`` ``;``-joined, ``chosen``, ``chosen_value``, ``rule``).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator``, ``geo_name``, ``period``, ``values``, ``spread`` (max − min of
        the values), ``chosen_source``, ``chosen_value`` and ``rule``.

    Examples
    --------
    >>> c = pd.DataFrame({"indicator": ["par_index"], "geo_code": ["31"], "geo_name": ["Hải Phòng"],
    ...                   "period": ["2023"], "values": ["0.9187;0.9181"], "sources": ["a;b"],
    ...                   "chosen": ["a"], "chosen_value": [0.9187], "rule": ["official first"]})
    >>> round(float(conflicts_table(c)["spread"].iloc[0]), 4)
    0.0006
    """
    _require(conflicts, ["indicator", "geo_name", "period", "values", "chosen", "chosen_value", "rule"],
             "conflicts")
    spreads = []
    for text in conflicts["values"].astype(str):
        vals = [float(v) for v in text.split(";") if v.strip()]
        spreads.append(max(vals) - min(vals) if vals else float("nan"))
    out = pd.DataFrame({
        "indicator": conflicts["indicator"].to_numpy(),
        "geo_name": conflicts["geo_name"].to_numpy(),
        "period": conflicts["period"].to_numpy(),
        "values": conflicts["values"].astype(str).str.replace(";", " vs ").to_numpy(),
        "spread": spreads,
        "chosen_source": conflicts["chosen"].to_numpy(),
        "chosen_value": conflicts["chosen_value"].astype(float).to_numpy(),
        "rule": conflicts["rule"].to_numpy(),
    })
    return out.sort_values(["indicator", "period", "geo_name"]).reset_index(drop=True)


def consistency_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Number of consistency checks by kind and status (``ok`` / ``mismatch`` …).

    Parameters
    ----------
    checks : pandas.DataFrame
        The ``consistency_checks`` table (``check``, ``status``).

    Returns
    -------
    pandas.DataFrame
        One row per check kind, one int column per status, plus ``total``.

    Examples
    --------
    >>> ch = pd.DataFrame({"check": ["ratio_vs_percent"] * 3, "status": ["ok", "ok", "mismatch"]})
    >>> consistency_summary(ch).to_dict("records")
    [{'check': 'ratio_vs_percent', 'mismatch': 1, 'ok': 2, 'total': 3}]
    """
    _require(checks, ["check", "status"], "checks")
    table = pd.crosstab(checks["check"], checks["status"])
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table.reset_index().astype({c: int for c in table.columns})


def consistency_flags(checks: pd.DataFrame, *, include_ok_ratio_checks: bool = True) -> pd.DataFrame:
    """Checks worth reading: every non-``ok`` check, and (by default) every ratio-vs-percent check.

    Parameters
    ----------
    checks : pandas.DataFrame
        The ``consistency_checks`` table (``check``, ``status``, ``indicator``, ``geo_code``,
        ``period``, ``expected``, ``observed``, ``difference``, ``tolerance``).
    include_ok_ratio_checks : bool
        Also list ratio-vs-percent checks that passed (they are few and show what was checked).

    Returns
    -------
    pandas.DataFrame
        The selected checks with ``expected`` (from the counts) and ``observed`` (as printed).

    Examples
    --------
    >>> ch = pd.DataFrame({"check": ["ratio_vs_percent", "parts"], "status": ["mismatch", "ok"],
    ...                    "indicator": ["x", "y"], "geo_code": ["79", "01"], "period": ["2024-Q1", "2016"],
    ...                    "expected": [0.180285, 1.0], "observed": [0.182, 1.0],
    ...                    "difference": [0.001715, 0.0], "tolerance": [0.0005, 0.0001]})
    >>> consistency_flags(ch)["indicator"].tolist()
    ['x']
    """
    cols = ["check", "status", "indicator", "geo_code", "period", "expected", "observed",
            "difference", "tolerance"]
    _require(checks, cols, "checks")
    keep = checks["status"] != "ok"
    if include_ok_ratio_checks:
        keep |= checks["check"] == "ratio_vs_percent"
    out = checks.loc[keep, cols].copy()
    return out.sort_values(["status", "check", "indicator", "geo_code", "period"]).reset_index(drop=True)


def era_breaks(*, families: Iterable[str] | None = None) -> pd.DataFrame:
    """Definition eras of the catalog's indicators that have a break (more than one era).

    Parameters
    ----------
    families : iterable of str, optional
        Keep only these catalog families (e.g. ``["papi", "online_services"]``).

    Returns
    -------
    pandas.DataFrame
        One row per era: ``indicator``, ``family``, ``from``, ``to`` (ISO dates, ``""`` if open),
        ``comparable_with_previous``, ``legal_basis``, ``rule``.

    Examples
    --------
    >>> eras = era_breaks(families=["online_services"])
    >>> row = eras[(eras["indicator"] == "online_procedure_share") & ~eras["comparable_with_previous"]]
    >>> row["from"].tolist(), row["legal_basis"].tolist()
    (['2022-08-01'], ['Nghị định 42/2022/NĐ-CP'])
    """
    from cchc_research.catalog import load_catalog

    wanted = None if families is None else set(families)
    rows = []
    for code, ind in sorted(load_catalog().items()):
        if len(ind.eras) < 2 or (wanted is not None and ind.family not in wanted):
            continue
        for era in ind.eras:
            rows.append({
                "indicator": code,
                "family": ind.family,
                "from": era.start.isoformat() if era.start else "",
                "to": era.end.isoformat() if era.end else "",
                "comparable_with_previous": bool(era.comparable_with_previous),
                "legal_basis": era.legal_basis,
                "rule": era.rule,
            })
    return pd.DataFrame(rows, columns=["indicator", "family", "from", "to", "comparable_with_previous",
                                       "legal_basis", "rule"])


def provenance_table(manifest_path: str | Path | None = None, *, sha_chars: int = 12) -> pd.DataFrame:
    """Every raw file with its source, publisher, licence, reliability and SHA-256 prefix.

    Parameters
    ----------
    manifest_path : str or Path, optional
        The raw manifest (default ``data/raw/MANIFEST.yaml`` under the project root).
    sha_chars : int
        Number of hexadecimal characters of the SHA-256 to keep.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``file``, ``sha256`` (prefix), ``publisher``, ``licence``,
        ``reliability``, sorted by source and file.

    Raises
    ------
    SchemaError
        If the manifest has no ``sources`` list.

    Examples
    --------
    >>> prov = provenance_table()
    >>> prov.loc[prov["file"] == "seed_facts/seed_facts.csv", "source"].tolist()
    ['seed_facts']
    >>> int(prov["sha256"].str.len().max())
    12
    """
    path = Path(manifest_path) if manifest_path is not None else config.RAW_DIR / "MANIFEST.yaml"
    with open(path, encoding="utf-8") as fh:
        manifest = yaml.safe_load(fh) or {}
    sources = manifest.get("sources")
    if not isinstance(sources, list):
        raise SchemaError(str(path), "manifest has no 'sources' list", file=str(path))
    rows = []
    for src in sources:
        for file, sha in sorted((src.get("files") or {}).items()):
            rows.append({
                "source": src.get("id", ""),
                "file": file,
                "sha256": str(sha)[:sha_chars],
                "publisher": src.get("publisher", ""),
                "licence": src.get("licence", ""),
                "reliability": src.get("reliability", ""),
            })
    out = pd.DataFrame(rows, columns=["source", "file", "sha256", "publisher", "licence", "reliability"])
    return out.sort_values(["source", "file"]).reset_index(drop=True)
