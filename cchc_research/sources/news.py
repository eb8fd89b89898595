"""Reader for headline figures transcribed from news pages (PAR Index, SIPAS, PCI, PAPI, online dossiers, 766).

Two hand-transcribed CSVs in ``data/raw/news_figures/`` (see ``PROVENANCE.md`` there): every row
has the figure as printed (``value_as_published``), the same number with a dot decimal
(``value_numeric``), the source page, publisher, date and a reliability rating.

Reading rules
-------------
* **Values**: ``value_as_published`` is parsed by :func:`cchc_research.parsing.parse_figure`:
  in English notation when it contains English words ("91.87 percent", "90.1 points"), else in
  Vietnamese notation, falling back to English when a dot decimal makes the Vietnamese reading
  malformed ("87.59%", flag ``dot_decimal``). The printed number must equal ``value_numeric``
  (to 1e-6); a difference, or a missing ``value_numeric`` for an exact figure, is a reject —
  never silently resolved. Bounds ("<10%") keep their comparison. Rows with no published value
  (rank only) are rejected.
* **Units**: percentages become shares; PAR Index / SIPAS printed as "points" or "điểm" are
  read as percent (÷ 100, flag ``points_read_as_percent``); "40,62/80 điểm" is a score of 40.62 on
  a scale of 80 (the denominator must match the file's unit ``points_0_80`` / ``points_0_100``).
* **Indicators**: ``PAR_INDEX`` → ``par_index``, ``SIPAS`` → ``sipas``, ``PCI`` → ``pci_weighted``
  (the headline PCI is the weighted index), ``PAPI`` → ``papi_total``,
  ``full_online_dossier_rate_toan_trinh`` → ``full_online_dossier_share``,
  ``online_dossier_rate_level3_4`` and ``online_dossier_rate`` → ``online_dossier_share``,
  ``index_766_total`` → ``index_766``.
* **Geography**: provinces via :func:`cchc_research.geo.resolve_province` (2025 vintage for periods
  from 2025-07-01, flagged ``vintage_2025;not_comparable_63_provinces``); the country ``VN``; the
  mean over provinces ``VN_PROVINCES`` and over ministries ``VN_MINISTRIES`` (level ``country``);
  the six GSO socio-economic regions ``R1``–``R6`` (level ``region``); ministries by abbreviation
  (level ``agency``, :data:`MINISTRIES`).
* **Periods**: ``data_year``, or ``period`` read by :func:`news_period`.
* **Conflicts**: rows giving different values for the same indicator × geography × period ×
  comparison are all kept and flagged ``conflict``; the one the processed panel uses is flagged
  ``preferred``, chosen by (1) reliability, (2) an official publisher (government portal, VNA/TTXVN,
  a ministry or a ``.gov.vn`` site), (3) the earlier publication, (4) file order
  (:data:`CONFLICT_RULE`). The ``conflicts`` side table lists each conflict.

Examples
--------
>>> from cchc_research.sources.news import read_news_figures
>>> res = read_news_figures()
>>> res.check_accounting()
>>> c = res.extra_tables["conflicts"]
>>> c.loc[0, ["indicator", "geo_code", "period", "values"]].tolist()
['par_index', '31', '2023', '0.9187;0.9181']
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from cchc_research import config
from cchc_research.catalog import range_flags
from cchc_research.errors import DataError, ParseError, PeriodError, SchemaError, SourceError
from cchc_research.geo import provinces
from cchc_research.parsing import parse_figure, parse_number
from cchc_research.periods import Period, parse_period
from cchc_research.sources._textfacts import catalog_entry, flags_join, locate_geography
from cchc_research.sources.base import SourceResult, empty_indicators, empty_rejects, reject_row

__all__ = ["SOURCE_ID", "NEWS_DIR", "FILES", "INDICATOR_MAP", "REGIONS", "MINISTRIES", "CONFLICT_RULE",
           "news_period", "read_news_figures", "find_conflicts"]

SOURCE_ID = "news_figures"
NEWS_DIR: Path = config.RAW_DIR / "news_figures"
FILES: tuple[str, ...] = ("par_sipas_pci_papi_headline_figures.csv", "online_services_and_766_figures.csv")
COMMON = ("indicator", "geo_level", "geo_name_vi", "value_as_published", "value_numeric", "unit",
          "source_url", "source_publisher", "source_date", "reliability")
INDICATOR_MAP = {
    "PAR_INDEX": "par_index", "SIPAS": "sipas", "PCI": "pci_weighted", "PAPI": "papi_total",
    "full_online_dossier_rate_toan_trinh": "full_online_dossier_share",
    "online_dossier_rate_level3_4": "online_dossier_share", "online_dossier_rate": "online_dossier_share",
    "index_766_total": "index_766",
}
#: GSO socio-economic regions (codes R1-R6 in the GSO order).
REGIONS = {
    "Đồng bằng sông Hồng": "R1", "Trung du và miền núi phía Bắc": "R2",
    "Bắc Trung Bộ và Duyên hải miền Trung": "R3", "Tây Nguyên": "R4", "Đông Nam Bộ": "R5",
    "Đồng bằng sông Cửu Long": "R6",
}
#: Ministries appearing in the files: name → agency code.
MINISTRIES = {"Bộ Công Thương": "BCT"}
_NATIONAL = {"national": ("VN", "Việt Nam"), "national_mean_provinces": ("VN_PROVINCES", None),
             "national_provinces": ("VN_PROVINCES", None), "national_ministries": ("VN_MINISTRIES", None)}
_SCALES = {"points_0_80": 80, "points_0_100": 100}
_PERCENT_UNITS = {"percent", "percent_of_dossiers"}
_RELIABILITY = {"high": "high", "medium-high": "medium-high", "medium": "medium", "low": "low",
                "low-medium": "low"}
_RANK = ("high", "medium-high", "medium", "low-medium", "low")
_OFFICIAL = re.compile(r"VGP|Cổng TTĐT|TTXVN|\bVNA\b|\bBộ |Government portal", re.IGNORECASE)
CONFLICT_RULE = ("keep all values; prefer (1) higher reliability, (2) official publisher (government portal, "
                 "VNA/TTXVN, ministry, .gov.vn), (3) earlier publication, (4) file order")


def news_period(text: str) -> tuple[Period, list[str]]:
    """Read the ``period`` column of the online-services file.

    Canonical labels and ranges go to :func:`~cchc_research.periods.parse_period`; the
    transcriber's shorthand is read as follows: ``a..YYYY-MM-early`` ends on the 10th of that month
    (``period_end_approximate``); ``YYYY-MM-end`` is that month (``period_approximate``);
    ``as_of_YYYY-MM-DD (...)`` is that day (``snapshot``), or the year to that day when the note
    says "to date" (``year_to_date``). Anything else is a :class:`~cchc_research.errors.PeriodError`.

    Examples
    --------
    >>> news_period("2024-01-01..2024-12-31")[0].label
    '2024'
    >>> news_period("2022-01-01..2022-11-early")[0].label
    '2022-01-01..2022-11-10'
    >>> p, f = news_period("as_of_2024-08-19 (year 2024 to date)")
    >>> p.label, f
    ('2024-01-01..2024-08-19', ['year_to_date'])
    """
    t = text.strip()
    try:
        p = parse_period(t)
    except PeriodError as err:
        first = err
    else:  # a range covering exactly one calendar year is that year
        whole_year = (p.start.month, p.start.day, p.end.month, p.end.day) == (1, 1, 12, 31)
        return (Period.year(p.start.year) if whole_year and p.start.year == p.end.year else p), []
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2})-early", t)
    if m:
        return parse_period(f"{m.group(1)}..{m.group(2)}-10"), ["period_end_approximate"]
    m = re.fullmatch(r"(\d{4}-\d{2})-end", t)
    if m:
        return parse_period(m.group(1)), ["period_approximate"]
    m = re.fullmatch(r"as_of_(\d{4})(-\d{2}-\d{2})\s*\((.*)\)", t)
    if m:
        day = m.group(1) + m.group(2)
        note = m.group(3).lower()
        flags = ["weekly_snapshot"] if "week" in note else []
        if "34-province" in note:
            flags.append("system_34_provinces")
        if "to date" in note:
            return parse_period(f"{m.group(1)}-01-01..{day}"), ["year_to_date", *flags]
        return parse_period(f"{day}..{day}"), ["snapshot", *flags]
    raise PeriodError(text, first.reason + " (nor a known shorthand: '..YYYY-MM-early', 'YYYY-MM-end', 'as_of_…')")


def _locale(text: str) -> str:
    return "en" if re.search(r"\b(percent|points?|per cent)\b", text, re.IGNORECASE) else "vi"


def _read_value(rec: dict, file: str, row: int):
    """Parse value_as_published, check it against value_numeric; return (Figure, printed, flags)."""
    raw = rec["value_as_published"]
    loc = {"file": file, "row": row, "column": "value_as_published"}
    if not raw.strip():
        raise SchemaError(raw, "no value published (rank only)", **loc)
    flags: list[str] = []
    locale = _locale(raw)
    try:
        fig = parse_figure(raw, locale, **loc)
    except ParseError:
        if locale == "en":
            raise
        fig = parse_figure(raw, "en", **loc)
        flags.append("dot_decimal")
    if fig.comparison == "between":
        raise SchemaError(raw, f"a range ({fig.low} to {fig.high}) is not one value", **loc)
    if fig.unit == "ratio":
        scale = _SCALES.get(rec["unit"])
        if scale is None or fig.denominator != scale:
            raise SchemaError(raw, f"'x/{fig.denominator}' does not match the unit {rec['unit']!r}", **loc)
        printed = fig.numerator
    else:
        printed = fig.value * 100 if fig.unit == "share" else fig.value
    stated = rec["value_numeric"].strip()
    if not stated:
        if fig.comparison == "==":
            raise SchemaError(raw, "value_numeric is empty for an exact figure", file=file, row=row,
                              column="value_numeric")
        flags.append("bound_only")
    else:
        numeric = parse_number(stated, "en", file=file, row=row, column="value_numeric")
        if abs(float(numeric) - float(printed)) > 1e-6:
            raise SchemaError(stated, f"value_numeric disagrees with value_as_published {raw!r} "
                              f"(read as {printed:g})", file=file, row=row, column="value_numeric")
    return fig, printed, flags


def _to_catalog_unit(fig, printed, rec, entry, file, row) -> tuple[float, list[str]]:
    loc = {"file": file, "row": row, "column": "value_as_published"}
    if entry.unit == "share":
        if fig.unit == "share":
            return fig.value, []
        if rec["unit"] in _PERCENT_UNITS:
            return float(printed) / 100, ["points_read_as_percent"]
    elif entry.unit in ("index", "score") and fig.unit != "share":
        return float(printed), []
    raise SchemaError(rec["value_as_published"], f"cannot express a {fig.unit} in {rec['unit']!r} as "
                      f"catalog unit {entry.unit!r}", **loc)


def _geography(rec: dict, when: date, file: str, row: int) -> tuple[str, str, str, list[str]]:
    level, name = rec["geo_level"].strip(), rec["geo_name_vi"].strip()
    if level in _NATIONAL:
        code, label = _NATIONAL[level]
        return code, label or name, "country", ([] if code == "VN" else ["mean_of_units"])
    if level == "region_mean":
        valid = set(provinces()["region"].dropna())
        if name not in REGIONS or name not in valid:
            raise SchemaError(name, "unknown socio-economic region", file=file, row=row, column="geo_name_vi")
        return REGIONS[name], name, "region", ["mean_of_provinces"]
    if level == "ministry":
        if name not in MINISTRIES:
            raise SchemaError(name, "unknown ministry (add it to news.MINISTRIES)", file=file, row=row,
                              column="geo_name_vi")
        return MINISTRIES[name], name, "agency", []
    if level == "province":
        flags = []
        if re.search(r"\s*\(merged\)$", name):
            name, flags = re.sub(r"\s*\(merged\)$", "", name), ["merged_province"]
        place = locate_geography(name, "province", when, file=file, row=row, column="geo_name_vi")
        if place.flags:
            flags += [*place.flags, "not_comparable_63_provinces"]
        return place.code, place.name, "province", flags
    raise SchemaError(level, "unknown geo_level", file=file, row=row, column="geo_level")


def _read_row(rec: dict, file: str, row: int) -> dict:
    loc = {"file": file, "row": row}
    code = INDICATOR_MAP.get(rec["indicator"])
    if code is None:
        raise SchemaError(rec["indicator"], "indicator not mapped to a catalog code", column="indicator", **loc)
    entry = catalog_entry(code, file=file, row=row, column="indicator")
    reliability = _RELIABILITY.get(rec["reliability"].strip())
    if reliability is None:
        raise SchemaError(rec["reliability"], f"reliability must be one of {sorted(_RELIABILITY)}",
                          column="reliability", **loc)
    flags = [] if reliability == rec["reliability"] else [f"reliability_as_published={rec['reliability']}"]
    column = "period" if "period" in rec else "data_year"
    try:
        if column == "period":
            period, pflags = news_period(rec["period"])
        else:
            period, pflags = parse_period(rec["data_year"].strip()), []
    except PeriodError as err:
        raise err.located(column=column, **loc) from None
    flags += pflags
    fig, printed, vflags = _read_value(rec, file, row)
    value, uflags = _to_catalog_unit(fig, printed, rec, entry, file, row)
    uflags = uflags + range_flags(value, entry.valid_range)  # kept and flagged, never clipped
    geo_code, geo_name, level, gflags = _geography(rec, period.start, file, row)
    num = den = None
    for col in ("numerator", "denominator"):
        if rec.get(col, "").strip():
            v = parse_number(rec[col], "en", column=col, **loc)
            num, den = (v, den) if col == "numerator" else (num, v)
    if num is not None and den is not None and num > den:
        raise SchemaError(rec["numerator"], "numerator greater than denominator", column="numerator", **loc)
    note = rec.get("note", "")
    flags += vflags + uflags + gflags
    flags += ["conflict_noted"] if "CONFLICT" in note else []
    flags += ["data_year_uncertain"] if "data_year uncertain" in note else []
    flags += ["source_date_uncertain"] if ("?" in rec["source_date"] or rec["source_date"] == "unknown") else []
    if rec.get("rank", "").strip():
        flags.append(f"rank={rec['rank']}" + (f"/{rec['rank_of']}" if rec.get("rank_of", "").strip() else ""))
    if fig.approximate:
        flags.append("approximate")
    return {
        "indicator": code, "geo_code": geo_code, "geo_name": geo_name, "geo_level": level,
        "period": period.label, "period_start": pd.Timestamp(period.start), "period_end": pd.Timestamp(period.end),
        "value": float(value), "unit": entry.unit, "comparison": fig.comparison,
        "numerator": num, "denominator": den, "source_id": f"{SOURCE_ID}:{Path(file).stem}#{row}",
        "source_file": file, "raw_row": row, "quote": pd.NA, "raw_value": rec["value_as_published"],
        "reliability": reliability, "_flags": flags, "simulated": False,
        "_publisher": rec["source_publisher"], "_url": rec["source_url"], "_date": rec["source_date"],
        "_rel_rank": _RANK.index(rec["reliability"].strip()),
    }


def find_conflicts(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    """Detect conflicting values and choose one (see :data:`CONFLICT_RULE`).

    Parameters
    ----------
    frame : DataFrame
        Indicator rows with the private columns ``_publisher``, ``_url``, ``_date``, ``_rel_rank``.

    Returns
    -------
    (DataFrame, dict)
        The conflicts table (indicator, geo_code, geo_name, period, comparison, values, sources,
        publishers, chosen, chosen_value, rule) and, per frame index, flags to add.
    """
    out, add = [], {}
    keys = ["indicator", "geo_code", "period", "comparison"]
    for key, g in frame.groupby(keys, sort=True):
        if g["value"].round(10).nunique() < 2:
            continue
        official = (g["_publisher"].str.contains(_OFFICIAL) | g["_url"].str.contains(r"\.gov\.vn")).astype(int)
        order = g.assign(_off=-official, _d=g["_date"].str.replace("?", "", regex=False)).sort_values(
            ["_rel_rank", "_off", "_d", "raw_row"], kind="stable")
        chosen = order.index[0]
        for i in g.index:
            add[i] = ["conflict"] + (["preferred"] if i == chosen else [])
        out.append({
            **dict(zip(keys, key)), "geo_name": g["geo_name"].iloc[0],
            "values": ";".join(f"{v:g}" for v in order["value"]),
            "sources": ";".join(order["source_id"]), "publishers": ";".join(order["_publisher"]),
            "chosen": frame.loc[chosen, "source_id"], "chosen_value": float(frame.loc[chosen, "value"]),
            "rule": CONFLICT_RULE,
        })
    cols = ["indicator", "geo_code", "geo_name", "period", "comparison", "values", "sources", "publishers",
            "chosen", "chosen_value", "rule"]
    return pd.DataFrame(out, columns=cols).astype({c: "string" for c in cols if c != "chosen_value"}), add


def read_news_figures(news_dir: str | Path | None = None, files: tuple[str, ...] = FILES) -> SourceResult:
    """Read the news-figure CSVs into indicator rows, rejects and a conflicts table.

    Parameters
    ----------
    news_dir : str or Path, optional
        Folder of the CSVs (default :data:`NEWS_DIR`).
    files : tuple of str
        File names to read (default :data:`FILES`).

    Returns
    -------
    SourceResult
        ``extra_tables["conflicts"]`` lists the conflicting values and the chosen one.

    Raises
    ------
    SourceError
        A file is missing or unreadable.
    SchemaError
        A file lacks a required column.
    """
    news_dir = Path(news_dir or NEWS_DIR)
    records, rejects, rows_read = [], [], 0
    for name in files:
        path = news_dir / name
        file = f"news_figures/{name}"
        if not path.exists():
            raise SourceError(str(path), "news-figures file not found", file=file)
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        except (UnicodeDecodeError, pd.errors.ParserError) as err:
            raise SourceError(str(path), f"not a readable UTF-8 CSV: {err}", file=file) from None
        needed = COMMON + (("period",) if "period" in frame.columns else ("data_year",))
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise SchemaError(missing, "required column(s) missing", file=file, column=missing[0])
        rows_read += len(frame)
        for row, rec in enumerate(frame.to_dict("records"), start=1):
            try:
                records.append(_read_row(rec, file, row))
            except DataError as err:
                rejects.append(reject_row(SOURCE_ID, err.located(file=file, row=row)))
    frame = pd.DataFrame(records)
    if frame.empty:
        indicators, conflicts = empty_indicators(), find_conflicts(pd.DataFrame(columns=["indicator"]))[0]
    else:
        conflicts, add = find_conflicts(frame)
        frame["flags"] = [flags_join(f + add.get(i, [])) for i, f in zip(frame.index, frame["_flags"])]
        indicators = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    result = SourceResult(SOURCE_ID, indicators, pd.DataFrame(rejects) if rejects else empty_rejects(),
                          rows_read=rows_read, extra_tables={"conflicts": conflicts})
    result.check_accounting()
    return result
