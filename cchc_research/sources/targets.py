"""Reform targets of Decision 1191/QĐ-UBND (HCMC PAR plan 2020–2025) as a targets table.

The targets are transcribed, with their verbatim quotes, in the seed-facts table
(``data/raw/seed_facts/seed_facts.csv``, document ``003_16745faaf258da31.txt``) and parsed by
:func:`cchc_research.sources.seed_facts.read_seed_facts`; this module turns those rows into one
row per target and year. Reading rules:

* **Comparison** comes from :func:`cchc_research.parsing.parse_figure` ("95% trở lên" → ``>=``,
  "trên 60%" → ``>``, "dưới 4%" → ``<``, "từ 96%" → ``>=``). A target without qualifier ("Có 90%",
  "100%", "nhóm 05 địa phương dẫn đầu") is a floor for higher-is-better indicators and a ceiling
  for lower-is-better ones (catalog polarity), flagged ``comparison_from_polarity``.
* **Deadline**: the stated year ("vào năm 2025" → 2025-12-31); otherwise the end of the plan
  period ("giai đoạn 2020 - 2025" → 2025-12-31), flagged ``deadline_plan_end``.
* **Trajectories** ("mỗi năm tiếp theo giảm thêm 1%") are read in percentage points of the base
  target. The first target year is the first plan year not yet over when the decision was
  signed (2021 for a decision of 2021-04-07; flagged ``trajectory_start_assumed``); each following
  year to the end of the plan adds (``tăng thêm``) or subtracts (``giảm thêm``) one step. A bound
  that leaves the indicator's valid range, or reaches it with a strict comparison ("< 0 %"),
  cannot be met and is flagged ``infeasible_target`` (its value is clipped to the range).
* **Baseline**: relative targets ("giảm tỷ lệ 10% … so với giai đoạn 2016 - 2020") are flagged
  ``relative_to_baseline`` and carry ``baseline_year`` (the last year of the stated baseline);
  trajectory rows carry the first target year as ``baseline_year``.

Examples
--------
>>> from cchc_research.sources.targets import read_targets_1191
>>> t = read_targets_1191().extra_tables["targets"]
>>> row = t.query("indicator == 'on_time_rate' and scope == 'each field'").iloc[0]
>>> row["comparison"], float(row["value"]), str(row["deadline"].date())
('>=', 0.98, '2025-12-31')
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cchc_research.sources.base import SourceResult
from cchc_research.sources.seed_facts import DECISION_1191, read_seed_facts
from cchc_research.sources.trajectory import expand_trajectory, trajectory_years

__all__ = ["SOURCE_ID", "TARGET_COLUMNS", "trajectory_years", "expand_trajectory", "read_targets_1191",
           "targets_table"]

SOURCE_ID = "targets_1191"

#: Columns of the targets table, in order.
TARGET_COLUMNS: dict[str, str] = {
    "target_id": "string",        # fact_id, plus "@year" for a trajectory year
    "fact_id": "string",
    "indicator": "string",
    "geo_code": "string",
    "geo_name": "string",
    "scope": "string",
    "comparison": "string",
    "value": "float64",
    "unit": "string",
    "period": "string",           # the period the target applies to (a year, or the plan period)
    "baseline_year": "Int64",
    "deadline": "datetime64[ns]",
    "trajectory_year": "Int64",
    "raw_value": "string",
    "quote": "string",
    "source_id": "string",
    "source_file": "string",
    "raw_row": "Int64",
    "reliability": "string",
    "flags": "string",
}


_BASELINE = re.compile(r"so với giai đoạn (\d{4}) ?[-–] ?(\d{4})")


def targets_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Build the targets table from the ``seed_facts`` side table of target rows.

    Parameters
    ----------
    facts : DataFrame
        ``read_seed_facts().extra_tables["seed_facts"]`` rows (any documents; only targets kept).

    Returns
    -------
    DataFrame
        Columns :data:`TARGET_COLUMNS`, one row per target and trajectory year, sorted by ``target_id``.
    """
    flags = facts["flags"].fillna("")
    d = facts[flags.str.split(";").map(lambda f: "target" in f)].copy()
    records = d.to_dict("records")
    first = {r["fact_id"]: r["trajectory_year"] for r in records
             if r["role"] == "target" and pd.notna(r["trajectory_year"])}
    rows = []
    for rec in records:
        f = [x for x in (rec["flags"] or "").split(";") if x]
        year = rec["trajectory_year"]
        has_year = pd.notna(year)
        stated_year = re.fullmatch(r"\d{4}", rec["period"]) is not None
        if not stated_year:
            f.append("deadline_plan_end")
        baseline = pd.NA
        m = _BASELINE.search(rec["quote"].replace("\n", " "))
        if "relative_to_baseline" in f and m:
            baseline = int(m.group(2))
        elif has_year:
            baseline = int(first.get(rec["fact_id"] if rec["role"] == "target" else rec["base_fact_id"], year))
        rows.append({
            "target_id": rec["fact_id"] + (f"@{int(year)}" if has_year else ""),
            "fact_id": rec["fact_id"], "indicator": rec["indicator"], "geo_code": rec["geo_code"],
            "geo_name": rec["geo_name"], "scope": rec["scope"] or pd.NA, "comparison": rec["comparison"],
            "value": rec["value"], "unit": rec["unit"], "period": rec["period"], "baseline_year": baseline,
            "deadline": rec["period_end"], "trajectory_year": year, "raw_value": rec["raw_value"],
            "quote": rec["quote"], "source_id": rec["source_id"], "source_file": rec["source_file"],
            "raw_row": rec["raw_row"], "reliability": rec["reliability"],
            "flags": ";".join(dict.fromkeys(x for x in f if x != "target")) or pd.NA,
        })
    out = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    out = out.sort_values(["raw_row", "target_id"], kind="stable").reset_index(drop=True)
    return out.astype(TARGET_COLUMNS)


def read_targets_1191(path: str | Path | None = None, *, seeds_dir: str | Path | None = None) -> SourceResult:
    """Read the Decision 1191/QĐ-UBND targets from the seed-facts table.

    Parameters
    ----------
    path, seeds_dir : optional
        As for :func:`cchc_research.sources.seed_facts.read_seed_facts`.

    Returns
    -------
    SourceResult
        ``indicators``: the target rows (every comparison is ``>=``, ``>``, ``<=`` or ``<``;
        trajectory years expanded), ``rejects`` of the decision's rows, ``rows_read`` = the
        decision's rows in the CSV, and ``extra_tables["targets"]`` (:data:`TARGET_COLUMNS`).

    Examples
    --------
    >>> res = read_targets_1191()
    >>> res.check_accounting()
    >>> t = res.extra_tables["targets"]
    >>> t.query("indicator == 'online_procedure_share'")[["comparison", "value"]].drop_duplicates().values.tolist()
    [['>', 0.6]]
    >>> (res.indicators["comparison"] != "==").all()
    True
    """
    facts = read_seed_facts(path, seeds_dir=seeds_dir, documents={DECISION_1191})
    side = facts.extra_tables["seed_facts"]
    table = targets_table(side) if not side.empty else pd.DataFrame(columns=list(TARGET_COLUMNS)).astype(TARGET_COLUMNS)
    result = SourceResult(SOURCE_ID, facts.indicators, facts.rejects, rows_read=facts.rows_read,
                          extra_tables={"targets": table})
    result.rejects["source_id"] = SOURCE_ID
    return result
