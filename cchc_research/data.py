"""Loaders for the processed tables written by ``cchc build``.

Each loader builds the processed data first when it is missing (so a notebook run by
papermill or nbval in any folder works from a fresh clone), then reads the Parquet file.

Examples
--------
>>> from cchc_research.data import load_indicators, load_panel
>>> ind = load_indicators(indicator="papi_d5_public_admin_procedures")
>>> sorted(ind["unit"].unique())
['score']
>>> panel = load_panel("province_year")
>>> bool(panel[["geo_code", "year"]].duplicated().any())
False
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from cchc_research import config
from cchc_research.catalog import get_indicator
from cchc_research.errors import InvalidArgumentError, SourceError

__all__ = [
    "ensure_built",
    "load_indicators",
    "load_panel",
    "load_targets",
    "load_table",
    "load_rejects",
    "processed_path",
]

PANELS = {"province_year": "province_year.parquet"}


#: A processed table name: lower-case letters, digits and underscores (no path parts).
_TABLE_NAME = re.compile(r"[a-z0-9_]+")


def processed_path(name: str) -> Path:
    """Path of a processed table by name (``indicators``, ``targets``, ``rejects`` …).

    Raises
    ------
    InvalidArgumentError
        ``name`` is not a table name (lower-case letters, digits, ``_``): e.g. empty,
        ``None``, or a path such as ``"../x"``.
    """
    if not isinstance(name, str) or not _TABLE_NAME.fullmatch(name):
        raise InvalidArgumentError(
            f"a processed table name is lower-case letters, digits and '_' (e.g. 'indicators'), "
            f"got {name!r}"
        )
    if name == "rejects":
        return config.PROCESSED_DIR / "rejects" / "rejects.parquet"
    return config.PROCESSED_DIR / f"{name}.parquet"


def ensure_built() -> None:
    """Run the build if the processed data is missing.

    Raises
    ------
    SourceError
        Neither processed data nor the raw data to build it exist in the home folder.
    """
    if not (config.PROCESSED_DIR / "build_manifest.json").exists():
        manifest = config.RAW_DIR / "MANIFEST.yaml"
        if not manifest.exists():
            raise SourceError(
                str(config.PROJECT_ROOT),
                "no processed data and no raw data to build it from in this home folder; make "
                "one with `cchc init DIR` and point CCHC_HOME (or --home) at it",
                file=str(manifest),
            )
        # imported here, not at module level: loading processed tables must not pay for the
        # build machinery (pandera, every reader) — a cost choice, not a cycle (build never
        # imports this module)
        from cchc_research.build import build

        build()


def load_table(name: str) -> pd.DataFrame:
    """Any processed table by name; raises :class:`SourceError` for an unknown name."""
    path = processed_path(name)
    ensure_built()
    if not path.exists():
        known = sorted(p.stem for p in config.PROCESSED_DIR.glob("*.parquet"))
        raise SourceError(name, f"no processed table of that name (known: {', '.join(known)})", file=str(path))
    return pd.read_parquet(path)


def _as_set(value: str | Iterable[str] | None, what: str) -> set[str] | None:
    """One name or several as a set; ``None`` for no filter. Refuses non-text and empty lists."""
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    hint = " (codes are text such as '01')" if what == "geo_code" else ""
    if not isinstance(value, Iterable):
        raise InvalidArgumentError(f"{what} must be a string or a list of strings, got {value!r}{hint}")
    values = list(value)
    bad = [v for v in values if not isinstance(v, str)]
    if bad:
        raise InvalidArgumentError(
            f"{what} must be a string or a list of strings, got {bad[0]!r} ({type(bad[0]).__name__}){hint}"
        )
    if not values:
        raise InvalidArgumentError(f"{what} is an empty list: pass None to keep every {what}")
    return set(values)


def load_indicators(
    indicator: str | Iterable[str] | None = None,
    geo_code: str | Iterable[str] | None = None,
    geo_level: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """The long indicator table, optionally filtered.

    Parameters
    ----------
    indicator, geo_code, geo_level : str or iterable of str, optional
        Keep only these indicator codes / units / levels.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`cchc_research.sources.base.INDICATOR_COLUMNS`.

    Raises
    ------
    UnknownIndicatorError
        An unknown indicator code (with suggestions).
    InvalidArgumentError
        A filter that is not text or a list of text, an empty list, or a ``geo_code`` /
        ``geo_level`` that no row has (e.g. ``"1"`` for ``"01"``), with suggestions.
    """
    selections = {col: _as_set(wanted, col) for col, wanted in
                  (("indicator", indicator), ("geo_code", geo_code), ("geo_level", geo_level))}
    for code in selections["indicator"] or ():
        get_indicator(code)  # unknown codes raise with suggestions
    frame = load_table("indicators")
    for col in ("geo_code", "geo_level"):
        keep = selections[col]
        if keep is None:
            continue
        present = set(frame[col].dropna().astype(str).unique())
        absent = sorted(keep - present)
        if absent:
            padded = [c for c in (absent[0].zfill(2), absent[0].zfill(3)) if c in present]
            close = padded or difflib.get_close_matches(absent[0], sorted(present), n=3)
            known = sorted(present)
            more = " …" if len(known) > 12 else ""
            hint = (f"; did you mean {', '.join(close)}?" if close
                    else f" (known: {', '.join(known[:12])}{more})")
            raise InvalidArgumentError(f"no indicator row has {col} {absent!r}{hint}")
    for col, keep in selections.items():
        if keep is not None:
            frame = frame[frame[col].isin(keep)]
    return frame.reset_index(drop=True)


def load_panel(name: str = "province_year") -> pd.DataFrame:
    """A wide modelling panel (currently ``"province_year"``)."""
    if name not in PANELS:
        raise SourceError(name, f"unknown panel (available: {', '.join(sorted(PANELS))})")
    return load_table(name)


def load_targets() -> pd.DataFrame:
    """The reform targets table (Decision 1191/QĐ-UBND, with yearly trajectories)."""
    return load_table("targets")


def load_rejects() -> pd.DataFrame:
    """Every rejected raw row with file, row, column, value and reason."""
    return load_table("rejects")
