"""Reader for the seed-facts table: figures transcribed by hand from the five seed documents.

``data/raw/seed_facts/seed_facts.csv`` holds one row per figure read from the Vietnamese seed
documents in ``data/raw/seeds/`` (news pages and Decision 1191/QĐ-UBND of Ho Chi Minh City):
the verbatim quote, the figure exactly as printed, the document, its publication date, the
geography and the period as written (see the README beside the CSV). The table carries no
parsed numbers. This reader

* checks the file layout (missing columns → :class:`~cchc_research.errors.SchemaError`),
* checks every row: unique ``fact_id``, the document exists, the quote is an exact substring of
  the document and contains the figure, the indicator is in the catalog,
* parses ``raw_value`` with :mod:`cchc_research.parsing` according to ``value_kind``
  (``number`` → :func:`~cchc_research.parsing.parse_number`, ``percent`` →
  :func:`~cchc_research.parsing.parse_percent`, ``ratio`` / ``rank`` →
  :func:`~cchc_research.parsing.parse_ratio`, ``figure`` →
  :func:`~cchc_research.parsing.parse_figure`), converts it to the catalog unit and checks the
  catalog's valid range,
* resolves the geography with :mod:`cchc_research.geo` and the period with
  :func:`cchc_research.periods.parse_period`, anchoring relative periods to the publication date
  (:func:`anchor_period`),
* expands yearly target trajectories ("mỗi năm tiếp theo giảm thêm 1%") with
  :func:`cchc_research.sources.trajectory.expand_trajectory`.

The value, unit, period and geography helpers (:func:`parse_value`, :func:`convert_to_unit`,
:func:`anchor_period`, :func:`locate_geography` …) live in :mod:`cchc_research.sources._textfacts`,
shared with :mod:`cchc_research.sources.news`, and are re-exported here.

Every row that fails a check becomes a reject naming file, row, column, value and reason; the
accounting identity ``rows_read == processed + rejected`` always holds.

Targets are kept with their comparison (``>=``, ``>``, ``<=``, ``<``); a target stated without a
qualifier ("Có 90%", "100%") is read as a floor for higher-is-better indicators and a ceiling
for lower-is-better ones (catalog polarity) and flagged ``comparison_from_polarity``, so that no
target ever carries the fact comparison ``==``.

Examples
--------
>>> from cchc_research.sources.seed_facts import read_seed_facts
>>> res = read_seed_facts()
>>> res.rows_read == res.rows_processed + res.rows_rejected
True
>>> row = res.indicators.query("raw_value == '443.915/454.821'").iloc[0]
>>> row["indicator"], row["numerator"], row["denominator"], row["period"], row["geo_code"]
('on_time_rate', np.float64(443915.0), np.float64(454821.0), '2024-Q1', '79')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from cchc_research import config
from cchc_research.errors import DataError, SchemaError, SourceError
from cchc_research.periods import Period
from cchc_research.sources._textfacts import (
    VALUE_KINDS,
    ParsedValue,
    Place,
    anchor_period,
    catalog_entry,
    convert_to_unit,
    flags_join,
    locate_geography,
    normalize_ws,
    parse_value,
)
from cchc_research.sources.base import SourceResult, empty_indicators, empty_rejects, reject_row
from cchc_research.sources.trajectory import expand_trajectory, trajectory_years

__all__ = [
    "SOURCE_ID",
    "DEFAULT_PATH",
    "SEEDS_DIR",
    "COLUMNS",
    "DECISION_1191",
    "read_seed_facts",
    "load_seed_facts_table",
    "parse_seed_facts",
    "anchor_period",
    "parse_value",
    "ParsedValue",
    "Place",
    "locate_geography",
    "catalog_entry",
]

SOURCE_ID = "seed_facts"
DEFAULT_PATH: Path = config.RAW_DIR / "seed_facts" / "seed_facts.csv"
SEEDS_DIR: Path = config.RAW_DIR / "seeds"
#: The official decision among the seeds (reliability "high"); the news pages are "medium-high".
DECISION_1191 = "003_16745faaf258da31.txt"
OFFICIAL_DOCUMENTS = frozenset({DECISION_1191})

#: Columns of ``seed_facts.csv`` in order (see ``data/raw/seed_facts/README.md``).
COLUMNS: tuple[str, ...] = (
    "fact_id", "document", "doc_title", "publication_date", "geo_name_raw", "geo_level",
    "agency_raw", "period_raw", "indicator", "raw_value", "value_kind", "role", "base_fact_id",
    "scope", "flags", "quote", "note",
)
REQUIRED = ("fact_id", "document", "publication_date", "geo_name_raw", "geo_level", "period_raw",
            "indicator", "raw_value", "value_kind", "role", "quote")
ROLES = ("fact", "target", "trajectory_step")
_FACT_ID = re.compile(r"^(\d{3})-(\d{2,3})$")


def load_seed_facts_table(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``seed_facts.csv`` as strings (empty cells as ``""``) and check its columns.

    Parameters
    ----------
    path : str or Path, optional
        Default :data:`DEFAULT_PATH`.

    Returns
    -------
    DataFrame
        One row per raw row, all columns as ``str``; the index is the 1-based data row.

    Raises
    ------
    SourceError
        The file is missing or is not a readable CSV.
    SchemaError
        A required column is missing.

    Examples
    --------
    >>> load_seed_facts_table().shape[1] >= len(REQUIRED)
    True
    """
    path = Path(path or DEFAULT_PATH)
    if not path.exists():
        raise SourceError(str(path), "seed-facts file not found", file=str(path))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise SourceError(str(path), f"not a readable UTF-8 CSV: {err}", file=str(path)) from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SchemaError(missing, "required column(s) missing", file=str(path), column=missing[0])
    for col in COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


@dataclass
class _Context:
    file: str
    seeds_dir: Path
    documents: dict[str, str | None]


def _document_text(ctx: _Context, name: str, row: int) -> str:
    if name not in ctx.documents:
        path = ctx.seeds_dir / name
        ok = bool(name) and "/" not in name and path.is_file()
        ctx.documents[name] = path.read_text(encoding="utf-8") if ok else None
    text = ctx.documents[name]
    if text is None:
        raise SourceError(name, f"seed document not found in {ctx.seeds_dir.name}/", file=ctx.file,
                          row=row, column="document")
    return text


def _check_row_text(rec: dict, row: int, ctx: _Context) -> tuple[str, date]:
    """Identity, document, date, quote and raw-value checks; return (document text, pub date)."""
    loc = {"file": ctx.file, "row": row}
    for col in REQUIRED:
        if not rec[col].strip() and col != "period_raw":
            raise SchemaError(rec[col], "required value is empty", column=col, **loc)
    m = _FACT_ID.match(rec["fact_id"])
    if m is None:
        raise SchemaError(rec["fact_id"], "fact_id must look like '002-15' (document number - sequence)",
                          column="fact_id", **loc)
    if not rec["document"].startswith(m.group(1) + "_"):
        raise SchemaError(rec["fact_id"], f"fact_id prefix does not match document {rec['document']!r}",
                          column="fact_id", **loc)
    text = _document_text(ctx, rec["document"], row)
    try:
        published = date.fromisoformat(rec["publication_date"])
    except ValueError:
        raise SchemaError(rec["publication_date"], "publication_date is not an ISO date (YYYY-MM-DD)",
                          column="publication_date", **loc) from None
    if rec["quote"] not in text:
        raise SchemaError(rec["quote"][:80], f"quote is not a verbatim substring of {rec['document']}",
                          column="quote", **loc)
    if normalize_ws(rec["raw_value"]) not in normalize_ws(rec["quote"]):
        raise SchemaError(rec["raw_value"], "raw_value does not occur in the quote", column="raw_value", **loc)
    if rec["value_kind"] not in VALUE_KINDS:
        raise SchemaError(rec["value_kind"], f"value_kind must be one of {VALUE_KINDS}", column="value_kind", **loc)
    if rec["role"] not in ROLES:
        raise SchemaError(rec["role"], f"role must be one of {ROLES}", column="role", **loc)
    return text, published


def _target_comparison(comparison: str, entry, raw: str, *, file: str, row: int) -> tuple[str, list[str]]:
    """A target without qualifier is a floor (higher_better) or a ceiling (lower_better)."""
    if comparison != "==":
        return comparison, []
    polarity = getattr(entry, "polarity", None)
    if polarity == "higher_better":
        return ">=", ["comparison_from_polarity"]
    if polarity == "lower_better":
        return "<=", ["comparison_from_polarity"]
    raise SchemaError(raw, f"target has no qualifier and indicator polarity is {polarity!r}",
                      file=file, row=row, column="raw_value")


def _parse_row(rec: dict, row: int, ctx: _Context, bases: dict[str, dict]) -> list[dict]:
    """All indicator records of one raw row (several for a trajectory step); raises DataError."""
    loc = {"file": ctx.file, "row": row}
    _text, published = _check_row_text(rec, row, ctx)
    entry = catalog_entry(rec["indicator"], file=ctx.file, row=row, column="indicator")
    parsed = parse_value(rec["raw_value"], rec["value_kind"], file=ctx.file, row=row, column="raw_value")
    flags = [f for f in rec["flags"].split(";") if f.strip()]
    value, unit, conv_flags = convert_to_unit(parsed, entry, file=ctx.file, row=row, column="raw_value")
    flags += conv_flags
    period, period_flags = anchor_period(rec["period_raw"], published, file=ctx.file, row=row, column="period_raw")
    flags += period_flags
    geo = locate_geography(rec["geo_name_raw"], rec["geo_level"], period.start, file=ctx.file, row=row)
    if rec["agency_raw"].strip():
        flags.append(f"agency={rec['agency_raw'].strip()}")
    comparison = parsed.comparison
    if rec["role"] in ("target", "trajectory_step"):
        flags.append("target")
        if rec["role"] == "target":
            comparison, extra = _target_comparison(comparison, entry, rec["raw_value"], **loc)
            flags += extra
    if parsed.approximate:
        flags.append("approximate")
    base = {
        "indicator": rec["indicator"], "geo_code": geo.code, "geo_name": geo.name, "geo_level": geo.level,
        "period": period.label, "period_start": pd.Timestamp(period.start), "period_end": pd.Timestamp(period.end),
        "value": float(value), "unit": unit, "comparison": comparison,
        "numerator": parsed.numerator, "denominator": parsed.denominator,
        "source_id": f"{SOURCE_ID}:{rec['fact_id']}", "source_file": ctx.file, "raw_row": row,
        "quote": rec["quote"], "raw_value": rec["raw_value"],
        "reliability": "high" if rec["document"] in OFFICIAL_DOCUMENTS else "medium-high",
        "flags": None, "simulated": False,
        # side columns for the facts / targets tables
        "fact_id": rec["fact_id"], "document": rec["document"], "role": rec["role"], "scope": rec["scope"],
        "base_fact_id": rec["base_fact_id"], "trajectory_year": pd.NA, "period_raw": rec["period_raw"],
        "publication_date": pd.Timestamp(published), "_flags": flags + list(geo.flags),
    }
    if rec["role"] != "trajectory_step":
        bases[rec["fact_id"]] = base
        return [base]
    return _trajectory_rows(rec, row, base, bases, ctx)


def _trajectory_rows(rec, row, step, bases, ctx) -> list[dict]:
    """Rewrite the base target to its first year and expand the step to the following years."""
    loc = {"file": ctx.file, "row": row, "column": "base_fact_id"}
    target = bases.get(rec["base_fact_id"])
    if target is None:
        raise SchemaError(rec["base_fact_id"], "trajectory step refers to no earlier target row", **loc)
    if target["role"] != "target" or target["indicator"] != rec["indicator"] or target["quote"] != rec["quote"]:
        raise SchemaError(rec["base_fact_id"], "base target has another role, indicator or quote", **loc)
    flags = step["_flags"]
    direction = "down" if "step_down" in flags else "up" if "step_up" in flags else None
    if direction is None:
        raise SchemaError(rec["flags"], "trajectory step needs flag step_up or step_down", file=ctx.file,
                          row=row, column="flags")
    years = trajectory_years(target["period_start"].year, target["period_end"].year,
                             target["publication_date"].year)
    if len(years) < 2:
        raise SchemaError(rec["period_raw"], "trajectory needs a plan period of two or more years",
                          file=ctx.file, row=row, column="period_raw")
    entry = catalog_entry(rec["indicator"], file=ctx.file, row=row)
    bounds = expand_trajectory(target["value"], step["value"], direction, years,
                               comparison=target["comparison"], valid_range=getattr(entry, "valid_range", None))
    if pd.isna(target["trajectory_year"]):
        first = Period.year(years[0])
        target.update(period=first.label, period_start=pd.Timestamp(first.start),
                      period_end=pd.Timestamp(first.end), trajectory_year=years[0])
        target["_flags"] = [f for f in target["_flags"] if f != "plan_period"] + [
            "trajectory_base", "trajectory_start_assumed"]
    out = []
    for year, value, extra in bounds[1:]:
        p = Period.year(year)
        out.append(dict(step, period=p.label, period_start=pd.Timestamp(p.start), period_end=pd.Timestamp(p.end),
                        value=value, comparison=target["comparison"], numerator=None, denominator=None,
                        trajectory_year=year,
                        _flags=[f for f in flags if f not in ("comparison_from_polarity", "plan_period")]
                        + ["trajectory", f"step_of={rec['base_fact_id']}"] + extra))
    return out


def parse_seed_facts(
    frame: pd.DataFrame, *, file: str, seeds_dir: Path | None = None
) -> tuple[list[dict], list[dict]]:
    """Parse the rows of :func:`load_seed_facts_table`; return (records, rejects).

    ``records`` are indicator rows plus side columns (``fact_id``, ``role``, ``scope``,
    ``trajectory_year`` …); ``rejects`` are rejects-table records.
    """
    ctx = _Context(file=file, seeds_dir=Path(seeds_dir or SEEDS_DIR), documents={})
    records: list[dict] = []
    rejects: list[dict] = []
    first_seen: dict[str, int] = {}
    bases: dict[str, dict] = {}
    for row, rec in zip(frame.index, frame.to_dict("records")):
        try:
            fid = rec["fact_id"]
            if fid in first_seen:
                raise SchemaError(fid, f"duplicate fact_id (first at row {first_seen[fid]})",
                                  file=file, row=int(row), column="fact_id")
            first_seen[fid] = int(row)
            records.extend(_parse_row(rec, int(row), ctx, bases))
        except DataError as err:
            located = err.located(file=file, row=int(row))
            rejects.append(reject_row(SOURCE_ID, located))
    for rec in records:
        rec["flags"] = flags_join(rec.pop("_flags"))
    return records, rejects


#: Extra columns of the ``seed_facts`` side table (after the indicator columns).
SIDE_COLUMNS: dict[str, str] = {
    "fact_id": "string", "document": "string", "role": "string", "scope": "string", "base_fact_id": "string",
    "trajectory_year": "Int64", "period_raw": "string", "publication_date": "datetime64[ns]",
}


def read_seed_facts(
    path: str | Path | None = None,
    *,
    seeds_dir: str | Path | None = None,
    documents: set[str] | None = None,
) -> SourceResult:
    """Read the seed-facts table into indicator rows, rejects and a facts side table.

    Parameters
    ----------
    path : str or Path, optional
        The CSV (default :data:`DEFAULT_PATH`).
    seeds_dir : str or Path, optional
        Folder of the seed documents the quotes are checked against (default :data:`SEEDS_DIR`).
    documents : set of str, optional
        Only read rows of these seed documents (file names); the others are not counted as read.

    Returns
    -------
    SourceResult
        ``indicators``: one row per figure (trajectory steps expanded to one row per year);
        ``rejects``: malformed rows with file, row, column, value and reason;
        ``extra_tables["seed_facts"]``: the indicator rows with ``fact_id``, ``document``,
        ``role``, ``scope``, ``base_fact_id``, ``trajectory_year``, ``period_raw``, ``publication_date``.

    Raises
    ------
    SourceError
        The CSV is missing or unreadable.
    SchemaError
        A required column is missing.

    Examples
    --------
    >>> res = read_seed_facts()
    >>> res.check_accounting()
    >>> t = res.indicators.query("indicator == 'satisfaction_rate' and 'target' in flags")
    >>> sorted(set(zip(t["comparison"], t["value"], t["period"])))
    [('>=', 0.95, '2025')]
    """
    path = Path(path or DEFAULT_PATH)
    file = _relative(path)
    frame = load_seed_facts_table(path)
    if documents is not None:
        frame = frame[frame["document"].isin(documents)]
    records, rejects = parse_seed_facts(frame, file=file, seeds_dir=Path(seeds_dir) if seeds_dir else None)
    facts = pd.DataFrame(records)
    indicators = empty_indicators() if facts.empty else facts.drop(columns=list(SIDE_COLUMNS))
    result = SourceResult(SOURCE_ID, indicators, pd.DataFrame(rejects) if rejects else empty_rejects(),
                          rows_read=len(frame))
    side = result.indicators.copy()
    for col, dtype in SIDE_COLUMNS.items():
        data = facts[col].replace("", pd.NA) if not facts.empty else pd.Series(dtype=dtype)
        side[col] = data.astype(dtype)
    result.extra_tables["seed_facts"] = side.reset_index(drop=True)
    result.check_accounting()
    return result


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(config.RAW_DIR.resolve()).as_posix()
    except ValueError:
        return str(path)
