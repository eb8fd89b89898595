"""cchc-research as a package: a configurable home (CCHC_HOME / --home), ``cchc init``, the wheel.

The slow test builds the wheel, installs it into a fresh virtual environment (sharing the
already-installed dependencies of the running environment through a ``.pth`` file, so nothing is
downloaded) and runs ``cchc init``, ``cchc build`` and ``cchc reports list`` in a temporary folder.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc_research import __version__, config
from cchc_research.cli import app

ROOT = config.SOURCE_ROOT


def _python(code: str, env: dict | None = None, cwd: Path | None = None) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                          env={**os.environ, **(env or {})}, cwd=cwd).stdout.strip()


def test_source_checkout_paths_are_unchanged():
    assert config.is_source_checkout()
    assert config.PROJECT_ROOT == ROOT and config.RAW_DIR == ROOT / "data" / "raw"
    assert config.REPORTS_DIR == ROOT / "reports" and config.NOTEBOOKS_DIR == ROOT / "notebooks"
    assert config.REPORTS_CONFIG == ROOT / "reports.yml"


def test_cchc_home_environment_variable_moves_every_path(tmp_path):
    env = {config.HOME_ENV: str(tmp_path)}
    out = json.loads(_python("import json; from cchc_research import config as c; print(json.dumps("
                             "[str(c.PROJECT_ROOT), str(c.RAW_DIR), str(c.PROCESSED_DIR), str(c.REPORTS_DIR),"
                             " str(c.NOTEBOOKS_DIR), str(c.REPORTS_CONFIG), str(c.RESOURCES_DIR)]))", env))
    home = tmp_path.resolve()
    assert out[:6] == [str(home), str(home / "data/raw"), str(home / "data/processed"), str(home / "reports"),
                       str(home / "notebooks"), str(home / "reports.yml")]
    assert out[6] == str(config.RESOURCES_DIR)  # the package's own files stay in the package


def test_set_home_exports_the_home_to_child_processes(tmp_path):
    out = _python("import os; from cchc_research import config as c; "
                  f"c.set_home({str(tmp_path)!r}); print(c.RAW_DIR, os.environ['CCHC_HOME'])")
    assert out == f"{tmp_path.resolve() / 'data' / 'raw'} {tmp_path.resolve()}"


def test_version_option():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"cchc-research {__version__}"


def test_init_copies_notebooks_config_and_raw_data(tmp_path):
    home = tmp_path / "home"
    result = CliRunner().invoke(app, ["init", str(home)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (home / "notebooks").glob("*.ipynb")) == \
        sorted(p.name for p in config.NOTEBOOKS_DIR.glob("*.ipynb"))
    assert (home / "reports.yml").read_bytes() == config.REPORTS_CONFIG.read_bytes()
    raw = sorted(p.relative_to(config.RAW_DIR).as_posix() for p in config.RAW_DIR.rglob("*") if p.is_file())
    assert sorted(p.relative_to(home / "data/raw").as_posix() for p in (home / "data/raw").rglob("*")
                  if p.is_file()) == raw
    again = CliRunner().invoke(app, ["init", str(home)])
    assert again.exit_code == 2 and "not empty" in again.stderr


def test_wheel_data_files_cover_every_raw_folder():
    """pyproject's [tool.setuptools.data-files] must list every folder of data/raw (else init misses data)."""
    import tomllib

    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["data-files"]
    folders = {p.relative_to(ROOT).as_posix() for p in config.RAW_DIR.rglob("*") if p.is_dir()}
    listed = {k.removeprefix("share/cchc-research/") for k in data_files}
    assert folders <= listed, f"add to data-files: {sorted(folders - listed)}"


def test_airflow_dag_runs_the_reports_through_cchc_not_the_workers_python3_kernel():
    """Airflow is not installed here: the DAG file is parsed and its commands checked."""
    source = (ROOT / "schedulers" / "airflow_dag.py").read_text("utf-8")
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    names = {getattr(c.func, "id", getattr(c.func, "attr", None)) for c in calls}
    assert "PapermillOperator" not in names and "kernel_name" not in source.replace('kernel_name="python3"', "")
    assert "BashOperator" in names
    namespace: dict = {"CCHC_BIN": "/opt/x/.venv/bin/cchc", "CCHC_ROOT": "/opt/x"}
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "cchc")
    exec(compile(ast.Module(body=[*[n for n in tree.body if isinstance(n, ast.Import)], func], type_ignores=[]),
                 "dag", "exec"), namespace)
    assert namespace["cchc"]("reports", "run", "--only", "targets-hcm-vi") == \
        "/opt/x/.venv/bin/cchc --home /opt/x reports run --only targets-hcm-vi"
    runs = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                and getattr(n.targets[0], "id", "") == "RUNS")
    from cchc_research.reporting.config import load_config

    assert set(runs) <= {r.name for r in load_config()}
    assert "max_active_runs=1" in source


def test_cron_line_takes_a_lock_and_sets_path():
    lines = [ln for ln in (ROOT / "schedulers" / "crontab.txt").read_text("utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert any(ln.startswith("PATH=/") for ln in lines)
    job = next(ln for ln in lines if "./run reports" in ln)
    assert "flock -n " in job and job.index("flock") < job.index("./run reports")


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_venv(tmp_path):
    # build from a clean copy of what the wheel is made of (an in-tree build/ could carry stale modules)
    src = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("cchc_research", "notebooks", "data/raw"):
        shutil.copytree(ROOT / name, src / name, ignore=skip)
    for name in ("pyproject.toml", "README.md", "LICENSE", "reports.yml"):
        shutil.copy2(ROOT / name, src / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
                   check=True, capture_output=True, timeout=600)
    [wheel] = list(wheels.glob("cchc_research-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    vpy = venv / "bin" / "python"
    site = Path(subprocess.run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # the dependencies of the running environment, appended after the fresh venv's own site-packages
    # (its .pth files, e.g. the editable checkout, are not processed: only the wheel provides cchc_research)
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(vpy), "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in (config.HOME_ENV, "PYTHONPATH")}
    cchc = str(venv / "bin" / "cchc")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([cchc, *args], cwd=work, env=env, capture_output=True, text=True, timeout=600)

    where = subprocess.run([str(vpy), "-c", "import cchc_research, cchc_research.config as c; "
                            "print(cchc_research.__file__, c.is_source_checkout())"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert str(site) in where and where.strip().endswith("False"), where
    assert run("--version").stdout.strip() == f"cchc-research {__version__}"
    home = work / "my-cchc"
    assert run("init", str(home)).returncode == 0
    built = run("--home", str(home), "build", "--quiet")
    assert built.returncode == 0, built.stderr
    manifest = json.loads((home / "data" / "processed" / "build_manifest.json").read_text("utf-8"))
    assert manifest["outputs"]["indicators"]["path"] == "indicators.parquet"
    assert (home / "data" / "processed" / "indicators.parquet").stat().st_size > 0
    listed = run("--home", str(home), "reports", "list")
    assert listed.returncode == 0, listed.stderr
    assert "targets-hcm-vi" in listed.stdout and "02_targets_scorecard.ipynb" in listed.stdout
    env[config.HOME_ENV] = str(home)  # the environment variable works as the option does
    assert "targets-hcm-vi" in run("reports", "list").stdout
    assert not (ROOT / "data" / "processed").is_relative_to(home)


@pytest.mark.parametrize("args, option", [
    (["simulate", "panel", "out.csv", "--freq", "week"], "--freq"),
    (["dossiers", "aggregate", "in.parquet", "out.parquet", "--freq", "week"], "--freq"),
    (["dossiers", "aggregate", "in.parquet", "out.parquet", "--engine", "spark"], "--engine"),
])
def test_option_choices_are_validated_by_the_cli(args, option, tmp_path):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and option in result.output and "Invalid value" in result.output
