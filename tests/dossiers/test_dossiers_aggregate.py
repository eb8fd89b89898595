"""aggregate(): official definitions on hand-made cases, engine equality, a literal oracle.

``tests/dossiers/fixtures/definitions.csv`` (unit 760 unless stated; dates 2024):

==== ======== ========= ============ ======== =========== ===============================
id   received due       completed    status   channel     what it tests
==== ======== ========= ============ ======== =========== ===============================
D01  4/3 8:00 8/3       8/3 17:30    done     online/full on time: same date, later hour
D02  5/3      7/3       12/3         done     direct      late; working days 5
D03  28/3     2/4       1/4          done     online/part received March, resolved April
D04  20/3     25/3      -            pending  direct      overdue at end of March & April
D05  25/3     31/3      -            pending  direct      due on the period's last day
D06  10/3     15/3      3/4          done     direct      overdue at end of March, late April
D07  12/3     20/3      14/3         withdrawn online/full excluded from rates
D08  15/3     22/3      18/3         returned postal      rated 1, not resolved
D09  15/1     31/1      -            pending  direct      unit 761: empty months kept
==== ======== ========= ============ ======== =========== ===============================

Hand counts, month, unit 760 — March: received 8, withdrawn 1, online 2 (full 1, partial
1) of 7 → online_share 2/7; resolved D01, D02 → on time 1, late 1; median working days
(4 + 5) / 2 = 4.5; rated D01, D02, D08 → satisfied 1 of 3; overdue at 31/3: D04, D06 → 2
(D05 is due on 31/3, not before). April: resolved D03 (on time, 2 working days: 29/3, 1/4)
and D06 (late, 18 working days 11/3-3/4) → median 10; rated D03 → 1 of 1; overdue at 30/4:
D04, D05 → 2. Unit 761: January overdue 0 (due on 31/1), February-April 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_research.dossiers import COUNT_COLUMNS, aggregate, read_export
from cchc_research.dossiers.workdays import working_days_between
from cchc_research.errors import AggregationError, SchemaError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ENGINES = ["duckdb", "pandas"]


@pytest.fixture(scope="module")
def dossiers() -> pd.DataFrame:
    res = read_export(FIXTURES / "definitions.csv", units={"760", "761"})
    assert res.counts.rejected == 0
    return res.dossiers


def _row(out: pd.DataFrame, unit: str, period: str) -> pd.Series:
    hit = out[(out["unit"] == unit) & (out["period"] == period)]
    assert len(hit) == 1, (unit, period)
    return hit.iloc[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_monthly_definitions_hand_counted(dossiers, engine):
    out = aggregate(dossiers, freq="month", engine=engine)
    assert list(zip(out["unit"], out["period"])) == [
        ("760", "2024-03"), ("760", "2024-04"),
        ("761", "2024-01"), ("761", "2024-02"), ("761", "2024-03"), ("761", "2024-04"),
    ]
    march = _row(out, "760", "2024-03")
    expected = dict(received=8, withdrawn=1, received_online=2, received_online_full=1,
                    received_online_partial=1, resolved=2, resolved_on_time=1, resolved_late=1,
                    overdue_pending=2, rated=3, satisfied=1)
    assert {k: int(march[k]) for k in expected} == expected
    assert march["on_time_rate"] == 0.5
    assert march["median_working_days"] == 4.5
    assert march["online_share"] == pytest.approx(2 / 7)
    assert march["online_full_share"] == pytest.approx(1 / 7)
    assert march["satisfaction_rate"] == pytest.approx(1 / 3)
    assert march["period_start"] == pd.Timestamp("2024-03-01")
    assert march["period_end"] == pd.Timestamp("2024-03-31")
    april = _row(out, "760", "2024-04")
    expected = dict(received=0, resolved=2, resolved_on_time=1, resolved_late=1,
                    overdue_pending=2, rated=1, satisfied=1)
    assert {k: int(april[k]) for k in expected} == expected
    assert april["median_working_days"] == 10.0
    assert np.isnan(april["online_share"])
    assert april["satisfaction_rate"] == 1.0
    assert out.loc[out["unit"] == "761", "overdue_pending"].tolist() == [0, 1, 1, 1]
    assert out.loc[out["unit"] == "761", "received"].tolist() == [1, 0, 0, 0]


@pytest.mark.parametrize("engine", ENGINES)
def test_as_of_cuts_the_last_period(dossiers, engine):
    out = aggregate(dossiers, freq="month", as_of="2024-04-02", engine=engine)
    april = _row(out, "760", "2024-04")
    # D06 (completed 3/4) is still pending on 2/4; D05 due 31/3 < 2/4 is overdue
    assert (int(april["resolved"]), int(april["resolved_on_time"])) == (1, 1)
    assert int(april["overdue_pending"]) == 3
    assert april["median_working_days"] == 2.0
    assert int(_row(out, "760", "2024-03")["overdue_pending"]) == 2

    mid = aggregate(dossiers, freq="month", as_of="2024-03-20", engine=engine)
    assert list(zip(mid["unit"], mid["period"])) == [
        ("760", "2024-03"), ("761", "2024-01"), ("761", "2024-02"), ("761", "2024-03"),
    ]
    march = _row(mid, "760", "2024-03")
    # received by 20/3: D01, D02, D04, D06, D07, D08; overdue on 20/3: D06 only
    assert (int(march["received"]), int(march["resolved"]), int(march["overdue_pending"])) == (6, 2, 1)


@pytest.mark.parametrize("engine", ENGINES)
def test_quarterly_half_yearly_and_yearly(dossiers, engine):
    q = aggregate(dossiers, freq="quarter", engine=engine)
    assert q["period"].tolist() == ["2024-Q1", "2024-Q2", "2024-Q1", "2024-Q2"]
    q1, q2 = _row(q, "760", "2024-Q1"), _row(q, "760", "2024-Q2")
    assert [int(q1[c]) for c in ("received", "resolved", "resolved_on_time", "overdue_pending")] == [8, 2, 1, 2]
    assert [int(q2[c]) for c in ("received", "resolved", "resolved_on_time", "overdue_pending")] == [0, 2, 1, 2]
    assert q2["period_end"] == pd.Timestamp("2024-06-30")
    h = aggregate(dossiers, freq="half", engine=engine)
    h1 = _row(h, "760", "2024-H1")
    assert (int(h1["resolved"]), h1["median_working_days"]) == (4, 4.5)  # 2, 4, 5, 18
    y = aggregate(dossiers, freq="year", by=(), engine=engine)
    assert y["period"].tolist() == ["2024"]
    assert int(y["received"].iloc[0]) == 9 and int(y["overdue_pending"].iloc[0]) == 3


@pytest.mark.parametrize("engine", ENGINES)
def test_by_field_and_channel(dossiers, engine):
    out = aggregate(dossiers, freq="month", by=("unit", "channel"), engine=engine)
    online = _row(out[out["channel"] == "online"], "760", "2024-03")
    assert (int(online["received"]), int(online["withdrawn"]), online["online_share"]) == (3, 1, 1.0)
    by_field = aggregate(dossiers, freq="month", by=["field"], engine=engine)
    land = by_field[(by_field["field"] == "dat_dai") & (by_field["period"] == "2024-03")].iloc[0]
    assert int(land["received"]) == 5  # D01, D03, D04, D06, D07 (D09 is January)


@pytest.mark.parametrize(
    ("freq", "by", "as_of"),
    [
        ("month", ("unit",), None),
        ("month", ("unit", "field", "channel"), "2024-04-02"),
        ("quarter", ("unit", "online_level"), None),
        ("half", (), "2024-03-31"),
        ("year", ("procedure_code",), None),
    ],
)
def test_engines_identical_on_fixture(dossiers, freq, by, as_of):
    a = aggregate(dossiers, freq=freq, by=by, as_of=as_of, engine="duckdb")
    b = aggregate(dossiers, freq=freq, by=by, as_of=as_of, engine="pandas")
    pd.testing.assert_frame_equal(a, b)


def random_dossiers(n: int, seed: int) -> pd.DataFrame:
    """A seeded random frame of clean dossiers (all statuses, missing fields, ratings)."""
    rng = np.random.default_rng(seed)
    received = pd.Timestamp("2023-11-20") + pd.to_timedelta(rng.integers(0, 300 * 24 * 60, n), unit="min")
    due = received.normalize() + pd.to_timedelta(rng.integers(0, 25, n), unit="D")
    completed = pd.Series(received + pd.to_timedelta(rng.integers(0, 45 * 24 * 60, n), unit="min"))
    status = rng.choice(["completed", "pending", "returned", "withdrawn"], n, p=[0.7, 0.18, 0.06, 0.06])
    completed = completed.where(status != "pending")
    completed = completed.where(~((status == "returned") & (rng.random(n) < 0.5)))
    rating = pd.array(rng.integers(1, 6, n), dtype="Int64")
    rating[rng.random(n) < 0.5] = pd.NA
    return pd.DataFrame(
        {
            "dossier_id": [f"R{seed}-{i}" for i in range(n)],
            "unit": rng.choice(["760", "761", "769"], n),
            "field": pd.array(rng.choice(["dat_dai", "tu_phap", None], n), dtype="string"),
            "channel": rng.choice(["direct", "online", "postal"], n),
            "online_level": rng.choice(["full", "partial", "none"], n),
            "received_at": pd.Series(received).astype("datetime64[ns]"),
            "due_at": pd.Series(due).astype("datetime64[ns]"),
            "completed_at": completed.astype("datetime64[ns]"),
            "status": status,
            "satisfaction_rating": rating,
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engines_identical_on_random_frames(seed):
    frame = random_dossiers(1500, seed)
    for freq, by, as_of in [("month", ("unit",), None), ("quarter", ("unit", "field"), "2024-05-17"),
                            ("half", ("channel",), None), ("month", ("unit", "channel"), "2024-07-31")]:
        a = aggregate(frame, freq=freq, by=by, as_of=as_of, engine="duckdb", threads=1)
        b = aggregate(frame, freq=freq, by=by, as_of=as_of, engine="pandas")
        pd.testing.assert_frame_equal(a, b)


def oracle(frame: pd.DataFrame, out: pd.DataFrame, as_of: str | None) -> pd.DataFrame:
    """The definitions read literally, one output row at a time (slow, obviously right)."""
    rd = frame["received_at"].dt.normalize()
    dd = frame["due_at"].dt.normalize()
    cd = frame["completed_at"].dt.normalize()
    stop = pd.Timestamp(as_of) if as_of else None
    if stop is not None:
        cd = cd.where(cd <= stop)
    rows = []
    for _, r in out.iterrows():
        start = r["period_start"]
        cut = min(r["period_end"], stop) if stop is not None else r["period_end"]
        g = frame["unit"] == r["unit"]
        in_recv = g & (rd >= start) & (rd <= cut)
        done = g & (frame["status"] == "completed") & (cd >= start) & (cd <= cut)
        open_ = g & frame["status"].isin(["completed", "pending"]) & (rd <= cut) & (dd < cut)
        open_ &= cd.isna() | (cd > cut)
        rated = g & frame["status"].isin(["completed", "returned"]) & (cd >= start) & (cd <= cut)
        rated &= frame["satisfaction_rating"].notna()
        days = [working_days_between(a, b) for a, b in zip(rd[done], cd[done])]
        rows.append(
            {
                "received": int(in_recv.sum()),
                "withdrawn": int((in_recv & (frame["status"] == "withdrawn")).sum()),
                "resolved": int(done.sum()),
                "resolved_on_time": int((done & (cd <= dd)).sum()),
                "overdue_pending": int(open_.sum()),
                "rated": int(rated.sum()),
                "satisfied": int((rated & (frame["satisfaction_rating"] >= 4)).sum()),
                "median_working_days": float(np.median(days)) if days else np.nan,
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("as_of", [None, "2024-06-12"])
def test_engine_matches_literal_definitions(as_of):
    frame = random_dossiers(400, 11)
    out = aggregate(frame, freq="month", as_of=as_of)
    expected = oracle(frame, out, as_of)
    pd.testing.assert_frame_equal(out[list(expected.columns)].reset_index(drop=True), expected,
                                  check_dtype=False)


def test_paths_globs_and_lists(tmp_path):
    frame = random_dossiers(600, 5)
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), 3)):
        frame.iloc[chunk].to_parquet(tmp_path / f"chunk_{i:03d}.parquet", index=False)
    frame.to_csv(tmp_path / "all.csv", index=False)
    ref = aggregate(frame, freq="quarter", engine="pandas")
    chunks = sorted(str(p) for p in tmp_path.glob("chunk_*.parquet"))
    for source in (str(tmp_path / "chunk_*.parquet"), chunks, tmp_path, str(tmp_path / "all.csv")):
        for engine in ENGINES:
            pd.testing.assert_frame_equal(aggregate(source, freq="quarter", engine=engine), ref)


@pytest.mark.parametrize("engine", ENGINES)
def test_due_date_from_statutory_days_when_due_at_absent(engine):
    frame = pd.DataFrame(
        {
            "unit": ["760", "760"],
            "channel": ["direct", "direct"],
            "received_at": pd.to_datetime(["2024-02-06 09:00", "2024-02-06 10:00"]),
            "completed_at": pd.to_datetime(["2024-02-16 10:00", "2024-02-19 10:00"]),
            "status": ["completed", "completed"],
            "statutory_days": [3, 3],  # due 16/2/2024 across Tết
        }
    )
    out = aggregate(frame, freq="month", engine=engine)
    feb = _row(out, "760", "2024-02")
    assert (int(feb["resolved"]), int(feb["resolved_on_time"]), feb["median_working_days"]) == (2, 1, 3.5)


def test_output_types_and_order(dossiers):
    out = aggregate(dossiers, freq="month")
    assert str(out["unit"].dtype) == "string" and str(out["period"].dtype) == "string"
    assert str(out["period_start"].dtype) == "datetime64[ns]"
    assert all(str(out[c].dtype) == "int64" for c in COUNT_COLUMNS)
    assert str(out["on_time_rate"].dtype) == "float64"
    assert (out["resolved"] == out["resolved_on_time"] + out["resolved_late"]).all()


def test_missing_by_values_are_kept_as_na():
    frame = random_dossiers(300, 4)
    for engine in ENGINES:
        out = aggregate(frame, freq="year", by=("field",), engine=engine)
        assert out["period"].tolist() == ["2023", "2024"] * 3
        assert out["field"].isna().tolist() == [False] * 4 + [True] * 2  # missing sorts last


def test_errors(dossiers, tmp_path):
    with pytest.raises(AggregationError, match="freq"):
        aggregate(dossiers, freq="week")
    with pytest.raises(AggregationError, match="group by"):
        aggregate(dossiers, by=("status",))
    with pytest.raises(AggregationError, match="engine"):
        aggregate(dossiers, engine="spark")
    for engine in ENGINES:
        with pytest.raises(SchemaError, match="status"):
            aggregate(dossiers.drop(columns="status"), engine=engine)
    with pytest.raises(SchemaError, match="no dossier file"):
        aggregate(str(tmp_path / "none_*.parquet"))


def test_empty_input_and_as_of_before_data(dossiers):
    for frame, as_of in ((dossiers.iloc[:0], None), (dossiers, "2023-01-01")):
        a = aggregate(frame, as_of=as_of, engine="duckdb")
        b = aggregate(frame, as_of=as_of, engine="pandas")
        assert a.empty
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("freq", ["month", "quarter", "half", "year"])
def test_engines_identical_outside_the_working_day_calendar(freq):
    """Dates beyond the 1990–2050 calendar table take the arithmetic fallback in both engines."""
    frame = random_dossiers(400, 7)
    shift = {0: pd.DateOffset(years=-35), 1: pd.DateOffset(years=27)}  # 1988–89 and 2050–51
    part = np.arange(len(frame)) % 3
    for k, offset in shift.items():
        rows = part == k
        for col in ("received_at", "due_at", "completed_at"):
            frame.loc[rows, col] = frame.loc[rows, col] + offset
    for as_of in (None, "2051-03-31"):
        a = aggregate(frame, freq=freq, as_of=as_of, engine="duckdb", threads=1)
        b = aggregate(frame, freq=freq, as_of=as_of, engine="pandas")
        pd.testing.assert_frame_equal(a, b)
    assert {"1988", "2050"} <= {p[:4] for p in a["period"]}


def test_engines_identical_with_zero_statutory_days_outside_the_calendar():
    frame = pd.DataFrame(
        {
            "unit": ["760", "760", "761"],
            "channel": ["direct", "online", "direct"],
            "received_at": pd.to_datetime(["1989-12-30 09:00", "2051-01-03 10:00", "2024-03-01 08:00"]),
            "completed_at": pd.to_datetime(["1990-01-02 10:00", "2051-01-03 16:00", "2024-03-01 09:00"]),
            "status": ["completed", "completed", "completed"],
            "statutory_days": [0, 0, 0],  # due on the day of receipt
        }
    )
    a = aggregate(frame, freq="year", engine="duckdb", threads=1)
    b = aggregate(frame, freq="year", engine="pandas")
    pd.testing.assert_frame_equal(a, b)
    late_1990 = _row(a, "760", "1990")
    on_time_2051 = _row(a, "760", "2051")
    assert (int(late_1990["resolved"]), int(late_1990["resolved_late"])) == (1, 1)
    assert int(on_time_2051["resolved_on_time"]) == 1
