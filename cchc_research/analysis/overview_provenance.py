"""Source accounting, rejects, conflicts, consistency checks, definition breaks and provenance.

The source-side tables of notebook ``01_data_overview``: how many raw rows each reader read,
kept and rejected (:func:`accounting_table`) and why (:func:`rejects_by_reason`); where sources
disagree and which value was kept (:func:`conflicts_table`); what the consistency checks found
(:func:`consistency_summary`, :func:`consistency_flags`); where an indicator's definition
changes (:func:`era_breaks`); and where every raw file comes from (:func:`provenance_table`).
Each takes the processed tables as DataFrames (so it can be tested on small hand-made frames)
and returns a tidy DataFrame. The names are re-exported by :mod:`cchc_research.analysis.overview`.

Examples
--------
>>> import pandas as pd
>>> ch = pd.DataFrame({"check": ["parts", "parts"], "status": ["ok", "ok"]})
>>> consistency_summary(ch).to_dict("records")
[{'check': 'parts', 'ok': 2, 'total': 2}]
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml

from cchc_research import config
from cchc_research.catalog import load_catalog
from cchc_research.data import ensure_built, load_rejects
from cchc_research.errors import SchemaError, SourceError

__all__ = [
    "require_columns",
    "accounting_table",
    "rejects_by_reason",
    "conflicts_table",
    "consistency_summary",
    "consistency_flags",
    "era_breaks",
    "provenance_table",
]


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`~cchc_research.errors.SchemaError` naming the columns ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(", ".join(missing), f"{what} lacks required column(s)")


def _source_key(source_id: str, known: Iterable[str]) -> str:
    """The longest key of ``known`` that the part of ``source_id`` before ``:`` starts with."""
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
        ensure_built()
        source_counts = pd.read_csv(config.PROCESSED_DIR / "source_counts.csv", dtype={"source_id": str})
    if rejects is None:
        rejects = load_rejects()
    cols = ["source_id", "rows_read", "rows_processed", "rows_rejected", "values"]
    require_columns(source_counts, cols, "source_counts")
    out = source_counts[cols].copy().reset_index(drop=True)
    require_columns(rejects, ["source_id", "file", "row"], "rejects")
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
    require_columns(rejects, ["source_id", "reason", "error"], "rejects")
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
    require_columns(conflicts, ["indicator", "geo_name", "period", "values", "chosen", "chosen_value", "rule"],
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
    require_columns(checks, ["check", "status"], "checks")
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
    require_columns(checks, cols, "checks")
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
    SourceError
        If the manifest file does not exist.
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
    if not path.is_file():
        raise SourceError(str(path), "raw-data manifest not found (a project home holds "
                          "data/raw/MANIFEST.yaml: run `cchc init DIR` or set CCHC_HOME)",
                          file=str(path))
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
