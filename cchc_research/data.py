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

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from cchc_research import config
from cchc_research.errors import SourceError

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


def processed_path(name: str) -> Path:
    """Path of a processed table by name (``indicators``, ``targets``, ``rejects`` …)."""
    if name == "rejects":
        return config.PROCESSED_DIR / "rejects" / "rejects.parquet"
    return config.PROCESSED_DIR / f"{name}.parquet"


def ensure_built() -> None:
    """Run the build if the processed data is missing."""
    if not (config.PROCESSED_DIR / "build_manifest.json").exists():
        from cchc_research.build import build

        build()


def load_table(name: str) -> pd.DataFrame:
    """Any processed table by name; raises :class:`SourceError` for an unknown name."""
    ensure_built()
    path = processed_path(name)
    if not path.exists():
        known = sorted(p.stem for p in config.PROCESSED_DIR.glob("*.parquet"))
        raise SourceError(name, f"no processed table of that name (known: {', '.join(known)})", file=str(path))
    return pd.read_parquet(path)


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    if value is None:
        return None
    return {value} if isinstance(value, str) else set(value)


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
    """
    frame = load_table("indicators")
    for col, wanted in (("indicator", indicator), ("geo_code", geo_code), ("geo_level", geo_level)):
        keep = _as_set(wanted)
        if keep is not None:
            if col == "indicator":
                from cchc_research.catalog import get_indicator

                for code in keep:
                    get_indicator(code)  # unknown codes raise with suggestions
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
