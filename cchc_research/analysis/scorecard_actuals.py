"""The actuals of the Decision 1191 scorecard: which reported value of a city counts, and why.

A city's *actual* for an indicator is a value it reported (``comparison == "=="``; rows flagged
``target`` and bound-only figures such as "dưới 10%" are not actuals) no later than ``as_of``,
or one of two explicit, labelled derivations: the complement from the catalog
(``satisfaction_rate = 1 − dissatisfaction_rate``) and a province rank printed with a news
figure (``rank=3/63`` on ``par_index`` → ``par_index_rank``). :func:`candidate_actuals` lists
them all, :func:`latest_actuals` keeps the latest one per indicator, and
:func:`headline_indicators` gives the latest value of national PAR-style indicators as context.
The names are re-exported by :mod:`cchc_research.analysis.scorecard`.

Examples
--------
>>> act = latest_actuals("79").set_index("indicator")
>>> act.loc["satisfaction_rate", "derivation"]
'1 − dissatisfaction_rate'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from cchc_research.errors import SchemaError

__all__ = [
    "PLAN_CITY",
    "HEADLINE_CODES",
    "candidate_actuals",
    "latest_actuals",
    "headline_indicators",
    "flag_set",
    "indicator_catalog",
    "load_inputs",
    "city_code",
    "pick_latest",
]

#: The city whose plan Decision 1191 is.
PLAN_CITY = "79"
#: Indicators shown as context for a city (latest value, no target attached).
HEADLINE_CODES = ("par_index", "sipas", "papi_total", "papi_d5_public_admin_procedures",
                  "papi_d8_e_governance", "online_dossier_share", "full_online_dossier_share",
                  "index_766", "pci_weighted")

_RELIABILITY_ORDER = {"high": 0, "medium-high": 1, "medium": 2, "low-medium": 3, "low": 4}


def flag_set(text: object) -> set[str]:
    """The set of ``;``-separated flags of a ``flags`` cell (empty for a missing cell)."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return set()
    return {f.strip() for f in str(text).split(";") if f.strip()}


def indicator_catalog():
    """The indicator catalog (:func:`cchc_research.catalog.load_catalog`)."""
    from cchc_research.catalog import load_catalog

    return load_catalog()


def load_inputs(indicators: pd.DataFrame | None, targets: pd.DataFrame | None):
    """The given indicator and targets tables, loading the processed ones where ``None``."""
    from cchc_research.data import load_indicators, load_targets

    return (load_indicators() if indicators is None else indicators,
            load_targets() if targets is None else targets)


def city_code(city: str) -> str:
    """GSO code of a province given by name, alias or code."""
    from cchc_research.geo import resolve_province

    return resolve_province(city).geo_code


def candidate_actuals(city: str = PLAN_CITY, *, as_of: int = 2025,
                      indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every reported or explicitly derived actual of a city up to ``as_of``.

    Parameters
    ----------
    city : str
        Province name or GSO code (``"79"`` Hồ Chí Minh, ``"01"`` Hà Nội, aliases accepted).
    as_of : int
        Last reported year (of ``period_end``) to use.
    indicators : pandas.DataFrame, optional
        The long indicator table (loaded by default).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator``, ``geo_code``, ``period``, ``period_end``, ``value``, ``unit``,
        ``source_id``, ``reliability``, ``derivation`` (``"reported"``, ``"1 − <code>"`` or
        ``"rank printed with <code>"``), ``has_counts`` and ``agency`` (``""`` = city-wide).

    Examples
    --------
    >>> act = candidate_actuals("79")
    >>> sat = act[act["indicator"] == "satisfaction_rate"].iloc[0]
    >>> round(float(sat["value"]), 4), sat["derivation"]
    (0.8233, '1 − dissatisfaction_rate')
    """
    ind, _ = load_inputs(indicators, pd.DataFrame())
    need = ["indicator", "geo_code", "period", "period_end", "value", "unit", "comparison",
            "numerator", "source_id", "reliability", "flags"]
    missing = [c for c in need if c not in ind.columns]
    if missing:
        raise SchemaError(", ".join(missing), "indicators lacks required column(s)")
    code = city_code(city)
    sel = ind[(ind["geo_code"] == code) & (ind["comparison"] == "==")
              & (pd.to_datetime(ind["period_end"]).dt.year <= as_of)].copy()
    flag_sets = [flag_set(f) for f in sel["flags"]]
    sel = sel[[("target" not in fs) for fs in flag_sets]]
    flag_sets = [fs for fs in flag_sets if "target" not in fs]
    base = pd.DataFrame({
        "indicator": sel["indicator"].astype(str).to_numpy(),
        "geo_code": code,
        "period": sel["period"].astype(str).to_numpy(),
        "period_end": pd.to_datetime(sel["period_end"]).to_numpy(),
        "value": sel["value"].astype(float).to_numpy(),
        "unit": sel["unit"].astype(str).to_numpy(),
        "source_id": sel["source_id"].astype(str).to_numpy(),
        "reliability": sel["reliability"].astype(str).to_numpy(),
        "derivation": "reported",
        "has_counts": sel["numerator"].notna().to_numpy(),
        "agency": [next((f.split("=", 1)[1] for f in fs if f.startswith("agency=")), "") for fs in flag_sets],
    })
    catalog = indicator_catalog()
    derived = []
    for rec, fs in zip(base.to_dict("records"), flag_sets):
        entry = catalog.get(rec["indicator"])
        if entry is not None and entry.complement_of and rec["unit"] == "share":
            derived.append({**rec, "indicator": entry.complement_of, "value": 1.0 - rec["value"],
                            "derivation": f"1 − {rec['indicator']}"})
        for flag in fs:
            m = re.fullmatch(r"rank=(\d+)/(\d+)", flag)
            rank_code = f"{rec['indicator']}_rank"
            if m and int(m.group(2)) == 63 and rank_code in catalog:
                derived.append({**rec, "indicator": rank_code, "value": float(m.group(1)), "unit": "rank",
                                "derivation": f"rank printed with {rec['indicator']} ({flag})"})
    out = pd.concat([base, pd.DataFrame(derived, columns=base.columns)], ignore_index=True)
    return out.sort_values(["indicator", "period_end", "source_id", "derivation"]).reset_index(drop=True)


def pick_latest(cands: pd.DataFrame) -> pd.DataFrame:
    """Latest per indicator; ties → reported before derived, counts before printed %, reliability, id."""
    if cands.empty:
        return cands
    work = cands.assign(
        _derived=(cands["derivation"] != "reported").astype(int),
        _counts=(~cands["has_counts"].astype(bool)).astype(int),
        _rel=cands["reliability"].map(_RELIABILITY_ORDER).fillna(9),
    )
    work = work.sort_values(["indicator", "period_end", "_derived", "_counts", "_rel", "source_id"],
                            ascending=[True, False, True, True, True, True], kind="mergesort")
    return work.drop_duplicates("indicator").drop(columns=["_derived", "_counts", "_rel"]).reset_index(drop=True)


def latest_actuals(city: str = PLAN_CITY, *, as_of: int = 2025, citywide_only: bool = True,
                   indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The latest actual per indicator for a city (one row per indicator code).

    Parameters
    ----------
    city : str
        Province name or GSO code.
    as_of : int
        Last reported year to use.
    citywide_only : bool
        Drop actuals about a single agency (``agency=…`` flag).
    indicators : pandas.DataFrame, optional
        The long indicator table (loaded by default).

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`candidate_actuals`. Among values of the same latest period, a
        reported value beats a derived one, a ratio computed from counts beats the printed
        percentage (it is exact), then higher reliability, then source id.

    Examples
    --------
    >>> act = latest_actuals("79").set_index("indicator")
    >>> round(float(act.loc["on_time_rate", "value"]), 6), act.loc["on_time_rate", "source_id"]
    (0.976021, 'seed_facts:002-15')
    """
    cands = candidate_actuals(city, as_of=as_of, indicators=indicators)
    if citywide_only:
        cands = cands[cands["agency"] == ""]
    return pick_latest(cands)


def headline_indicators(city: str = PLAN_CITY, *, as_of: int = 2025,
                        codes: Iterable[str] = HEADLINE_CODES,
                        indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Latest value of national PAR-style indicators for a city (context; no target attached).

    Bound-only figures (e.g. "dưới 10%") are kept with their comparison, since for these
    indicators they are all that is published.

    Parameters
    ----------
    city : str
        Province name or GSO code.
    as_of : int
        Last reported year.
    codes : iterable of str
        Indicator codes (default :data:`HEADLINE_CODES`).
    indicators : pandas.DataFrame, optional
        Loaded by default.

    Returns
    -------
    pandas.DataFrame
        ``indicator``, ``period``, ``comparison``, ``value``, ``unit``, ``source_id``,
        ``reliability``, ``flags``; indicators without any value for the city are left out.

    Examples
    --------
    >>> h = headline_indicators("01").set_index("indicator")
    >>> round(float(h.loc["par_index", "value"]), 4), h.loc["par_index", "period"]
    (0.9143, '2023')
    """
    ind, _ = load_inputs(indicators, pd.DataFrame())
    code = city_code(city)
    wanted = list(codes)
    sel = ind[(ind["geo_code"] == code) & ind["indicator"].isin(wanted)
              & (pd.to_datetime(ind["period_end"]).dt.year <= as_of)].copy()
    sel = sel[["target" not in flag_set(f) for f in sel["flags"]]]
    sel["_rel"] = sel["reliability"].map(_RELIABILITY_ORDER).fillna(9)
    sel = sel.sort_values(["indicator", "period_end", "_rel", "source_id"],
                          ascending=[True, False, True, True], kind="mergesort").drop_duplicates("indicator")
    order = {c: i for i, c in enumerate(wanted)}
    sel = sel.assign(_o=sel["indicator"].map(order)).sort_values("_o")
    cols = ["indicator", "period", "comparison", "value", "unit", "source_id", "reliability", "flags"]
    out = sel[cols].reset_index(drop=True)
    out["value"] = out["value"].astype(float)
    return out
