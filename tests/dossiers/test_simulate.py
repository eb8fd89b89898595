"""Tests of the simulated dossier world (cchc_research.simulate)."""

from __future__ import annotations

import hashlib
import json
import math
import types

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cchc_research import geo
from cchc_research.dossiers.aggregate import aggregate
from cchc_research.dossiers.io import read_export
from cchc_research.dossiers.schema import DOSSIER_COLUMNS, dossier_schema
from cchc_research.errors import AggregationError, CCHCError
from cchc_research.simulate import (
    CALIBRATION_TARGETS,
    WorldParams,
    iter_dossier_chunks,
    simulate_dossiers,
    simulate_panel,
    truth_table,
)
from cchc_research.simulate.generate import TruthAccumulator, iter_months
from cchc_research.simulate.structure import WorldStructure
from cchc_research.simulate.world import DISTRICTS, cohort_sizes

SEED = 20240415


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def small_world():
    """The in-memory twin of ``disk_world`` (same size and seed)."""
    return simulate_dossiers(30_000, seed=SEED)


@pytest.fixture(scope="module")
def disk_world(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim_a")
    return simulate_dossiers(30_000, seed=SEED, out_dir=out, chunk_rows=8_000)


@pytest.fixture(scope="module")
def calib_world():
    return simulate_dossiers(300_000, seed=SEED)


# ----------------------------------------------------------------------------- determinism
def test_same_seed_byte_identical_files(disk_world, tmp_path):
    simulate_dossiers(30_000, seed=SEED, out_dir=tmp_path, chunk_rows=8_000)
    first = sorted(p.name for p in disk_world.out_dir.iterdir())
    second = sorted(p.name for p in tmp_path.iterdir())
    assert first == second
    assert all("simulated" in name for name in first)
    for name in first:
        assert _digest(disk_world.out_dir / name) == _digest(tmp_path / name), name


def test_different_seed_differs(disk_world, tmp_path):
    other = simulate_dossiers(30_000, seed=SEED + 1, out_dir=tmp_path, chunk_rows=8_000)
    assert _digest(other.files[0]) != _digest(disk_world.files[0])
    a = pq.read_table(disk_world.files[0]).column("received_at")
    b = pq.read_table(other.files[0]).column("received_at")
    assert not a.equals(b)


def test_rows_do_not_depend_on_chunking(small_world):
    again = simulate_dossiers(30_000, seed=SEED, chunk_rows=3_333)
    pd.testing.assert_frame_equal(small_world.dossiers, again.dossiers)
    pd.testing.assert_frame_equal(small_world.truth, again.truth)


def test_disk_and_memory_worlds_agree(disk_world, small_world):
    memory = small_world
    pd.testing.assert_frame_equal(disk_world.read(), memory.dossiers)
    stored = pd.read_parquet(disk_world.extra_files["truth_parquet"])
    pd.testing.assert_frame_equal(stored, memory.truth, check_dtype=False)


# ----------------------------------------------------------------------------- chunking
def test_chunk_files_and_counts(disk_world):
    assert len(disk_world.files) == math.ceil(30_000 / 8_000)
    sizes = [pq.ParquetFile(f).metadata.num_rows for f in disk_world.files]
    assert sizes == [8_000, 8_000, 8_000, 6_000]
    assert [f.name for f in disk_world.files] == [
        f"simulated_dossiers-{i:05d}.parquet" for i in range(4)]
    assert pq.read_schema(disk_world.files[0]).metadata[b"simulated"] == b"true"
    ids = pd.concat([pd.read_parquet(f, columns=["dossier_id"]) for f in disk_world.files])
    assert ids["dossier_id"].is_unique and len(ids) == 30_000


def test_chunks_are_generated_lazily():
    structure = WorldStructure.build(50_000, seed=SEED)
    acc = TruthAccumulator(structure)
    chunks = iter_dossier_chunks(structure, 5_000, acc)
    assert isinstance(chunks, types.GeneratorType)
    first = next(chunks)
    assert isinstance(first, pa.Table) and first.num_rows == 5_000
    # only the months needed for the first chunk have been generated so far
    assert acc.sums["n_resolved"].sum() < 0.2 * 50_000
    months = iter_months(structure)
    assert next(months).num_rows == structure.counts[0].sum()
    rest = sum(t.num_rows for t in chunks)
    assert rest == 45_000


def test_bad_arguments_raise():
    with pytest.raises(CCHCError):
        simulate_dossiers(0, seed=1)
    with pytest.raises(CCHCError):
        simulate_dossiers(100, seed=1, chunk_rows=0)
    with pytest.raises(CCHCError, match="calibration"):
        simulate_dossiers(100, seed=1, start="2020-01-01")
    with pytest.raises(AggregationError):
        truth_table(simulate_dossiers(500, seed=1).truth, "week")


# ----------------------------------------------------------------------------- schema
def test_schema_is_canonical(small_world):
    df = small_world.dossiers
    assert list(df.columns) == [*DOSSIER_COLUMNS, "simulated"]
    assert df["simulated"].all()
    dossier_schema(units=geo.hcmc_districts(2020)["geo_code"]).validate(df)
    assert set(df["field"]) >= {"dat_dai", "xay_dung", "ho_tich", "kinh_doanh", "lao_dong"}
    assert df["satisfaction_rating"].dropna().between(1, 5).all()
    assert df.loc[df["status"] == "pending", "completed_at"].isna().all()
    assert df.loc[df["status"] == "completed", "completed_at"].notna().all()
    assert (df.loc[df["channel"] != "online", "online_level"] == "none").all()


def test_read_export_accepts_every_row(disk_world):
    for f in disk_world.files[:2]:
        export = read_export(f)
        assert export.counts.rejected == 0 and len(export.rejects) == 0
        assert export.counts.valid == pq.ParquetFile(f).metadata.num_rows


def test_world_json_is_labelled(disk_world):
    meta = json.loads((disk_world.out_dir / "simulated_world.json").read_text("utf-8"))
    assert meta["simulated"] is True and meta["seed"] == SEED
    assert meta["files"] == [f.name for f in disk_world.files]
    assert set(meta["aggregate_truth"]) >= {"overall_att_month", "overall_att_quarter"}
    truth = pd.read_csv(disk_world.extra_files["truth_csv"])
    assert truth["simulated"].all()


# ----------------------------------------------------------------------------- geography
def test_units_follow_the_thu_duc_merger(small_world):
    df = small_world.dossiers
    before = set(df.loc[df["received_at"] < "2021-01-01", "unit"])
    after = set(df.loc[df["received_at"] >= "2021-01-01", "unit"])
    assert before == set(geo.hcmc_districts(2020)["geo_code"]) and len(before) == 24
    assert after == set(geo.hcmc_districts(2021)["geo_code"]) and len(after) == 22
    assert {"762", "763"}.isdisjoint(after)


def test_rollout_cohorts():
    rollout = {d.code: d.rollout for d in DISTRICTS}
    assert sum(r <= "2019-06" for r in rollout.values()) == 13
    assert all("2019-01" <= r <= "2020-01" for r in rollout.values())
    assert rollout["765"] == "2019-01"  # Bình Thạnh pilot
    assert len({rollout["762"], rollout["763"], rollout["769"]}) == 1
    assert sum(cohort_sizes(2020).values()) == 24 and sum(cohort_sizes(2021).values()) == 22


# ----------------------------------------------------------------------------- truth
def test_truth_table_consistency(small_world):
    t, df = small_world.truth, small_world.dossiers
    assert len(t) == 22 * 96 and t["simulated"].all()
    pre = t[t["event_time"] < 0]
    assert (pre["true_effect_on_time_rate"].fillna(0) == 0).all()
    assert (pre["true_effect_satisfaction_rate"].fillna(0) == 0).all()
    post = t[t["event_time"] >= 0].dropna(subset=["true_effect_satisfaction_rate"])
    assert (post["true_effect_satisfaction_rate"] >= 0).all()
    assert (t["true_effect_on_time_rate"].dropna() >= 0).all()
    assert (t["expected_on_time_rate_untreated"].dropna() <= 1).all()
    completed = df["status"] == "completed"
    assert t["n_resolved"].sum() == completed.sum()
    assert t["n_rated"].sum() == (completed & df["satisfaction_rating"].notna()).sum()
    q = small_world.truth_table("quarter")
    assert len(q) == 22 * 32 and q["n_resolved"].sum() == t["n_resolved"].sum()
    first = q[(q["unit"] == "765") & (q["period"] == "2019-Q3")].iloc[0]
    months = t[(t["unit"] == "765") & t["period"].isin(["2019-07", "2019-08", "2019-09"])]
    expected = np.average(months["true_effect_satisfaction_rate"], weights=months["n_rated"])
    assert first["event_time"] == 2 and first["true_effect_satisfaction_rate"] == pytest.approx(
        expected)


def test_effects_grow_and_differ_by_cohort(calib_world):
    by_e = calib_world.truth_by_event_time()
    sat = by_e.set_index("event_time")["true_effect_satisfaction_rate"]
    assert sat.loc[0] < sat.loc[5] < sat.loc[11]
    t = calib_world.truth
    plateau = t[t["event_time"].between(12, 20)].groupby("cohort")[
        "true_effect_satisfaction_rate"].mean()
    assert plateau["2019-01"] > plateau["2019-07"] > plateau["2020-01"]


def test_panel_counts_match_truth(small_world):
    panel = simulate_panel(world=small_world)
    assert panel["unit"].nunique() == 22 and panel["simulated"].all()
    truth = small_world.truth.set_index(["unit", "period"])
    joined = panel.set_index(["unit", "period"]).join(truth[["n_resolved", "n_rated"]])
    assert (joined["resolved"] == joined["n_resolved"]).all()
    assert (joined["rated"] == joined["n_rated"]).all()
    assert panel.groupby("unit")["cohort"].nunique().eq(1).all()


def test_panel_from_disk_equals_panel_in_memory(disk_world, small_world):
    a = simulate_panel(world=disk_world, freq="quarter")
    b = simulate_panel(world=small_world, freq="quarter", engine="pandas")
    pd.testing.assert_frame_equal(a, b)


def _twfe_static(frame: pd.DataFrame, y: str) -> float:
    """Coefficient of `treated` in y ~ treated + unit FE + period FE (within transform)."""
    d = frame[[y, "treated", "unit", "period"]].dropna().copy()
    d["treated"] = d["treated"].astype(float)
    for col in (y, "treated"):
        for _ in range(50):  # alternating projections on a balanced panel converge fast
            d[col] -= d.groupby("unit")[col].transform("mean")
            d[col] -= d.groupby("period")[col].transform("mean")
    return float((d[y] * d["treated"]).sum() / (d["treated"] ** 2).sum())


def _cs_not_yet_treated(frame: pd.DataFrame, y: str, through: str) -> float:
    """Callaway–Sant'Anna simple ATT with not-yet-treated controls, base period g - 1."""
    from cchc_research.simulate.world import month_index

    d = frame[frame["period"] <= through].copy()
    d["t"] = d["period"].map(month_index)
    d["g"] = d["cohort"].map(month_index)
    wide = d.pivot(index="unit", columns="t", values=y)
    g_of = d.drop_duplicates("unit").set_index("unit")["g"]
    atts, weights = [], []
    for g in sorted(g_of.unique()):
        treated = g_of.index[g_of == g]
        for t in range(g, d["t"].max() + 1):
            controls = g_of.index[g_of > t]
            if len(controls) == 0:
                continue
            diff_t = wide.loc[treated, t] - wide.loc[treated, g - 1]
            diff_c = wide.loc[controls, t] - wide.loc[controls, g - 1]
            atts.append(diff_t.mean() - diff_c.mean())
            weights.append(len(treated))
    return float(np.average(atts, weights=weights))


def test_twfe_is_biased_where_group_time_recovers_truth(calib_world):
    """On the noise-free expected satisfaction rates (truth table), static TWFE misses the
    true ATT while a not-yet-treated group-time estimator recovers it."""
    truth = calib_world.truth
    through = "2019-12"  # last period with a not-yet-treated comparison group
    window = truth[truth["period"] <= through].copy()
    y = "expected_satisfaction_rate"
    true_att = calib_world.overall_att("month", through)["satisfaction_rate"]
    cs = _cs_not_yet_treated(window, y, through)
    twfe_all = _twfe_static(truth, y)
    full_att = calib_world.overall_att("month")["satisfaction_rate"]
    assert cs == pytest.approx(true_att, abs=0.25 * true_att)
    assert abs(twfe_all - full_att) > 0.3 * full_att


# ----------------------------------------------------------------------------- calibration
def test_calibration_to_published_aggregates(calib_world):
    half = aggregate(calib_world.dossiers, freq="half", by=())
    late_h1 = 1 - half.set_index("period").loc["2019-H1", "on_time_rate"]
    assert late_h1 == pytest.approx(CALIBRATION_TARGETS["late_rate_2019_H1"]["value"],
                                    abs=0.0015)
    quarter = aggregate(calib_world.dossiers, freq="quarter", by=()).set_index("period")
    assert quarter.loc["2024-Q1", "on_time_rate"] == pytest.approx(
        CALIBRATION_TARGETS["on_time_rate_2024_Q1"]["value"], abs=0.005)
    year = aggregate(calib_world.dossiers, freq="year", by=()).set_index("period")
    assert 1 - year.loc["2019", "satisfaction_rate"] == pytest.approx(
        CALIBRATION_TARGETS["dissatisfaction_rate_2019"]["value"], abs=0.015)
    # plausibility: online uptake rises, COVID Q3 2021 is disrupted
    assert year.loc["2017", "online_share"] < 0.06
    assert 0.45 < year.loc["2024", "online_share"] < 0.65
    assert year["online_share"].is_monotonic_increasing
    assert quarter.loc["2021-Q3", "received"] < 0.6 * quarter.loc["2021-Q2", "received"]
    assert 1 - quarter.loc["2021-Q3", "on_time_rate"] > 3 * late_h1


def test_land_is_hardest_and_delegation_shortens(calib_world):
    df = calib_world.dossiers
    done = df[df["status"] == "completed"]
    late = (done["completed_at"].dt.normalize() > done["due_at"].dt.normalize())
    by_field = late.groupby(done["field"]).mean()
    assert by_field.idxmax() == "dat_dai"
    y = df["received_at"].dt.year
    assert not df.loc[y == 2017, "delegated"].any()
    share = df.loc[y >= 2018, "delegated"].mean()
    assert 0.05 < share < 0.6
    deleg_codes = df.loc[df["delegated"], "procedure_code"].unique()
    for code in deleg_codes[:3]:
        before = df.loc[(df["procedure_code"] == code) & (y == 2017), "statutory_days"].iloc[0]
        after = df.loc[(df["procedure_code"] == code) & (y >= 2018), "statutory_days"].iloc[0]
        assert after < before or before == 1


def test_tet_lowers_volume(calib_world):
    from cchc_research.simulate.structure import tet_months
    from cchc_research.simulate.world import month_label

    month = aggregate(calib_world.dossiers, freq="month", by=()).set_index("period")
    for m in sorted(tet_months(2017, 2024)):
        label, before = month_label(m), month_label(m - 1)
        if before in month.index:
            assert month.loc[label, "received"] < month.loc[before, "received"]


def test_params_change_the_world():
    base = simulate_dossiers(5_000, seed=3)
    stronger = simulate_dossiers(5_000, seed=3, params=WorldParams(
        cohort_kappa={k: 0.8 for k in WorldParams().cohort_kappa}))
    assert (stronger.overall_att()["satisfaction_rate"]
            > 1.5 * base.overall_att()["satisfaction_rate"])


@pytest.mark.slow
def test_calibration_large_world():
    world = simulate_dossiers(2_000_000, seed=SEED + 7)
    half = aggregate(world.dossiers, freq="half", by=()).set_index("period")
    assert 1 - half.loc["2019-H1", "on_time_rate"] == pytest.approx(0.0031, abs=0.0006)
    quarter = aggregate(world.dossiers, freq="quarter", by=()).set_index("period")
    assert quarter.loc["2024-Q1", "on_time_rate"] == pytest.approx(0.976, abs=0.002)
    year = aggregate(world.dossiers, freq="year", by=()).set_index("period")
    assert 1 - year.loc["2019", "satisfaction_rate"] == pytest.approx(0.177, abs=0.005)


def test_cli_panel_and_dossiers(tmp_path):
    from typer.testing import CliRunner

    from cchc_research.simulate.cli import app

    runner = CliRunner()
    out = tmp_path / "simulated_panel.csv"
    result = runner.invoke(app, ["panel", str(out), "--rows", "3000", "--seed", "2",
                                 "--freq", "quarter"])
    assert result.exit_code == 0, result.output
    panel = pd.read_csv(out, dtype={"unit": str})
    assert panel["simulated"].all() and panel["unit"].nunique() == 22
    result = runner.invoke(app, ["dossiers", str(tmp_path / "w"), "--rows", "2500",
                                 "--chunk-rows", "1000", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "w").glob("simulated_dossiers-*.parquet"))) == 3
