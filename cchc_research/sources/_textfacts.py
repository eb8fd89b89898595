"""Figures, units, periods and places as written in Vietnamese text (shared by the text readers).

The helpers that :mod:`cchc_research.sources.seed_facts` (figures transcribed from the seed
documents) and :mod:`cchc_research.sources.news` (headline figures from news pages) both use:

* :func:`parse_value` reads a printed figure with the :mod:`cchc_research.parsing` function that
  its ``value_kind`` names and returns a :class:`ParsedValue`;
* :func:`catalog_entry` and :func:`convert_to_unit` check it against the indicator catalog
  (unit and valid range);
* :func:`anchor_period` reads a period as written ("quý I", "tính đến nay", "giai đoạn
  2020 - 2025"), anchoring relative expressions to the publication date;
* :func:`locate_geography` resolves a place name with :mod:`cchc_research.geo` in the province
  vintage of its date and returns a :class:`Place`;
* :func:`normalize_ws` and :func:`flags_join` tidy quotes and ``;``-joined flags.

Every failure is a :class:`~cchc_research.errors.DataError` subclass carrying file, row and
column, so that the readers can turn it into a reject.

Examples
--------
>>> from datetime import date
>>> v = parse_value("97,6%", "percent")
>>> v.value, v.kind
(0.976, 'share')
>>> anchor_period("6 tháng đầu năm", date(2019, 7, 15))[0].label
'2019-H1'
>>> locate_geography("Hà Nội", "province", date(2024, 1, 1)).code
'01'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cchc_research.catalog import range_flags
from cchc_research.errors import DataError, PeriodError, SchemaError
from cchc_research.geo import match_key, resolve_district, resolve_province
from cchc_research.parsing import parse_figure, parse_number, parse_percent, parse_ratio
from cchc_research.periods import Period, parse_period
from cchc_research.text import match_text

__all__ = [
    "VALUE_KINDS",
    "normalize_ws",
    "flags_join",
    "ParsedValue",
    "parse_value",
    "catalog_entry",
    "convert_to_unit",
    "anchor_period",
    "Place",
    "locate_geography",
]

#: Values of the ``value_kind`` column and the parsing function each names (:func:`parse_value`).
VALUE_KINDS = ("number", "percent", "ratio", "figure", "rank")


def normalize_ws(text: str) -> str:
    """Collapse runs of whitespace (line breaks included) to one space and strip.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_ws(" quý  I\\n năm 2024 ")
    'quý I năm 2024'
    """
    return re.sub(r"\s+", " ", text).strip()


def flags_join(flags: list[str]) -> str | None:
    """Join flags with ``;`` keeping first occurrences in order; ``None`` when there are none.

    Parameters
    ----------
    flags : list of str
        Flags; blanks are dropped and surrounding whitespace is stripped.

    Returns
    -------
    str or None

    Examples
    --------
    >>> flags_join(["target", " approximate ", "", "target"]), flags_join([])
    ('target;approximate', None)
    """
    seen = list(dict.fromkeys(f.strip() for f in flags if f and f.strip()))
    return ";".join(seen) if seen else None


@dataclass(frozen=True)
class ParsedValue:
    """A figure read by :mod:`cchc_research.parsing`: ``kind`` is share, count, number or rank.

    Attributes
    ----------
    value : float
        The figure (shares as fractions; a rank ``r/n`` has value ``r``).
    kind : {"share", "count", "number", "rank"}
    comparison : {"==", ">=", ">", "<=", "<"}
        From a printed qualifier ("trên 60%" → ``">"``).
    numerator, denominator : float, optional
        The counts of a ratio ``a/b`` (a rank keeps ``n`` as denominator).
    approximate : bool
        The figure was printed as approximate ("khoảng", "gần").
    """

    value: float
    kind: str
    comparison: str = "=="
    numerator: float | None = None
    denominator: float | None = None
    approximate: bool = False


def parse_value(raw: str, value_kind: str, *, locale: str = "vi", file=None, row=None,
                column=None) -> ParsedValue:
    """Parse ``raw`` with the parsing function that ``value_kind`` names.

    Parameters
    ----------
    raw : str
        The figure as printed ("443.915/454.821", "trên 60%").
    value_kind : {"number", "percent", "ratio", "figure", "rank"}
        ``number`` → :func:`~cchc_research.parsing.parse_number`, ``percent`` →
        :func:`~cchc_research.parsing.parse_percent`, ``ratio`` / ``rank`` →
        :func:`~cchc_research.parsing.parse_ratio`, ``figure`` →
        :func:`~cchc_research.parsing.parse_figure` (see :data:`VALUE_KINDS`).
    locale : {"vi", "en"}
        Number notation.
    file, row, column : optional
        Location reported in errors.

    Returns
    -------
    ParsedValue

    Raises
    ------
    ParseError
        Malformed figure.
    SchemaError
        A ratio whose numerator exceeds its denominator, or a rank outside 1..n.

    Examples
    --------
    >>> parse_value("443.915/454.821", "ratio").numerator
    443915
    >>> parse_value("trên 60%", "figure")
    ParsedValue(value=0.6, kind='share', comparison='>', numerator=None, denominator=None, approximate=False)
    >>> parse_value("19/63", "rank").value
    19
    """
    loc = {"file": file, "row": row, "column": column}
    if value_kind == "number":
        v = parse_number(raw, locale, **loc)
        return ParsedValue(v, "count" if isinstance(v, int) and v >= 0 else "number")
    if value_kind == "percent":
        return ParsedValue(parse_percent(raw, locale, **loc), "share")
    if value_kind in ("ratio", "rank"):
        num, den = parse_ratio(raw, locale, **loc)
        if value_kind == "rank":
            if not (isinstance(num, int) and 1 <= num <= den):
                raise SchemaError(raw, "a rank 'r/n' needs an integer 1 <= r <= n", **loc)
            return ParsedValue(num, "rank", denominator=den)
        if num > den:
            raise SchemaError(raw, "numerator greater than denominator", **loc)
        return ParsedValue(num / den, "share", numerator=num, denominator=den)
    if value_kind == "figure":
        f = parse_figure(raw, locale, **loc)
        if f.comparison == "between":
            raise SchemaError(raw, f"a range ({f.low} to {f.high}) is not one value; record its "
                              "bounds as two figures ('từ …', 'không quá …')", **loc)
        if f.unit == "ratio":
            if f.numerator > f.denominator:
                raise SchemaError(raw, "numerator greater than denominator", **loc)
            return ParsedValue(f.value, "share", f.comparison, f.numerator, f.denominator, f.approximate)
        return ParsedValue(f.value, f.unit, f.comparison, approximate=f.approximate)
    raise SchemaError(value_kind, f"unknown value_kind (one of {VALUE_KINDS})", file=file, row=row,
                      column="value_kind")


#: Which parsed kinds each catalog unit accepts.
_UNIT_ACCEPTS = {
    "share": ("share",), "count": ("count",), "days": ("count", "number"), "rank": ("count", "rank"),
    "score": ("count", "number"), "index": ("count", "number"),
}


def catalog_entry(code: str, *, file=None, row=None, column="indicator"):
    """The catalog entry of ``code``; :class:`SchemaError` when the catalog does not define it.

    Parameters
    ----------
    code : str
        Indicator code.
    file, row, column : optional
        Location reported in errors (``column`` defaults to ``"indicator"``).

    Returns
    -------
    Indicator
        The entry of :func:`cchc_research.catalog.load_catalog`.

    Raises
    ------
    SchemaError
        The catalog does not define ``code``.

    Examples
    --------
    >>> e = catalog_entry("on_time_rate")
    >>> e.unit, e.polarity
    ('share', 'higher_better')
    """
    from cchc_research.catalog import load_catalog

    catalog = load_catalog()
    if code not in catalog:
        raise SchemaError(code, "indicator code not in the catalog (cchc_research/resources/catalog)",
                          file=file, row=row, column=column)
    return catalog[code]


def convert_to_unit(parsed: ParsedValue, entry, *, file=None, row=None, column=None
                    ) -> tuple[float, str, list[str]]:
    """Check the parsed figure fits the catalog unit and range; return (value, unit, flags).

    Parameters
    ----------
    parsed : ParsedValue
        Output of :func:`parse_value`.
    entry : Indicator
        Catalog entry (:func:`catalog_entry`): its ``unit`` says which parsed kinds it accepts
        (a share only a share, a rank a rank or a count …), its ``valid_range`` bounds the value.
    file, row, column : optional
        Location reported in errors.

    Returns
    -------
    (float, str, list of str)
        The value, the catalog unit and flags (``rank_of=n`` for a rank ``r/n``;
        ``outside_valid_range`` for a value outside the catalog's ``valid_range``, kept as
        published, see :func:`cchc_research.catalog.range_flags`).

    Raises
    ------
    SchemaError
        The parsed kind does not fit the unit.

    Examples
    --------
    >>> convert_to_unit(parse_value("97,6%", "percent"), catalog_entry("on_time_rate"))
    (0.976, 'share', [])
    >>> convert_to_unit(parse_value("3/63", "rank"), catalog_entry("par_index_rank"))
    (3.0, 'rank', ['rank_of=63'])
    """
    unit = entry.unit
    if parsed.kind not in _UNIT_ACCEPTS.get(unit, ()):
        raise SchemaError(parsed.value, f"a {parsed.kind} figure cannot be a value of "
                          f"{entry.code!r} (catalog unit {unit!r})", file=file, row=row, column=column)
    flags = [f"rank_of={parsed.denominator}"] if parsed.kind == "rank" else []
    flags += range_flags(parsed.value, getattr(entry, "valid_range", None))
    return float(parsed.value), unit, flags


_AS_OF_NOW = {"tính đến nay", "đến nay", "hiện nay", "hiện tại", "tính đến thời điểm này"}
_PLAN = re.compile(r"giai đoạn (\d{4}) ?[-–] ?(\d{4})")
_UNTIL_DAY = re.compile(r"(?:tính )?đến ngày (\d{1,2})/(\d{1,2})")


def anchor_period(raw: str, published: date, *, file=None, row=None, column=None
                  ) -> tuple[Period, list[str]]:
    """Read a period as written, anchoring relative expressions to the publication date.

    Rules, in order: empty or "tính đến nay" / "hiện nay" → the publication day (a stock as of
    publication); any label :func:`~cchc_research.periods.parse_period` reads; "năm nay" → the
    publication year; "giai đoạn 2020 - 2025" → 2020-01-01..2025-12-31; "đến ngày 14/3" → that
    day of the publication year; a label without a year ("quý I", "6 tháng đầu năm") → the
    label in the publication year. A relative period may not end after the publication date.

    Parameters
    ----------
    raw : str
        The period as written ("quý I", "tính đến nay", "giai đoạn 2020 - 2025", "2024").
    published : datetime.date
        Publication date of the document.
    file, row, column : optional
        Location reported in errors.

    Returns
    -------
    (Period, list of str)
        The period and flags saying how it was read (``as_of_publication``,
        ``period_not_stated``, ``year_from_publication``, ``plan_period``, ``as_of``).

    Raises
    ------
    PeriodError
        Unreadable or impossible period.

    Examples
    --------
    >>> from datetime import date
    >>> p, flags = anchor_period("quý I", date(2024, 4, 28))
    >>> p.label, flags
    ('2024-Q1', ['year_from_publication'])
    >>> anchor_period("giai đoạn 2020 - 2025", date(2021, 4, 7))[0].label
    '2020-01-01..2025-12-31'
    >>> anchor_period("đến ngày 14/3", date(2024, 4, 28))[0].label
    '2024-03-14..2024-03-14'
    """
    loc = {"file": file, "row": row, "column": column}
    try:
        text = match_text(raw).rstrip(".")
    except DataError as err:
        raise PeriodError(raw, err.reason, **loc) from None
    pub = Period.range(published, published)
    if not text:
        return pub, ["period_not_stated", "as_of_publication"]
    if text in _AS_OF_NOW:
        return pub, ["as_of_publication"]
    try:
        return parse_period(raw), []
    except PeriodError as err:
        first_error = err
    try:
        if text == "năm nay":
            return Period.year(published.year), ["year_from_publication"]
        m = _PLAN.fullmatch(text)
        if m:
            return parse_period(f"{m.group(1)}-01-01..{m.group(2)}-12-31"), ["plan_period"]
        m = _UNTIL_DAY.fullmatch(text)
        if m:
            day = f"{m.group(1)}/{m.group(2)}/{published.year}"
            period, flags = parse_period(f"{day} - {day}"), ["as_of", "year_from_publication"]
        elif not re.search(r"\d{4}", text):
            period, flags = parse_period(f"{text} {published.year}"), ["year_from_publication"]
        else:
            raise first_error
    except PeriodError as err:
        raise PeriodError(raw, err.reason, **loc) from None
    if period.end > published:
        raise PeriodError(raw, f"relative period ends ({period.end}) after publication ({published})", **loc)
    return period, flags


@dataclass(frozen=True)
class Place:
    """A resolved geography: ``code``, ``name`` (Vietnamese), ``level`` and flags.

    Attributes
    ----------
    code : str
        GSO code (``"VN"`` for the country).
    name : str
        Vietnamese name.
    level : {"country", "province", "district"}
    flags : tuple of str
        ``("vintage_2025",)`` for a province resolved in the 2025 (34-province) vintage.
    """

    code: str
    name: str
    level: str
    flags: tuple[str, ...] = ()


_COUNTRY = {"vietnam", "canuoc", "toanquoc", "vn"}  # match_key drops spaces


def locate_geography(name: str, level: str, when: date, *, file=None, row=None,
                     column: str = "geo_name_raw") -> Place:
    """Resolve a place name at ``level`` as of ``when`` with :mod:`cchc_research.geo`.

    Provinces use the 2004 vintage before 2008-08-01, the 2025 vintage from 2025-07-01
    (flag ``vintage_2025``) and the 63 provinces otherwise; districts are HCMC districts.

    Parameters
    ----------
    name : str
        The place as written ("TP.HCM", "cả nước").
    level : {"country", "province", "district"}
    when : datetime.date
        Date the figure refers to (start of its period); picks the administrative vintage.
    file, row, column : optional
        Location reported in errors (``column`` defaults to ``"geo_name_raw"``).

    Returns
    -------
    Place

    Raises
    ------
    UnknownGeographyError
        The name matches no unit.
    SchemaError
        Unknown ``level``.

    Examples
    --------
    >>> from datetime import date
    >>> locate_geography("TP.HCM", "province", date(2024, 1, 1))
    Place(code='79', name='Hồ Chí Minh', level='province', flags=())
    """
    loc = {"file": file, "row": row, "column": column}
    try:
        if level == "country":
            if match_key(name) not in _COUNTRY:
                raise SchemaError(name, "a country-level row must name Việt Nam / cả nước", **loc)
            return Place("VN", "Việt Nam", "country")
        if level == "province":
            vintage = 2025 if when >= date(2025, 7, 1) else 2008 if when >= date(2008, 8, 1) else 2004
            p = resolve_province(name, vintage=vintage)
            return Place(p.geo_code, p.name_vi, "province", ("vintage_2025",) if vintage == 2025 else ())
        if level == "district":
            d = resolve_district(name, when.year)
            return Place(d.geo_code, d.name_vi, "district")
    except DataError as err:
        raise err.located(**loc) from None
    raise SchemaError(level, "geo_level must be country, province or district", file=file, row=row,
                      column="geo_level")
