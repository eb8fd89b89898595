"""Report runs are checked against the notebook's ``parameters`` cell before any kernel starts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc_research import config
from cchc_research.errors import CCHCError, ReportError
from cchc_research.reporting import runner
from cchc_research.reporting.cli import app as reports_app
from cchc_research.reporting.cli import parse_overrides
from cchc_research.reporting.config import RunSpec, check_parameters, load_config, parse_cli_value, parse_config

FIXTURE = Path(__file__).parent / "fixtures" / "fixture_report.ipynb"
SCORECARD = "02_targets_scorecard.ipynb"


def _spec(**params) -> RunSpec:
    return RunSpec(name="r", notebook=FIXTURE, parameters=params)


def _config(params: dict) -> dict:
    return {"runs": [{"name": "x", "notebook": SCORECARD, "parameters": params}]}


def test_misspelt_parameter_is_refused_with_did_you_mean():
    with pytest.raises(ReportError, match=r"'lnag' is not in the parameters cell.*did you mean 'lang'") as info:
        parse_config(_config({"lnag": "en"}))
    assert info.value.parameter == "lnag" and info.value.run == "x" and info.value.hint == "did you mean 'lang'?"


def test_unknown_parameter_without_a_close_name_lists_the_known_ones():
    with pytest.raises(ReportError, match=r"parameters are: as_of_year, city, lang"):
        parse_config(_config({"zzzzzz": 1}))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"as_of_year": "abc"}, r"'as_of_year' must be int \(default 2025\), got str 'abc'"),
        ({"as_of_year": 2024.5}, r"must be int.*got float"),
        ({"as_of_year": True}, r"must be int.*got bool"),
        ({"city": 79}, r"'city' must be str.*got int 79.*quote codes"),
        ({"lang": ["vi"]}, r"'lang' must be str.*got list"),
    ],
)
def test_wrong_type_is_refused_before_execution(params, message):
    with pytest.raises(ReportError, match=message):
        parse_config(_config(params))


def test_right_types_pass_and_float_accepts_int():
    parse_config(_config({"as_of_year": 2024, "city": "01", "lang": "en"}))
    check_parameters(_spec(fail=True, title="x"))


def test_runner_sets_output_dir_itself():
    with pytest.raises(ReportError, match="set by the runner"):
        parse_config(_config({"output_dir": "/tmp"}))
    with pytest.raises(ReportError, match="'output_dir' is not in the parameters cell"):
        check_parameters(_spec(output_dir="/tmp"))


def test_bad_timeout_is_refused():
    with pytest.raises(ReportError, match="'timeout' must be a positive number"):
        parse_config({"runs": [{"name": "x", "notebook": SCORECARD, "timeout": "ten"}]})


def test_the_project_config_passes_the_check():
    assert len(load_config()) >= 6  # every run's parameters are in its notebook with the right type


def test_run_reports_refuses_before_any_kernel_starts(tmp_path, monkeypatch):
    def boom(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("a run was executed")

    monkeypatch.setattr(runner, "run_one", boom)
    with pytest.raises(ReportError, match="did you mean 'title'"):
        runner.run_reports([_spec(titel="x")], reports_dir=tmp_path, progress=False)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("text, value", [("2024", 2024), ("-3", -3), ("0.5", 0.5), ("True", True),
                                         ("false", False), ("None", None), ("abc", "abc"), ("01", 1)])
def test_cli_values_are_read_as_papermill_reads_them(text, value):
    assert parse_cli_value(text) == value and type(parse_cli_value(text)) is type(value)


def test_overrides_parse_pairs_and_refuse_the_rest():
    assert parse_overrides(["-p", "as_of_year", "2024", "-r", "city", "01"]) == {"as_of_year": 2024, "city": "01"}
    with pytest.raises(ReportError, match="needs a NAME and a VALUE"):
        parse_overrides(["-p", "as_of_year"])
    with pytest.raises(ReportError, match="unknown option"):
        parse_overrides(["--nope"])


def test_cli_refuses_a_bad_override_up_front_on_stderr(monkeypatch):
    monkeypatch.setattr(runner, "run_one", lambda *a, **k: pytest.fail("a run was executed"))
    result = CliRunner().invoke(reports_app, ["run", "--only", "targets-hcm-en", "-p", "as_of_year", "abc"])
    assert result.exit_code == 2
    assert "'as_of_year' must be int" in result.stderr and result.stdout == ""
    result = CliRunner().invoke(reports_app, ["run", "--only", "targets-hcm-en", "-p", "lnag", "en"])
    assert result.exit_code == 2 and "did you mean 'lang'" in result.stderr


def test_cli_unknown_run_name_is_refused(monkeypatch):
    result = CliRunner().invoke(reports_app, ["run", "--only", "nope"])
    assert result.exit_code == 2 and "unknown run name(s): nope" in result.stderr


def test_report_error_carries_papermills_fields():
    err = ReportError("run 'r' failed", run="r", cell_index=2, exec_count=1, ename="RuntimeError",
                      evalue="failing on purpose")
    assert isinstance(err, CCHCError)
    assert (err.cell_index, err.exec_count, err.ename, err.evalue) == (2, 1, "RuntimeError", "failing on purpose")
    assert str(err) == "run 'r' failed: RuntimeError in cell 2: failing on purpose"
    assert str(ReportError("plain")) == "plain" and ReportError("plain").cell_index is None


def test_named_kernel_is_registered_quietly():
    assert runner.KERNEL_NAME == "cchc-research"
    assert runner.kernel_available(), "run `cchc reports install-kernel` (./run does it)"
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(runner.KERNEL_NAME)
    assert "--IPKernelApp.log_level=CRITICAL" in spec.argv  # no "running over TCP" warning per kernel


def test_missing_kernel_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "kernel_available", lambda name=runner.KERNEL_NAME: False)
    with pytest.raises(ReportError, match="kernel 'cchc-research' not found.*install-kernel"):
        runner.run_reports([_spec()], reports_dir=tmp_path, progress=False)


def test_runspec_replace_keeps_validation_inputs():
    spec = dataclasses.replace(_spec(), parameters={"fail": "yes"})
    with pytest.raises(ReportError, match="'fail' must be bool"):
        check_parameters(spec)
    assert config.REPORTS_CONFIG.name == "reports.yml"


def test_report_error_survives_pickling_with_its_fields():
    import pickle

    err = ReportError("run 'r' failed", run="r", cell_index=3, exec_count=3, ename="KeyError", evalue="'x'",
                      hint="check the data")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ReportError and str(back) == str(err)
    assert (back.run, back.cell_index, back.ename, back.evalue, back.hint) == ("r", 3, "KeyError", "'x'", "check the data")


def test_install_kernel_writes_a_quiet_kernelspec_for_this_python(tmp_path):
    import json
    import sys

    path = runner.install_kernel("cchc-test", prefix=str(tmp_path))
    assert path == tmp_path / "share" / "jupyter" / "kernels" / "cchc-test"
    spec = json.loads((path / "kernel.json").read_text("utf-8"))
    assert spec["argv"][0] == sys.executable and spec["argv"][-1] == "--IPKernelApp.log_level=CRITICAL"
    assert spec["display_name"] == "Python 3 (cchc-test)" and spec["language"] == "python"
    runner.install_kernel("cchc-test", prefix=str(tmp_path))  # idempotent: the flag is not added twice
    assert json.loads((path / "kernel.json").read_text("utf-8"))["argv"].count("--IPKernelApp.log_level=CRITICAL") == 1
