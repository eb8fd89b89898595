"""Tables as a reader sees them: localized headers and values, no index, fixed decimals, scrolling.

:func:`show_table` is the one way a notebook shows a table. It

* looks every column header up in the message catalogs (study, then ``common``, then indicator
  names) — a header with no translation raises
  :class:`~cchc_research.errors.TranslationError`, so no ``snake_case`` name reaches a report;
* writes every cell in the report's locale (:mod:`~cchc_research.reporting.fmt`): integers as
  integers (``1.827``), one fixed number of decimals per column, fractions as percentages where
  asked, booleans as Có/Không, missing values as ``—``, category values (``met``, ``ok``…)
  through the catalogs;
* never shows the pandas index (a meaningful index is reset into columns first);
* wraps the table in a horizontally scrolling block, so a wide table never runs off the page;
* with ``output_dir`` set (report runs), saves ``tables/<key>.csv`` (UTF-8 with BOM, so Excel
  reads Vietnamese; raw values, localized headers) and adds a sheet ``<key>`` to the run's
  workbook ``tables/report.xlsx`` (openpyxl).

Examples
--------
>>> import pandas as pd
>>> view = show_table(pd.DataFrame({"year": [2023, 2024], "on_time_rate": [0.9761, 0.98],
...                                 "source": ["a", None]}), "demo", "vi",
...                   formats={"on_time_rate": "percent:1"}, caption=False)
>>> view.frame.to_dict("records")[0]
{'Năm': '2023', 'Tỷ lệ đúng hạn': '97,6 %', 'Nguồn': 'a'}
>>> view.frame.iloc[1, 2]
'—'
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import InvalidArgumentError
from cchc_research.reporting import fmt
from cchc_research.reporting.artifacts import slug
from cchc_research.reporting.i18n import Messages, check_lang

__all__ = ["TableView", "show_table", "column_format", "localize_frame", "WORKBOOK_NAME", "TABLE_CSS"]

#: File name of the per-run workbook (one sheet per table), under ``tables/``.
WORKBOOK_NAME = "report.xlsx"

#: Styles of the table block (inline, so a report HTML needs no extra stylesheet).
TABLE_CSS = (
    "<style>div.cchc-table{overflow-x:auto;max-width:100%;margin:.4em 0 1.2em}"
    "div.cchc-table table.cchc{border-collapse:collapse;font-size:.88em;margin:0;table-layout:auto!important;"
    "width:max-content;max-width:none}"
    "div.cchc-table table th,div.cchc-table table td{border:1px solid #d0d7de;padding:.25em .55em;"
    "vertical-align:top}"
    "div.cchc-table table th{background:#f6f8fa;text-align:left!important;font-weight:600;max-width:18em}"
    "div.cchc-table table td.num{text-align:right!important;white-space:nowrap}"
    "div.cchc-table table td.txt{text-align:left!important;max-width:19em;overflow-wrap:anywhere}"
    "div.cchc-table table caption{caption-side:top;text-align:left;font-weight:600;padding:.3em 0}</style>"
)

_KINDS = ("int", "year", "period", "decimal", "signed", "percent", "pvalue", "bool", "date", "text", "category", "code")


def _is_year_name(name: Any) -> bool:
    text = str(name).lower()
    return text == "year" or text.endswith("_year") or text.startswith("year_") or text in ("nam", "năm")


def column_format(series: pd.Series) -> tuple[str, int | None]:
    """The display format of a column when none is given: ``(kind, decimals)``.

    Booleans → ``bool``; a column named ``year`` / ``*_year`` → ``year`` (never grouped); integers (and floats that are all whole) → ``int``; other floats →
    ``decimal`` with one fixed number of decimals for the column: enough for three significant
    digits of the smallest non-zero magnitude, between 0 and 4; everything else → ``text``.

    Examples
    --------
    >>> column_format(pd.Series([2023, 2024], name="year"))
    ('year', None)
    >>> column_format(pd.Series([1.0, 2.0])), column_format(pd.Series([0.0031, 0.25]))
    (('int', None), ('decimal', 4))
    >>> column_format(pd.Series([12.5, 130.25])), column_format(pd.Series(["a"]))
    (('decimal', 1), ('text', None))
    """
    s = series.dropna()
    if pd.api.types.is_bool_dtype(series.dtype) or (len(s) and all(isinstance(v, bool | np.bool_) for v in s)):
        return "bool", None
    if _is_year_name(series.name) and (pd.api.types.is_integer_dtype(series.dtype)
                                       or pd.api.types.is_float_dtype(series.dtype)):
        return "year", None
    if pd.api.types.is_integer_dtype(series.dtype):
        return "int", None
    if pd.api.types.is_float_dtype(series.dtype):
        vals = s.to_numpy(dtype=float)
        vals = vals[np.isfinite(vals)]
        if len(vals) == 0 or np.all(vals == np.round(vals)):
            return "int", None
        smallest = float(np.min(np.abs(vals[vals != 0])))
        decimals = int(min(4, max(0, 2 - math.floor(math.log10(smallest)))))
        return "decimal", decimals
    return "text", None


def _parse_format(spec: str) -> tuple[str, int | None]:
    kind, _, dec = spec.partition(":")
    if kind not in _KINDS:
        raise InvalidArgumentError(f"unknown column format {spec!r} (kinds: {', '.join(_KINDS)}; e.g. 'percent:1')")
    return kind, (int(dec) if dec else None)


def localize_frame(frame: pd.DataFrame, lang: str, study: str = "common", *,
                   formats: Mapping[str, str] | None = None,
                   headers: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The strings a reader sees: every cell formatted, every header translated.

    Parameters
    ----------
    frame : pandas.DataFrame
        Raw values (index ignored; reset it first if it carries data).
    lang : {"vi", "en"}
    study : str
        Message catalog for headers and category values.
    formats : mapping, optional
        Column → ``kind[:decimals]`` with kind among ``int``, ``decimal``, ``signed``,
        ``percent`` (fractions), ``pvalue``, ``bool``, ``date``, ``period`` (``2024-Q1`` → ``quý I/2024``),
        ``text`` (shown as is),
        ``code`` (identifiers, as is) and ``category`` (each value looked up in the catalogs).
        Columns not listed use :func:`column_format`.
    headers : mapping, optional
        Column → message key for the header (default: the column name itself).

    Returns
    -------
    (pandas.DataFrame, dict)
        The string frame with translated headers, and the column → kind map used (``"num"`` or
        ``"txt"`` for alignment).

    Raises
    ------
    TranslationError
        A header or category value without a message.
    """
    msg = Messages(study, check_lang(lang))
    formats = dict(formats or {})
    headers = dict(headers or {})
    unknown = sorted(set(formats) - set(frame.columns)) + sorted(set(headers) - set(frame.columns))
    if unknown:
        raise InvalidArgumentError(f"formats/headers name columns not in the table: {unknown}")
    out, align = {}, {}
    for col in frame.columns:
        kind, dec = _parse_format(formats[col]) if col in formats else column_format(frame[col])
        values = frame[col].tolist()
        if kind == "category":
            cells = [fmt.MISSING if fmt.is_missing(v) else fmt.boolean(v, lang) if isinstance(v, bool)
                     else msg(str(v)) for v in values]
        elif kind in ("text", "code"):
            cells = [fmt.cell(v, lang) if (isinstance(v, bool | np.bool_) or fmt.is_missing(v))
                     else str(v) for v in values]
        else:
            cells = [fmt.cell(v, lang, kind, dec) for v in values]
        head = headers.get(col, str(col))
        name = head if head.isdigit() else msg(head)  # year columns of a crosstab keep their number
        if name in out:
            raise InvalidArgumentError(f"two columns show the same header {name!r}")
        out[name] = cells
        align[name] = "num" if kind in ("int", "decimal", "signed", "percent", "pvalue") else "txt"
    return pd.DataFrame(out, columns=list(out), dtype=object), align


class TableView:
    """A localized table: shown as HTML in notebooks and reports, plain text elsewhere.

    Attributes
    ----------
    frame : pandas.DataFrame
        The strings shown (translated headers).
    raw : pandas.DataFrame
        The values the table was made from (what the CSV and the workbook hold).
    key : str
        Table key (file names; caption message ``table_<key>``).
    caption : str or None
    """

    def __init__(self, frame: pd.DataFrame, raw: pd.DataFrame, key: str, caption: str | None,
                 align: dict[str, str]) -> None:
        self.frame, self.raw, self.key, self.caption, self._align = frame, raw, key, caption, align

    def cells(self) -> list[str]:
        """Every shown cell (headers excluded), row by row."""
        return [str(v) for row in self.frame.itertuples(index=False) for v in row]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        rows = []
        for row in self.frame.itertuples(index=False):
            tds = "".join(f'<td class="{self._align[c]}">{html.escape(str(v))}</td>'
                          for c, v in zip(self.frame.columns, row))
            rows.append(f"<tr>{tds}</tr>")
        cap = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (f'{TABLE_CSS}<div class="cchc-table" data-table="{html.escape(self.key)}"><table class="cchc">{cap}'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False) if len(self.frame) else " | ".join(self.frame.columns)
        return (self.caption + "\n" if self.caption else "") + text


def _save(raw: pd.DataFrame, headers: Sequence[str], key: str, output_dir: str | Path) -> None:
    folder = Path(output_dir) / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    data = raw.copy()
    data.columns = list(headers)
    data.to_csv(folder / f"{slug(key)}.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
    book = folder / WORKBOOK_NAME
    sheet = slug(key)[:31]
    if book.exists():
        with pd.ExcelWriter(book, engine="openpyxl", mode="a", if_sheet_exists="replace") as xw:
            data.to_excel(xw, sheet_name=sheet, index=False)
    else:
        with pd.ExcelWriter(book, engine="openpyxl") as xw:
            data.to_excel(xw, sheet_name=sheet, index=False)


def show_table(frame: pd.DataFrame, key: str, lang: str, *, study: str = "common",
               formats: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
               columns: Sequence[str] | None = None, caption: bool | str = True,
               output_dir: str | Path = "", **caption_fields: Any) -> TableView:
    """Show ``frame`` the way a reader expects it, and save it with the run.

    Parameters
    ----------
    frame : pandas.DataFrame
        Raw values. A non-default index is turned into columns; the index is never shown.
    key : str
        Table key: file name (``tables/<key>.csv``, workbook sheet) and caption message
        ``table_<key>`` of the study.
    lang : {"vi", "en"}
    study : str
        Message catalog (headers, categories, caption).
    formats, headers : mapping, optional
        See :func:`localize_frame`.
    columns : sequence of str, optional
        Columns to show and save, in order (default: all).
    caption : bool or str
        ``True``: the message ``table_<key>`` (must exist); ``False``: none; a str: that message key.
    output_dir : str or Path
        Run folder; ``""`` (interactive use, nbval) saves nothing.
    **caption_fields
        Fields of the caption message.

    Returns
    -------
    TableView
        Display it (last expression of a cell, or ``IPython.display.display``).

    Raises
    ------
    TranslationError
        A header, category or caption without a message.
    InvalidArgumentError
        Unknown column in ``columns``/``formats``/``headers``, or an unknown format kind.
    """
    check_lang(lang)
    raw = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
    if columns is not None:
        missing = [c for c in columns if c not in raw.columns]
        if missing:
            raise InvalidArgumentError(f"columns not in the table {key!r}: {missing}")
        raw = raw[list(columns)]
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c) for c in raw.columns]
    shown, align = localize_frame(raw, lang, study, formats=formats, headers=headers)
    msg = Messages(study, lang)
    cap = None
    if caption:
        cap = msg(f"table_{key}" if caption is True else str(caption), **caption_fields)
    if output_dir:
        _save(raw, list(shown.columns), key, output_dir)
    return TableView(shown, raw, key, cap, align)
