"""Bad inputs of the newcomer sweep's findings (docs/dev/sweep-findings.md #1–#30), one test per kind.

Each test gives the right value or the project's own error (cchc_research/errors.py) with
its hint. The cases are listed in docs/bad-inputs/sweep.md (rows 202 on). This module
crosses layers (models, periods, dossiers, simulate, the CLI), so it sits at the top level.
"""

from __future__ import annotations

import warnings
from datetime import date

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc_research.cli import app as cchc_app
from cchc_research.errors import (
    EmptyExportError,
    InvalidArgumentError,
    ModelError,
    PeriodArgumentError,
    PeriodError,
    SchemaError,
    SourceError,
)
from cchc_research.models import compare, etable, event_study_twfe, staggered_did, twfe
from cchc_research.periods import as_date, reporting_window, ytd_to_flows
from cchc_research.simulate.cli import app as simulate_app
from cchc_research.simulate.structure import WorldStructure, check_seed, simulated_day
from model_panels import cohort_panel


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few-cluster and similar warnings are not under test here
        yield


def _fit(d: pd.DataFrame, **kw):
    return twfe(d, "y", ["treat", "x"], fe=["unit", "year"], cluster="unit", **kw)


# ----------------------------------------------------------------------------- twfe (#1–#6)

def test_twfe_refuses_a_constant_or_absorbed_outcome():
    """#1–#3: fixest also refuses ("The dependent variable is a constant")."""
    d = cohort_panel()
    with pytest.raises(ModelError, match=r"outcome 'y' is constant \(every value is 0.5"):
        _fit(d.assign(y=0.5))
    with pytest.raises(ModelError, match="fully explained by the fixed effects"):
        twfe(d.assign(y=d["unit"] * 1.0 + d["year"]), "y", ["x"], fe=["unit", "year"])
    with pytest.raises(ModelError, match="is constant"):
        event_study_twfe(d.assign(y=0.5), "y", "unit", "year", "cohort")


@pytest.mark.parametrize("scale", [1e12, 1e15, 1e-9])
def test_twfe_outcome_in_large_or_small_units_scales_exactly(scale):
    """#4: VND amounts of 1e12+ work; estimates scale with the outcome (OLS equivariance)."""
    d = cohort_panel()
    base = _fit(d)
    big = _fit(d.assign(y=d["y"] * scale))
    np.testing.assert_allclose(big.params.to_numpy(), base.params.to_numpy() * scale, rtol=1e-8)
    np.testing.assert_allclose(big.std_errors.to_numpy(), base.std_errors.to_numpy() * scale, rtol=1e-8)
    np.testing.assert_allclose(big.cov.to_numpy(), base.cov.to_numpy() * scale**2, rtol=1e-8)
    np.testing.assert_allclose(big.predictions.resid.to_numpy(), base.predictions.resid.to_numpy() * scale,
                               rtol=1e-6, atol=1e-9 * scale)
    assert big.rsquared == pytest.approx(base.rsquared, rel=1e-9)


def test_twfe_regressor_in_large_units_scales_its_coefficient_back():
    d = cohort_panel()
    base = _fit(d)
    big = _fit(d.assign(x=d["x"] * 1e12))
    np.testing.assert_allclose(big.params["x"], base.params["x"] / 1e12, rtol=1e-8)
    np.testing.assert_allclose(big.params["treat"], base.params["treat"], rtol=1e-8)
    np.testing.assert_allclose(big.std_errors["x"], base.std_errors["x"] / 1e12, rtol=1e-8)


@pytest.mark.parametrize("w, match", [
    (lambda d: np.where(d["unit"] < 3, 0.0, 1.0), r"weights column 'w' has 24 negative or zero value\(s\)"),
    (lambda d: np.zeros(len(d)), "negative or zero"),
    (lambda d: -np.ones(len(d)), "negative or zero"),
    (lambda d: d["unit"] > 3, "weights column 'w' holds booleans"),
])
def test_twfe_weights_must_be_positive_numbers(w, match):
    """#5–#6: the message names our column (not pyfixest's internal 'v5') and the real reason."""
    d = cohort_panel()
    with pytest.raises(ModelError, match=match):
        twfe(d.assign(w=w(d)), "y", ["treat", "x"], fe=["unit", "year"], weights="w")


# ----------------------------------------------------------------------------- cohorts (#7–#8)

@pytest.mark.parametrize("estimator", [staggered_did, event_study_twfe])
def test_a_cohort_that_is_not_a_period_is_refused(estimator):
    d = cohort_panel().assign(cohort=lambda f: f["cohort"].replace(2015, 2015.5))
    with pytest.raises(ModelError, match=r"cohort column 'cohort' has value\(s\) \[2015.5\] .* periods of 'year'"):
        estimator(d, "y", "unit", "year", "cohort")


def test_cohorts_outside_the_span_are_still_accepted():
    """A cohort after the last period is 'treated after the sample' (R did): not refused."""
    d = cohort_panel().assign(cohort=lambda f: f["cohort"].replace(2015, 2030.5))
    res = staggered_did(d, "y", "unit", "year", "cohort")
    assert set(res.att_gt["group"]) == {2013.0}


# ----------------------------------------------------------------------------- compare / etable (#9–#10)

def test_compare_takes_one_result_and_etable_refuses_unknown_terms():
    d = cohort_panel()
    r = twfe(d, "y", ["x"], fe="unit")
    one = compare(r)
    assert one.frame.columns.tolist() == ["(1)"]
    assert one.frame.loc[("x", "estimate"), "(1)"].startswith(f"{r.params['x']:.3f}")
    with pytest.raises(ModelError, match=r"term\(s\) \['nope', 'X'\] are in none of the models.*'X': did you mean 'x'"):
        etable([r], terms=["nope", "X"])
    with pytest.raises(ModelError, match="needs EstimationResults"):
        compare(5)


# ----------------------------------------------------------------------------- periods (#11–#20)

@pytest.mark.parametrize("args", [
    (2024, "quarter", 1.5), (2024.5, "year"), ("2024", "quarter", 1), (None, "year"),
    (2024, "quarter", True), (2024, "year", True),
])
def test_reporting_window_refuses_non_integer_year_or_index(args):
    with pytest.raises(PeriodArgumentError, match="must be an integer") as info:
        reporting_window(*args)
    assert isinstance(info.value, InvalidArgumentError) and isinstance(info.value, PeriodError)


def test_reporting_window_accepts_numpy_integers():
    assert reporting_window(np.int64(2024), "quarter", np.int64(1)).label == "2023-12-15..2024-03-14"


def test_as_date_refuses_implausible_years_and_missing_values():
    with pytest.raises(PeriodError, match="year 24 outside 1900-2100: is it a two-digit year"):
        as_date("0024-01-01")
    with pytest.raises(PeriodError, match="outside 1900-2100"):
        as_date(date(24, 1, 1))
    for missing in (pd.NaT, None, float("nan")):
        with pytest.raises(PeriodArgumentError, match="missing date"):
            as_date(missing)
    assert as_date(pd.Timestamp("2024-03-01")) == date(2024, 3, 1)


_P2 = ["Q1/2024", "6 tháng đầu năm 2024"]


@pytest.mark.parametrize("frame, row, match", [
    (pd.DataFrame({"period": _P2, "value": ["10", "25"]}), 1, r"not a number \(str\)"),
    (pd.DataFrame({"period": _P2, "value": [True, True]}), 1, "a boolean is not a count"),
    (pd.DataFrame({"period": _P2 + ["9 tháng đầu năm 2024", "năm 2024"], "value": [10, np.inf, 40, 60]}),
     2, "an infinite value is not a count"),
])
def test_ytd_to_flows_refuses_values_that_are_not_counts(frame, row, match):
    with pytest.raises(SchemaError, match=match) as info:
        ytd_to_flows(frame, kind="count")
    assert (info.value.row, info.value.column) == (row, "value")


def test_ytd_to_flows_duplicated_columns_and_by_as_a_string():
    dup = pd.DataFrame([[_P2[0], 1, 2], [_P2[1], 3, 4]], columns=["period", "value", "value"])
    with pytest.raises(SchemaError, match="appear more than once"):
        ytd_to_flows(dup, kind="count")
    two = pd.DataFrame({"period": _P2 * 2, "value": [1, 3, 2, 5], "prov": ["p", "p", "q", "q"]})
    out = ytd_to_flows(two, kind="count", by="prov")
    assert out["value"].tolist() == [1, 2, 2, 3]
    with pytest.raises(InvalidArgumentError, match="by must be a column name"):
        ytd_to_flows(two, kind="count", by=5)


# ----------------------------------------------------------------------------- dossiers aggregate (#22–#23)

def test_cli_aggregate_names_an_empty_corrupt_or_unvalidated_file(tmp_path):
    empty, corrupt, other = tmp_path / "e.parquet", tmp_path / "c.parquet", tmp_path / "n.csv"
    empty.write_bytes(b"")
    corrupt.write_bytes(b"not parquet at all")
    other.write_text("a,b\n1,2\n")
    runner = CliRunner()
    for engine in ("duckdb", "pandas"):
        for path, expected in ((empty, "empty file (0 bytes)"), (corrupt, "not a readable Parquet file"),
                               (other, "missing required column(s)")):
            result = runner.invoke(cchc_app, ["dossiers", "aggregate", str(path), str(tmp_path / "o.parquet"),
                                              "--engine", engine, "--no-progress"])
            assert result.exit_code == 1, result.output
            flat = " ".join(result.output.split())
            assert expected in flat and str(path) in flat
            assert "Traceback" not in result.output
    from cchc_research.dossiers.aggregate import aggregate
    with pytest.raises(EmptyExportError):
        aggregate(str(empty))
    with pytest.raises(SourceError) as info:
        aggregate(str(corrupt))
    assert info.value.file == str(corrupt)
    with pytest.raises(SchemaError, match="cchc dossiers validate") as info:
        aggregate(str(other))
    assert info.value.file == str(other)


# ----------------------------------------------------------------------------- simulate (#24–#25, #28–#30)

def test_simulated_world_dates_and_seed_are_checked():
    assert simulated_day("31/01/2017", "start") == "2017-01-31"
    for bad in ("2024-02-30", "31/02/2024", "15/03/24", ""):
        with pytest.raises(InvalidArgumentError, match="start .* is not a date"):
            simulated_day(bad, "start")
    with pytest.raises(InvalidArgumentError, match="end 2024-01-01 is before start 2025-01-01"):
        WorldStructure.build(100, 1, start="2025-01-01", end="2024-01-01")
    for seed in (-1, 1.5, True):
        with pytest.raises(InvalidArgumentError, match="seed must be an integer >= 0"):
            check_seed(seed)


@pytest.mark.parametrize("args, code, expected", [
    (["export", "{tmp}/x", "--rows", "10", "--start", "2024-02-30"], 1, "start '2024-02-30' is not a date"),
    (["export", "{tmp}/x", "--rows", "10", "--start", "2025-01-01", "--end", "2024-01-01"], 1,
     "is before start"),
    (["dossiers", "{tmp}/d", "--rows", "100", "--seed", "-1"], 2, "--seed"),
    (["panel", "{tmp}/p.txt", "--rows", "100"], 2, "must end in .csv or .parquet"),
    (["panel", "{tmp}/p.csv", "--rows", "0"], 2, "--rows"),
    (["dossiers", "{tmp}/d", "--rows", "0"], 2, "--rows"),
])
def test_cli_simulate_refuses_bad_options(tmp_path, args, code, expected):
    result = CliRunner().invoke(simulate_app, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == code, result.output
    assert expected in " ".join(result.output.replace("│", " ").split())
    assert not (tmp_path / "p.txt").exists()


# ----------------------------------------------------------------------------- cchc --home / init (#26–#27)

def _flat(output: str) -> str:
    """CLI output without rich's box characters and line wrapping."""
    return " ".join(output.replace("│", " ").split())


def test_cli_home_that_does_not_exist_and_empty_init_path(tmp_path):
    runner = CliRunner()
    missing = tmp_path / "nowhere"
    result = runner.invoke(cchc_app, ["--home", str(missing), "build"])
    assert result.exit_code == 2
    assert "does not exist" in _flat(result.output) and "cchc init" in _flat(result.output)
    result = runner.invoke(cchc_app, ["init", ""])
    assert result.exit_code == 2 and "an empty path is not a folder name" in _flat(result.output)
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    result = runner.invoke(cchc_app, ["init", str(afile)])
    assert result.exit_code == 2 and "is a file, not a folder" in _flat(result.output)


@pytest.mark.parametrize("argv", [
    ["dossiers", "aggregate", "tests/dossiers/fixtures/corpus/MANIFEST.csv", "/proc/nope/o.parquet"],
    ["simulate", "panel", "/proc/nope/x.csv", "--rows", "1000"],
])
def test_unwritable_output_is_refused_before_work_without_traceback(argv):
    """An output folder that cannot be made gives our one-line error (exit 1), not an OSError traceback."""
    from typer.testing import CliRunner

    from cchc_research.cli import app

    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 1, result.output
    assert "cannot write /proc/nope" in result.output
    assert "Traceback" not in result.output
