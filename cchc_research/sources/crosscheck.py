"""Conflicts *between* sources: the same indicator, unit and period reported differently.

Within-source conflicts (two news pages on Hải Phòng's PAR Index 2023) are found by the news
reader. This module compares values across source families (e.g. a news page's PAPI total
against the PAPI data file, or VCCI's province pages ``pci_pages:<slug>`` against VCCI's data
files ``pci_<year>:<sheet>``), allowing for the rounding of the less precise printed value.
All values are kept; every row of a conflicting group is flagged ``conflict``, and one is
flagged ``preferred`` by :data:`CROSS_SOURCE_RULE`.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({
...     "indicator": ["papi_total"] * 2, "geo_code": ["22"] * 2, "geo_name": ["Quảng Ninh"] * 2,
...     "period": ["2019"] * 2, "comparison": ["=="] * 2, "value": [44.66, 46.6612],
...     "raw_value": ["44,66", "46.6612"], "reliability": ["medium", "medium-high"],
...     "source_id": ["news_figures:x", "papi_2017_2024:y"], "flags": [pd.NA, pd.NA]})
>>> flagged, table = cross_source_conflicts(rows)
>>> flagged["flags"].tolist()
['conflict', 'conflict;preferred']
>>> table["chosen"].tolist()
['papi_2017_2024:y']
"""

from __future__ import annotations

import pandas as pd

from cchc_research.sources.consistency import printed_decimals

__all__ = ["CROSS_SOURCE_RULE", "cross_source_conflicts", "CONFLICT_COLUMNS"]

CROSS_SOURCE_RULE = (
    "cross-source: keep all values; prefer (1) higher reliability, (2) a primary data file over a news "
    "report, (3) the source id alphabetically; values equal after rounding to the less precise printed "
    "decimals are not a conflict"
)
RELIABILITY_RANK = {"high": 0, "medium-high": 1, "medium": 2, "low": 3}
CONFLICT_COLUMNS = ["indicator", "geo_code", "geo_name", "period", "comparison", "values", "sources",
                    "publishers", "chosen", "chosen_value", "rule"]
_TEXT_SOURCES = ("news_figures", "seed_facts")


def _family(source_id: str) -> str:
    return str(source_id).split(":")[0]


def _add_flag(flags: object, flag: str) -> str:
    parts = [] if flags is None or pd.isna(flags) or flags == "" else str(flags).split(";")
    if flag not in parts:
        parts.append(flag)
    return ";".join(parts)


def _drop_flag(flags: object, flag: str) -> object:
    if flags is None or pd.isna(flags):
        return flags
    parts = [p for p in str(flags).split(";") if p and p != flag]
    return ";".join(parts) if parts else pd.NA


def cross_source_conflicts(indicators: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flag conflicting values across source families; return (flagged table, conflicts table)."""
    frame = indicators.copy()
    fam = frame["source_id"].map(_family)
    keys = ["indicator", "geo_code", "period", "comparison"]
    multi = fam.groupby([frame[k] for k in keys]).transform("nunique") > 1
    rows = []
    for key, g in frame[multi].groupby(keys, sort=True):
        decimals = min(printed_decimals(r) for r in g["raw_value"])
        scale = 100.0 if (g["raw_value"].str.contains("%").any() and g["value"].abs().max() <= 1) else 1.0
        tol = 0.5 * 10 ** (-decimals) / scale + 1e-9
        if g["value"].max() - g["value"].min() <= tol:
            continue
        order = g.assign(
            _rel=g["reliability"].map(RELIABILITY_RANK).fillna(9),
            _text=g["source_id"].map(lambda s: int(_family(s) in _TEXT_SOURCES)),
        ).sort_values(["_rel", "_text", "source_id"], kind="stable")
        chosen = order.index[0]
        for i in g.index:
            f = _add_flag(_drop_flag(frame.at[i, "flags"], "preferred"), "conflict")
            frame.at[i, "flags"] = _add_flag(f, "preferred") if i == chosen else f
        rows.append({
            **dict(zip(keys, key)), "geo_name": g["geo_name"].iloc[0],
            "values": ";".join(f"{v:g}" for v in order["value"]),
            "sources": ";".join(order["source_id"]),
            "publishers": ";".join(order["source_id"].map(_family)),
            "chosen": frame.at[chosen, "source_id"], "chosen_value": float(frame.at[chosen, "value"]),
            "rule": CROSS_SOURCE_RULE,
        })
    table = pd.DataFrame(rows, columns=CONFLICT_COLUMNS).astype(
        {c: "string" for c in CONFLICT_COLUMNS if c != "chosen_value"})
    frame["flags"] = frame["flags"].astype("string")
    return frame, table
