"""``./run test``: every stage runs even after a failure, each reports, and the exit code says if any failed.

The stage machinery of ``./run`` (functions ``stage`` and ``summary``) is sourced and driven with
small fake stages, so the real suite is not re-run here.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from cchc_research import config

RUN = config.SOURCE_ROOT / "run"


def _stages(script: str, filtered: str = "") -> subprocess.CompletedProcess:
    text = RUN.read_text("utf-8")
    machinery = text[text.index("# ---- test stages"):text.index('cmd="${1:-help}"')]
    body = f"set -euo pipefail\n{machinery}\nFILTERED={filtered!r}\n{script}\n"
    return subprocess.run(["bash", "-c", body], capture_output=True, text=True, timeout=120)


def _pytest(code: str) -> str:
    """A command printing a pytest-like closing line and exiting like pytest."""
    return f"{sys.executable} -c {code!r}"


PASS = _pytest("print('===== 3 passed, 1 skipped in 0.10s ====='); raise SystemExit(0)")
FAIL = _pytest("print('===== 2 failed, 5 passed, 1 error in 0.20s ====='); raise SystemExit(1)")
EMPTY = _pytest("print('===== no tests ran in 0.01s ====='); raise SystemExit(5)")


def test_every_stage_runs_after_a_failure_and_exit_is_nonzero():
    res = _stages(f"stage build cmd false\nstage library pytest {FAIL}\nstage notebooks pytest {PASS}\nsummary")
    assert res.returncode != 0
    out = res.stdout
    for name in ("build", "library", "notebooks"):
        assert f"== stage: {name}" in out  # every stage ran
    assert re.search(r"build\s+FAILED \(exit 1\)", out)
    assert re.search(r"library\s+FAILED \(exit 1\)\s+5 passed, 3 failed, 0 skipped", out)
    assert re.search(r"notebooks\s+passed\s+3 passed, 0 failed, 1 skipped", out)
    assert out.rstrip().splitlines()[-1] == "total: 8 passed, 3 failed, 1 skipped"
    assert "2 stage(s) failed" in res.stderr


def test_all_green_exits_zero():
    res = _stages(f"stage build cmd true\nstage library pytest {PASS}\nsummary")
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.rstrip().splitlines()[-1] == "total: 3 passed, 0 failed, 1 skipped"


@pytest.mark.parametrize("filtered, ok", [("", False), ("-k nothing", True)])
def test_no_test_collected_fails_unless_the_caller_filtered(filtered, ok):
    res = _stages(f"stage library pytest {EMPTY}\nsummary", filtered=filtered)
    assert (res.returncode == 0) is ok
    assert ("no test collected" in res.stdout) is not ok


def test_ci_calls_exactly_the_readme_test_command():
    ci = (config.SOURCE_ROOT / ".ci" / "run").read_text("utf-8")
    commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert commands[-1] == "./run test"
    assert "./run test" in (config.SOURCE_ROOT / "README.md").read_text("utf-8")


def test_run_installs_the_lock_then_the_project_without_deps_and_registers_the_kernel():
    text = RUN.read_text("utf-8")
    assert "install --quiet -r requirements.lock" in text
    assert "install --quiet --no-deps -e ." in text
    assert "reports install-kernel" in text
    assert "--nbval-kernel-name \"$KERNEL\"" in text and "KERNEL=cchc-research" in text
    assert "jupyter lab" in text
