"""SIGTERM and SIGINT stop ``cchc reports run``, its workers and their kernels, leaving no orphans.

A real ``cchc reports run --jobs 2`` subprocess executes two runs of a fixture notebook that
sleeps; once both kernels are up, the signal is sent and the whole process tree must be gone
(psutil) with exit code 128 + signal, and no temporary folder left behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

SLEEPY = Path(__file__).parent / "fixtures" / "sleepy_report.ipynb"


def _kernels(proc: psutil.Process) -> list[psutil.Process]:
    out = []
    for p in proc.children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(p.cmdline()):
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.mark.slow
@pytest.mark.parametrize("signum, jobs", [(signal.SIGTERM, 2), (signal.SIGINT, 2), (signal.SIGTERM, 1)],
                         ids=["SIGTERM-jobs2", "SIGINT-jobs2", "SIGTERM-in-process"])
def test_signal_stops_workers_and_kernels(tmp_path, signum, jobs):
    cfg = tmp_path / "reports.yml"
    cfg.write_text("runs:\n"
                   f"  - {{name: a, notebook: '{SLEEPY}'}}\n"
                   f"  - {{name: b, notebook: '{SLEEPY}'}}\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", "from cchc_research.cli import main; main()",
                             "--home", str(home), "reports", "run", "--config", str(cfg), "--jobs", str(jobs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(proc.pid)
    tree: list[psutil.Process] = []
    deadline = time.monotonic() + 240  # kernel start-up on a loaded 2-core machine
    while time.monotonic() < deadline and proc.poll() is None:
        if len(_kernels(parent)) == jobs:
            tree = parent.children(recursive=True)
            break
        time.sleep(0.5)
    assert tree, f"kernels never started: {proc.communicate(timeout=30)}"
    proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=10)  # stops within 10 s
    except subprocess.TimeoutExpired:  # pragma: no cover - the failure being tested
        for p in [parent, *tree]:
            p.kill()
        pytest.fail("cchc reports run did not stop within 10 s")
    assert proc.returncode == 128 + signum, err
    assert "stopped" in err and signal.Signals(signum).name in err
    gone, alive = psutil.wait_procs(tree, timeout=2)
    assert not alive, f"orphans left: {[(p.pid, p.cmdline()) for p in alive]}"
    reports = home / "reports"
    assert not list(reports.glob(".tmp-*")), "temporary run folders left behind"
    assert not (reports / "a").exists() and not (reports / "b").exists()  # nothing published as a result


@pytest.mark.slow
def test_worker_exits_when_the_runner_is_killed(tmp_path):
    """SIGKILL cannot be caught: the workers notice their parent is gone and stop their kernels."""
    cfg = tmp_path / "reports.yml"
    cfg.write_text(f"runs:\n  - {{name: a, notebook: '{SLEEPY}'}}\n  - {{name: b, notebook: '{SLEEPY}'}}\n",
                   encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", "from cchc_research.cli import main; main()",
                             "--home", str(tmp_path), "reports", "run", "--config", str(cfg), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    tree: list[psutil.Process] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if len(_kernels(parent)) == 2:
            tree = parent.children(recursive=True)
            break
        time.sleep(0.5)
    assert tree, "kernels never started"
    proc.kill()
    proc.wait(timeout=10)
    gone, alive = psutil.wait_procs(tree, timeout=15)
    for p in alive:  # pragma: no cover - clean up before failing
        p.kill()
    assert not alive, f"orphans left: {[p.pid for p in alive]}"
