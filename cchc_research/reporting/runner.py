"""Execute report runs with papermill, in parallel, and publish them atomically.

Each run executes in its own worker process (and so its own kernel, with its own ports),
writes into a temporary folder ``reports/.tmp-<run>-<pid>/`` and is moved into place only
when it is complete:

* success → the folder replaces ``reports/<run>/`` (old copy removed after the swap);
* failure → the executed notebook with the error, its HTML and ``run.json`` go to
  ``reports/<run>.failed/``; a good earlier ``reports/<run>/`` is never overwritten. With no
  earlier good report, the failed run is published at ``reports/<run>/`` (status failed).

Kernel start-up failures (port collisions, slow start) are retried once.

Examples
--------
>>> from cchc_research.reporting.runner import package_versions
>>> "pandas" in package_versions()
True
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from cchc_research import __version__, config
from cchc_research.reporting.config import RunSpec

__all__ = ["RunOutcome", "run_reports", "run_one", "package_versions", "git_commit", "data_fingerprint"]

KERNEL_NAME = "python3"
START_TIMEOUT = 180
PACKAGES = ("cchc-research", "pandas", "numpy", "scipy", "statsmodels", "linearmodels", "pyfixest",
            "moderndid", "duckdb", "pyarrow", "matplotlib", "papermill", "nbconvert", "ipykernel")


@dataclass
class RunOutcome:
    """Result of one run: status and where it was published."""

    name: str
    status: str
    seconds: float
    published: str
    error: str | None = None


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape a report's numbers."""
    out = {}
    for pkg in PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def git_commit() -> dict[str, object]:
    """The project's git commit and whether the work tree had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=config.PROJECT_ROOT, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    try:
        commit = git("rev-parse", "HEAD") or "unknown"
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "unknown", False
    return {"commit": commit, "dirty": dirty}


def data_fingerprint() -> dict[str, object]:
    """SHA-256 of the processed data (from ``build_manifest.json``) the run read."""
    path = config.PROCESSED_DIR / "build_manifest.json"
    if not path.exists():
        return {"build_manifest": None}
    manifest = json.loads(path.read_text("utf-8"))
    import hashlib

    return {
        "build_manifest_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "outputs": {k: v["sha256"] for k, v in manifest.get("outputs", {}).items()},
    }


def _is_kernel_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in ("Kernel didn't respond", "Kernel died", "Address already in use",
                                   "ZMQError", "kernel_info", "DeadKernelError"))


def _execute(spec: RunSpec, out_nb: Path, workdir: Path) -> None:
    import papermill

    params = {**spec.parameters, "output_dir": str(workdir)}
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(spec.notebook), str(out_nb), parameters=params, kernel_name=KERNEL_NAME,
                progress_bar=False, start_timeout=START_TIMEOUT, execution_timeout=spec.timeout,
                cwd=str(workdir), log_output=False,
            )
            return
        except Exception as exc:  # noqa: BLE001 - retried once if the kernel never started
            if attempt == 1 and _is_kernel_start_failure(exc) and not _executed_any(out_nb):
                time.sleep(2)
                continue
            raise


def _executed_any(nb_path: Path) -> bool:
    if not nb_path.exists():
        return False
    nb = json.loads(nb_path.read_text("utf-8"))
    return any(c.get("execution_count") for c in nb.get("cells", []) if c.get("cell_type") == "code")


def _error_summary(exc: BaseException) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    cell = getattr(exc, "exec_count", None)
    where = f" (cell [{cell}])" if cell else ""
    return f"{ename}: {evalue}{where}".strip()


def _swap_in(src: Path, dest: Path) -> None:
    """Replace ``dest`` by ``src`` with renames only (never a half-written ``dest``)."""
    old = dest.with_name(f".old-{dest.name}-{os.getpid()}")
    if dest.exists():
        dest.rename(old)
    src.rename(dest)
    if old.exists():
        shutil.rmtree(old)


def run_one(spec: RunSpec, reports_dir: Path | None = None) -> RunOutcome:
    """Execute one run, render it, write ``run.json`` and publish it atomically."""
    from cchc_research.reporting.render import notebook_to_html

    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    reports_dir.mkdir(parents=True, exist_ok=True)
    work = reports_dir / f".tmp-{spec.name}-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    out_nb = work / "report.ipynb"
    t0 = time.perf_counter()
    status, error = "ok", None
    try:
        _execute(spec, out_nb, work)
    except Exception as exc:  # noqa: BLE001 - a failing run is recorded, not raised
        status, error = "failed", _error_summary(exc)
        if not out_nb.exists():
            (work / "traceback.txt").write_text(traceback.format_exc(), encoding="utf-8")
    seconds = time.perf_counter() - t0
    if out_nb.exists():
        try:
            notebook_to_html(out_nb, work / "report.html", title=spec.title, parameters=spec.parameters,
                             status=status)
        except Exception as exc:  # noqa: BLE001
            status, error = "failed", error or f"HTML rendering failed: {exc}"
    run_info = {
        "name": spec.name,
        "title": spec.title,
        "notebook": spec.notebook.relative_to(config.PROJECT_ROOT).as_posix()
        if spec.notebook.is_relative_to(config.PROJECT_ROOT) else str(spec.notebook),
        "parameters": spec.parameters,
        "status": status,
        "error": error,
        "seconds": round(seconds, 2),
        "finished_at_unix": time.time(),
        "git": git_commit(),
        "data": data_fingerprint(),
        "packages": package_versions(),
        "cchc_research_version": __version__,
        "kernel": KERNEL_NAME,
        "execution_timeout": spec.timeout,
        "figures": sorted(p.name for p in (work / "figures").glob("*.png")) if (work / "figures").exists() else [],
        "tables": sorted(p.name for p in (work / "tables").glob("*.csv")) if (work / "tables").exists() else [],
    }
    (work / "run.json").write_text(json.dumps(run_info, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                   encoding="utf-8")
    final = reports_dir / spec.name
    failed_dir = reports_dir / f"{spec.name}.failed"
    if status == "ok":
        _swap_in(work, final)
        if failed_dir.exists():
            shutil.rmtree(failed_dir)
        published = final
    else:
        good = final / "run.json"
        has_good = good.exists() and json.loads(good.read_text("utf-8")).get("status") == "ok"
        published = failed_dir if has_good else final
        _swap_in(work, published)
        if not has_good and failed_dir.exists():
            shutil.rmtree(failed_dir)
    return RunOutcome(spec.name, status, round(seconds, 2), published.relative_to(reports_dir).as_posix(), error)


def _worker(spec: RunSpec, reports_dir: str) -> RunOutcome:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return run_one(spec, Path(reports_dir))


def run_reports(runs: list[RunSpec], *, jobs: int = 1, reports_dir: Path | None = None,
                progress: bool = True, index_runs: list[RunSpec] | None = None) -> list[RunOutcome]:
    """Execute ``runs`` (in parallel with ``jobs`` > 1) and rewrite ``reports/index.html``.

    A failing run never stops the others. The index lists ``index_runs`` (e.g. every run of the
    config when only some were executed with ``--only``), else ``runs``, each with the status of
    its latest report on disk. Returns the outcomes in the order of ``runs``.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from cchc_research.reporting.render import write_index

    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    reports_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    outcomes: dict[str, RunOutcome] = {}
    with Progress(TextColumn("[bold]reports"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TextColumn("{task.description}"), TimeElapsedColumn(), disable=not progress) as bar:
        task = bar.add_task("", total=len(runs))
        if jobs <= 1:
            for spec in runs:
                bar.update(task, description=spec.name)
                outcomes[spec.name] = run_one(spec, reports_dir)
                bar.advance(task)
        else:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                futures = {pool.submit(_worker, spec, str(reports_dir)): spec for spec in runs}
                for fut in as_completed(futures):
                    spec = futures[fut]
                    try:
                        outcomes[spec.name] = fut.result()
                    except Exception as exc:  # noqa: BLE001 - worker crashed outright
                        outcomes[spec.name] = RunOutcome(spec.name, "failed", 0.0, "", _error_summary(exc))
                    bar.update(task, description=f"{spec.name}: {outcomes[spec.name].status}")
                    bar.advance(task)
    listed = list(runs)
    if index_runs is not None:
        names = {r.name for r in index_runs}
        listed = list(index_runs) + [r for r in runs if r.name not in names]
    write_index(reports_dir, listed)
    return [outcomes[spec.name] for spec in runs]
