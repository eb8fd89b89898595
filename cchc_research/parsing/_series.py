"""Parse a whole column, collecting located errors (see :mod:`cchc_research.parsing`)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from cchc_research.errors import DataError, ParseError
from cchc_research.parsing._figures import parse_figure
from cchc_research.parsing._numbers import Locale, parse_number, parse_percent, parse_ratio

__all__ = ["parse_series"]

_PARSERS = {"number": parse_number, "percent": parse_percent, "ratio": parse_ratio,
            "figure": parse_figure}


def parse_series(series: pd.Series, kind: str, *, file: str | None = None,
                 column: str | None = None, row_offset: int = 1, locale: Locale = "vi",
                 allow_missing: bool = True) -> tuple[pd.Series, list[ParseError]]:
    """Parse a Series element-wise, collecting located errors instead of stopping.

    Parameters
    ----------
    series : pandas.Series
        Raw values (text or numbers).
    kind : {"number", "percent", "ratio", "figure"}
        Which parser to apply.
    file, column : optional
        Location copied into every error (``column`` defaults to the Series name).
    row_offset : int, default 1
        Row number of the first element (1 = first data row, header excluded).
    locale : {"vi", "en"}
        Number notation.
    allow_missing : bool, default True
        Missing cells (None, NaN, NA) give a missing result instead of an error.

    Returns
    -------
    values : pandas.Series
        Same index; ``Int64`` when every parsed number is an integer, ``float64`` for
        numbers and percentages otherwise, ``object`` for ratios and figures. Rows that
        failed are missing.
    errors : list of ParseError
        One per failed row, each with ``file``, ``row`` and ``column`` set.

    Raises
    ------
    ParseError
        If *kind* is unknown, or *series* is one value (a string) rather than a Series or
        list of cells (a list is read as a Series with a 0-based index).

    Examples
    --------
    >>> import pandas as pd
    >>> vals, errs = parse_series(pd.Series(["1.626", "12..5", None]), "number",
    ...                           file="t.csv", column="n")
    >>> vals.tolist(), [(e.row, e.column) for e in errs]
    ([1626, <NA>, <NA>], [(2, 'n')])
    """
    if kind not in _PARSERS:
        raise ParseError(kind, f"unknown kind; expected one of {sorted(_PARSERS)}")
    if not isinstance(series, pd.Series):
        if isinstance(series, (str, bytes)) or not isinstance(series, Iterable):
            raise ParseError(series, "parse_series needs a pandas Series (or a list) of cells; "
                             "for one value use parse_number / parse_percent / parse_ratio / parse_figure",
                             file=file, column=column)
        series = pd.Series(list(series), dtype=object)
    parser = _PARSERS[kind]
    col = column if column is not None else (None if series.name is None else str(series.name))
    out: list[Any] = []
    errors: list[ParseError] = []
    for pos, raw in enumerate(series.tolist()):
        row = row_offset + pos
        missing = raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw))
        if missing and allow_missing:
            out.append(None)
            continue
        try:
            out.append(parser(raw, locale, file=file, row=row, column=col))
        except DataError as err:
            errors.append(err.located(file=file, row=row, column=col))  # type: ignore[arg-type]
            out.append(None)
    if kind in ("ratio", "figure"):
        return pd.Series(out, index=series.index, dtype=object, name=series.name), errors
    present = [v for v in out if v is not None]
    if kind == "number" and all(isinstance(v, int) for v in present) and present:
        return pd.Series(out, index=series.index, dtype="Int64", name=series.name), errors
    values = [float("nan") if v is None else float(v) for v in out]
    return pd.Series(values, index=series.index, dtype="float64", name=series.name), errors
