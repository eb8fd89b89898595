"""Execute report runs with papermill, in parallel, and publish them atomically.

Each run executes in its own worker process (and so its own kernel, with its own ports),
writes into a temporary folder ``reports/.tmp-<run>-<pid>/`` and is moved into place only
when it is complete:

* success → the folder replaces ``reports/<run>/`` (old copy removed after the swap);
* failure → the executed notebook with the error, its HTML and ``run.json`` go to
  ``reports/<run>.failed/``; a good earlier ``reports/<run>/`` is never overwritten. With no
  earlier good report, the failed run is published at ``reports/<run>/`` (status failed).

Kernel start-up failures (port collisions, slow start) are retried once.

Before any kernel starts, every run's parameters are checked against its notebook's
``parameters`` cell (:func:`cchc_research.reporting.config.check_parameters`). Notebooks run in
the project's named kernel ``cchc-research`` (:func:`install_kernel`; ``./run`` registers it).

SIGTERM and SIGINT stop the runner cleanly: every worker and kernel it started is terminated
(then killed after a grace period), the temporary folders are removed and
:class:`RunInterrupted` is raised (the command line exits with 128 + the signal number). A
worker whose parent died (even by SIGKILL) stops its kernels and exits by itself.

When a rerun fails and a good earlier report is kept, the kept report's ``run.json`` gets
``stale: true``, ``kept_from`` (when and from which commit it was made) and ``failed_rerun``;
:func:`index_data` gives the same per-run record for an index page.

Examples
--------
>>> from cchc_research.reporting.runner import package_versions
>>> "pandas" in package_versions()
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import psutil
from papermill.exceptions import PapermillExecutionError

from cchc_research import __version__, config
from cchc_research.errors import ReportError, RunInterrupted
from cchc_research.reporting.config import RunSpec, check_parameters

__all__ = ["RunOutcome", "RunInterrupted", "run_reports", "run_one", "package_versions", "git_commit",
           "data_fingerprint", "index_data", "install_kernel", "kernel_available", "KERNEL_NAME"]

#: The project's named Jupyter kernel (registered by ``./run`` / ``cchc reports install-kernel``).
KERNEL_NAME = "cchc-research"
START_TIMEOUT = 180
#: Seconds a terminated worker or kernel gets before it is killed.
GRACE_SECONDS = 3.0
PACKAGES = ("cchc-research", "pandas", "numpy", "scipy", "statsmodels", "linearmodels", "pyfixest",
            "moderndid", "duckdb", "pyarrow", "matplotlib", "papermill", "nbconvert", "ipykernel")


@dataclass
class RunOutcome:
    """Result of one run: status, where it was published and, for a failure, what failed."""

    name: str
    status: str
    seconds: float
    published: str
    error: str | None = None
    error_detail: dict = field(default_factory=dict)


def kernel_available(name: str = KERNEL_NAME) -> bool:
    """True when Jupyter finds a kernelspec called ``name`` (``jupyter_client.kernelspec``)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return name in KernelSpecManager().find_kernel_specs()


def install_kernel(name: str = KERNEL_NAME, *, prefix: str | None = None, user: bool = False) -> Path:
    """Register this interpreter as the Jupyter kernel ``name`` (quiet: log level CRITICAL).

    Uses ``ipykernel.kernelspec.install`` (into ``sys.prefix`` by default, so that a virtual
    environment's Jupyter, papermill and nbval find it) and adds
    ``--IPKernelApp.log_level=CRITICAL`` to the kernel's command line: ipykernel 7 otherwise logs
    "Kernel is running over TCP without encryption" on every start (the kernel listens on
    127.0.0.1 only).

    Returns
    -------
    pathlib.Path
        The kernelspec folder written.
    """
    from ipykernel.kernelspec import install

    path = Path(install(kernel_name=name, display_name=f"Python 3 ({name})", user=user,
                        prefix=None if user else (prefix or sys.prefix)))
    spec_file = path / "kernel.json"
    spec = json.loads(spec_file.read_text("utf-8"))
    flag = "--IPKernelApp.log_level=CRITICAL"
    if flag not in spec["argv"]:
        spec["argv"].append(flag)
    spec.setdefault("metadata", {})["cchc_research"] = __version__
    spec_file.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return path


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
    return {
        "build_manifest_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "outputs": {k: v["sha256"] for k, v in manifest.get("outputs", {}).items()},
    }


def _is_kernel_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in ("Kernel didn't respond", "Kernel died", "Address already in use",
                                   "ZMQError", "kernel_info", "DeadKernelError"))


def _execute(spec: RunSpec, out_nb: Path, workdir: Path) -> None:
    """Run the notebook with papermill; a failing cell becomes a :class:`ReportError` with its fields."""
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
        except PapermillExecutionError as exc:
            raise ReportError(f"run {spec.name!r} failed", run=spec.name, cell_index=exc.cell_index,
                              exec_count=exc.exec_count, ename=exc.ename, evalue=exc.evalue) from exc
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
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None) or str(exc)
    cell = getattr(exc, "exec_count", None)
    where = f" (cell [{cell}])" if cell else ""
    return f"{ename}: {evalue}{where}".strip()


def _error_detail(exc: BaseException) -> dict:
    """papermill's structured fields of a failed cell (empty when the failure was not in a cell)."""
    return {k: getattr(exc, k) for k in ("cell_index", "exec_count", "ename", "evalue")
            if getattr(exc, k, None) is not None}


def _now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _mark_stale(good_dir: Path, failed_info: dict, failed_folder: str) -> None:
    """Record in the kept report's ``run.json`` that a later rerun failed and this one is shown instead."""
    info = _read_json(good_dir / "run.json")
    if not info:
        return
    info["stale"] = True
    info["kept_from"] = {"finished_at": info.get("finished_at"), "commit": (info.get("git") or {}).get("commit")}
    info["failed_rerun"] = {"finished_at": failed_info.get("finished_at"),
                            "commit": (failed_info.get("git") or {}).get("commit"),
                            "error": failed_info.get("error"), "folder": failed_folder}
    _write_json(good_dir / "run.json", info)


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
    status, error, detail = "ok", None, {}
    try:
        _execute(spec, out_nb, work)
    except Exception as exc:  # noqa: BLE001 - a failing run is recorded, not raised
        status, error, detail = "failed", _error_summary(exc), _error_detail(exc)
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
        "error_detail": detail,
        "stale": False,
        "seconds": round(seconds, 2),
        "finished_at": _now_iso(),
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
    _write_json(work / "run.json", run_info)
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
        if has_good:
            _mark_stale(final, run_info, failed_dir.name)
        elif failed_dir.exists():
            shutil.rmtree(failed_dir)
    return RunOutcome(spec.name, status, round(seconds, 2), published.relative_to(reports_dir).as_posix(), error,
                      detail)


def index_data(reports_dir: Path, runs: list[RunSpec]) -> list[dict]:
    """Per configured run, what an index page shows: status, folder shown, and whether it is stale.

    Each record has ``name``, ``title``, ``notebook``, ``parameters``, ``status`` ("ok",
    "failed" or "missing": the latest attempt), ``shown`` (folder of the report displayed, or
    ``None``), ``stale`` (True when ``shown`` is an earlier good report kept after a failed rerun),
    ``kept_from`` (``finished_at`` and ``commit`` of the shown report when stale), ``failed_rerun``
    (``finished_at``, ``commit``, ``error`` and ``folder`` of the failed rerun when stale), ``finished_at``,
    ``commit``, ``seconds``, ``error`` and ``error_detail`` (of the latest failure), ``failed``
    (folder of a failed rerun, or ``None``).
    """
    reports_dir = Path(reports_dir)
    out = []
    for spec in runs:
        info = _read_json(reports_dir / spec.name / "run.json")
        failed = _read_json(reports_dir / f"{spec.name}.failed" / "run.json")
        good = bool(info and info.get("status") == "ok")
        newer_failure = bool(failed and (not info or failed.get("finished_at_unix", 0)
                                         >= info.get("finished_at_unix", 0)))
        status = "failed" if newer_failure else (info or {}).get("status", "missing")
        stale = good and newer_failure
        latest = failed if newer_failure else info
        rerun = {"finished_at": failed.get("finished_at"), "commit": (failed.get("git") or {}).get("commit"),
                 "error": failed.get("error"), "folder": f"{spec.name}.failed"} if stale else None
        out.append({
            "name": spec.name, "title": spec.title, "notebook": spec.notebook.name,
            "parameters": dict(spec.parameters), "status": status,
            "shown": spec.name if info else None, "stale": stale,
            "kept_from": {"finished_at": info.get("finished_at"), "commit": (info.get("git") or {}).get("commit")}
            if stale else None,
            "failed_rerun": rerun,
            "finished_at": (info or {}).get("finished_at"), "commit": ((info or {}).get("git") or {}).get("commit"),
            "seconds": (info or {}).get("seconds"),
            "error": (latest or {}).get("error") if status == "failed" else None,
            "error_detail": (latest or {}).get("error_detail") if status == "failed" else None,
            "failed": f"{spec.name}.failed" if failed else None,
        })
    return out


# ---- stopping cleanly -------------------------------------------------------------------------

def _stop_processes(procs: list[psutil.Process]) -> int:
    """Terminate ``procs`` (SIGTERM), kill what is left after :data:`GRACE_SECONDS`; return how many."""
    alive = []
    for p in procs:
        try:
            p.terminate()
            alive.append(p)
        except psutil.NoSuchProcess:
            pass
    _, left = psutil.wait_procs(alive, timeout=GRACE_SECONDS)
    for p in left:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(left, timeout=GRACE_SECONDS)
    return len(alive)


def _descendants() -> list[psutil.Process]:
    try:
        return psutil.Process().children(recursive=True)
    except psutil.NoSuchProcess:  # pragma: no cover
        return []


def _watch_parent(parent_pid: int) -> None:
    """In a worker: when the parent is gone (even SIGKILLed), stop this worker's kernels and exit."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            _stop_processes(_descendants())
            os._exit(1)


def _worker_init(parent_pid: int) -> None:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # Own process group: a Ctrl-C at the terminal reaches only the runner, which stops the workers.
    os.setpgrp()

    def on_term(signum, frame):  # noqa: ARG001
        _stop_processes(_descendants())
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _worker(spec: RunSpec, reports_dir: str) -> RunOutcome:
    return run_one(spec, Path(reports_dir))


class _Stop(BaseException):
    """Raised by the signal handler; a BaseException so that no ``except Exception`` on the way swallows it."""

    def __init__(self, signum: int, stopped: int = 0) -> None:
        super().__init__(signum)
        self.signum = signum
        self.stopped = stopped


class _Signals:
    """Turn SIGTERM/SIGINT into :class:`_Stop` in the main thread while the runner works."""

    def __init__(self) -> None:
        self.previous: dict[int, object] = {}

    def __enter__(self) -> "_Signals":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self.previous[sig] = signal.signal(sig, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):  # noqa: ARG004
        # Ignore further signals while stopping (a second Ctrl-C must not leave orphans), stop the
        # workers and kernels at once (so no library waits for a kernel to shut down), then unwind.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        raise _Stop(signum, _stop_processes(_descendants()))

    def __exit__(self, *exc) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def _clean_up_after_interrupt(reports_dir: Path, signum: int, stopped: int, pool=None) -> RunInterrupted:
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
    stopped += _stop_processes(_descendants())
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
    # the unfinished runs' folders (.tmp-<run>-<pid>): this process's, and those whose worker is gone
    for tmp in reports_dir.glob(".tmp-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if pid.isdigit() and (int(pid) == os.getpid() or not psutil.pid_exists(int(pid))):
            shutil.rmtree(tmp, ignore_errors=True)
    return RunInterrupted(signum, stopped)


def run_reports(runs: list[RunSpec], *, jobs: int = 1, reports_dir: Path | None = None,
                progress: bool = True, index_runs: list[RunSpec] | None = None) -> list[RunOutcome]:
    """Execute ``runs`` (in parallel with ``jobs`` > 1) and rewrite ``reports/index.html``.

    A failing run never stops the others. The index lists ``index_runs`` (e.g. every run of the
    config when only some were executed with ``--only``), else ``runs``, each with the status of
    its latest report on disk. Returns the outcomes in the order of ``runs``.

    Raises
    ------
    ReportError
        Before anything runs: a parameter not in a notebook's ``parameters`` cell or of the wrong
        type (:func:`~cchc_research.reporting.config.check_parameters`), or the kernel
        :data:`KERNEL_NAME` not registered.
    RunInterrupted
        On SIGTERM or SIGINT, after every worker and kernel was stopped.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from cchc_research.reporting.render import write_index

    for spec in runs:
        check_parameters(spec)
    if runs and not kernel_available():
        raise ReportError(f"Jupyter kernel {KERNEL_NAME!r} not found",
                          hint="register it with `cchc reports install-kernel` (./run does it)")
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    reports_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    outcomes: dict[str, RunOutcome] = {}
    pool = None
    with _Signals(), Progress(TextColumn("[bold]reports"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                              TextColumn("{task.description}"), TimeElapsedColumn(), disable=not progress) as bar:
        try:
            task = bar.add_task("", total=len(runs))
            if jobs <= 1:
                for spec in runs:
                    bar.update(task, description=spec.name)
                    outcomes[spec.name] = run_one(spec, reports_dir)
                    bar.advance(task)
            else:
                ctx = multiprocessing.get_context("spawn")
                pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                                           initargs=(os.getpid(),))
                futures = {pool.submit(_worker, spec, str(reports_dir)): spec for spec in runs}
                for fut in as_completed(futures):
                    spec = futures[fut]
                    try:
                        outcomes[spec.name] = fut.result()
                    except Exception as exc:  # noqa: BLE001 - worker crashed outright
                        outcomes[spec.name] = RunOutcome(spec.name, "failed", 0.0, "", _error_summary(exc))
                    bar.update(task, description=f"{spec.name}: {outcomes[spec.name].status}")
                    bar.advance(task)
                pool.shutdown(wait=True)
        except (_Stop, KeyboardInterrupt) as exc:
            signum = exc.signum if isinstance(exc, _Stop) else signal.SIGINT
            stopped = exc.stopped if isinstance(exc, _Stop) else 0
            raise _clean_up_after_interrupt(reports_dir, signum, stopped, pool) from None
    listed = list(runs)
    if index_runs is not None:
        names = {r.name for r in index_runs}
        listed = list(index_runs) + [r for r in runs if r.name not in names]
    _write_json(reports_dir / "index.json", {"runs": index_data(reports_dir, listed)})
    write_index(reports_dir, listed)
    return [outcomes[spec.name] for spec in runs]
