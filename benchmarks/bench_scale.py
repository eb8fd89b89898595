"""National scale on one machine: ``aggregate`` at 1M … 100M simulated dossiers.

Usage::

    python benchmarks/bench_scale.py --sizes 1e6,1e7,5e7,1e8 --workers 2
    python benchmarks/bench_scale.py --sizes 1e6,1e7                   # quick curve

For each size: generate (or reuse) the simulated world in
``benchmarks/_data/simulated_<rows>/`` with ``simulate_dossiers(rows, seed, workers=W)``
(wall time, CPU time and load recorded), read the files once so the page cache is warm for
every variant, then run each variant **once**, each in a fresh Python subprocess that reports
its own wall time (``time.perf_counter``), CPU time and peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the whole process, interpreter included):

(a) ``aggregate_duckdb``: ``cchc_research.dossiers.aggregate.aggregate(files, freq="month")``
    (the default DuckDB engine, default settings);
(b) ``handwritten_sql``: the independent hand-written DuckDB query of
    ``benchmarks/bench_aggregate.py`` (:func:`bench_aggregate.handwritten_sql`, imported)
    over the same files.

The two output tables are compared exactly (``assert_frame_equal(check_exact=True)``).
Results: ``benchmarks/results/scale.json`` (per size: generation, variants, ratio, equality;
the machine, the load average before/after each run), ``scale.csv`` (one row per size) and
``scale.png`` (time and peak RSS against rows). Goals checked at 100M: ``aggregate`` ≤ 15 s
and ≤ 1.5 GB peak RSS; generation ≤ 300 s. Everything here is *simulated* data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from bench_aggregate import normalize, run_aggregate, run_sql
from cchc_research.config import BENCHMARKS_DIR, DEFAULT_SEED

VARIANTS = ("aggregate_duckdb", "handwritten_sql")
RUNNERS = {"aggregate_duckdb": run_aggregate, "handwritten_sql": run_sql}
GOAL_SECONDS, GOAL_RSS_MB, GOAL_GENERATION_SECONDS = 15.0, 1536.0, 300.0


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def child(variant: str, data_dir: str, result_path: str) -> None:
    """Run one variant once in this (fresh) process; print a JSON line; save the table."""
    meta = json.loads((Path(data_dir) / "simulated_world.json").read_text(encoding="utf-8"))
    files = [str(Path(data_dir) / f) for f in meta["files"]]
    runner = RUNNERS[variant]
    # the runners import lazily: import here so that the timed run is the work alone
    import duckdb  # noqa: F401

    import cchc_research.dossiers.aggregate  # noqa: F401
    import cchc_research.dossiers.workdays  # noqa: F401

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    table = runner(files)
    seconds = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    normalize(table).to_parquet(result_path, index=False)
    print(json.dumps({
        "variant": variant, "seconds": round(seconds, 3),
        "cpu_seconds": round(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime, 3),
        "peak_rss_mb": round(r1.ru_maxrss / 1024.0, 1), "rss_before_run_mb": round(rss0, 1),
        "output_rows": len(table),
    }))


def ensure_data(rows: int, seed: int, data_dir: Path, chunk_rows: int, workers: int,
                regenerate: bool) -> dict:
    """Generate the world (timed) unless an identical one is already there."""
    from cchc_research.simulate import simulate_dossiers

    meta_path = data_dir / "simulated_world.json"
    stats_path = data_dir / "simulated_generation_stats.json"
    if meta_path.exists() and not regenerate:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        files = [data_dir / f for f in meta.get("files", [])]
        if (meta.get("n_dossiers") == rows and meta.get("seed") == seed
                and meta.get("chunk_rows") == chunk_rows and files
                and all(f.exists() for f in files)):
            earlier = json.loads(stats_path.read_text("utf-8")) if stats_path.exists() else {}
            return {**earlier, "reused": True}
    load0 = _load()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    simulate_dossiers(rows, seed, out_dir=data_dir, chunk_rows=chunk_rows, workers=workers)
    seconds = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
           + c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime)
    stats = {"reused": False, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
             "rows_per_second": round(rows / seconds), "workers": workers,
             "chunk_rows": chunk_rows,
             "peak_rss_mb_main": round(r1.ru_maxrss / 1024.0, 1),
             # RUSAGE_CHILDREN keeps the maximum over every child ever waited for: only a
             # new maximum is the workers' own
             "peak_rss_mb_largest_worker": (round(c1.ru_maxrss / 1024.0, 1)
                                            if c1.ru_maxrss > c0.ru_maxrss else None),
             "load_average_1min_before": load0, "load_average_1min_after": _load()}
    stats_path.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    return stats


def _warm(data_dir: Path) -> None:
    """Read every file once so all variants start with the same (warm) page cache."""
    for f in sorted(data_dir.glob("simulated_dossiers-*.parquet")):
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass


def run_variant(variant: str, data_dir: Path, result: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", variant,
           "--data-dir", str(data_dir), "--result", str(result)]
    load0 = _load()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"variant": variant, "failed": True, "returncode": proc.returncode,
                "stderr_tail": proc.stderr[-2000:], "load_average_1min_before": load0}
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    run.update(load_average_1min_before=load0, load_average_1min_after=_load())
    return run


def _plot(frame: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    x = frame["rows"] / 1e6
    for col, label in (("aggregate_seconds", "aggregate (DuckDB engine)"),
                       ("sql_seconds", "hand-written DuckDB SQL")):
        ax1.plot(x, frame[col], marker="o", label=label)
    ax1.axhline(GOAL_SECONDS, color="grey", ls="--", lw=1, label=f"goal {GOAL_SECONDS:g} s")
    ax1.set(xlabel="simulated dossiers (millions)", ylabel="wall time (s)",
            title="Time, one run")
    ax1.legend(fontsize=8)
    for col, label in (("aggregate_peak_rss_mb", "aggregate"), ("sql_peak_rss_mb", "SQL")):
        ax2.plot(x, frame[col] / 1024, marker="o", label=label)
    ax2.axhline(GOAL_RSS_MB / 1024, color="grey", ls="--", lw=1, label="goal 1.5 GB")
    ax2.set(xlabel="simulated dossiers (millions)", ylabel="peak RSS (GB)",
            title="Peak memory of the process")
    ax2.legend(fontsize=8)
    fig.suptitle("aggregate(files, freq='month') on SIMULATED dossiers, "
                 f"{os.cpu_count()} CPUs", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def write_results(per_size: list[dict], args: argparse.Namespace, out_dir: Path,
                  load_start: tuple[float, float, float], final: bool) -> dict:
    """Write scale.json, scale.csv and scale.png for the sizes measured so far."""
    def var(e: dict, v: str, key: str) -> float | None:
        run = e["variants"].get(v, {})
        return None if run.get("failed") else run.get(key)

    table = pd.DataFrame([{
        "rows": e["rows"],
        "aggregate_seconds": var(e, "aggregate_duckdb", "seconds"),
        "sql_seconds": var(e, "handwritten_sql", "seconds"),
        "ratio_aggregate_over_sql": e.get("ratio_aggregate_over_sql"),
        "aggregate_peak_rss_mb": var(e, "aggregate_duckdb", "peak_rss_mb"),
        "sql_peak_rss_mb": var(e, "handwritten_sql", "peak_rss_mb"),
        "aggregate_cpu_seconds": var(e, "aggregate_duckdb", "cpu_seconds"),
        "sql_cpu_seconds": var(e, "handwritten_sql", "cpu_seconds"),
        "generation_seconds": e["generation"].get("seconds"),
        "generation_workers": e["generation"].get("workers"),
        "tables_equal": e.get("equal"),
    } for e in per_size])
    checks: dict[str, bool] = {}
    big = [e for e in per_size if e["rows"] == 100_000_000]
    if big:
        agg = big[0]["variants"].get("aggregate_duckdb", {})
        if not agg.get("failed") and agg:
            checks["aggregate_100M_le_15s"] = agg["seconds"] <= GOAL_SECONDS
            checks["aggregate_100M_peak_rss_le_1.5GB"] = agg["peak_rss_mb"] <= GOAL_RSS_MB
        gen = big[0]["generation"]
        if gen.get("seconds") is not None:
            checks["generation_100M_le_300s"] = gen["seconds"] <= GOAL_GENERATION_SECONDS
    compared = [e["equal"] for e in per_size if "equal" in e]
    if compared:
        checks["all_tables_equal"] = all(compared)
    import duckdb

    report = {
        "simulated": True, "complete": final, "seed": args.seed, "chunk_rows": args.chunk_rows,
        "generation_workers": args.workers, "sizes": per_size, "checks": checks,
        "load_average_at_start": [round(x, 2) for x in load_start],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "measured_at_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "duckdb": duckdb.__version__, "pandas": pd.__version__,
                    "platform": platform.platform(),
                    "memory_gb": round(os.sysconf("SC_PAGE_SIZE")
                                       * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
    }
    (out_dir / "scale.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table.to_csv(out_dir / "scale.csv", index=False, lineterminator="\n")
    _plot(table, out_dir / "scale.png")
    if final:
        print(table.to_string(index=False))
        print(json.dumps(checks, indent=2))
        print(f"written {out_dir / 'scale.json'}, scale.csv, scale.png")
    return report


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1e6,1e7,5e7,1e8",
                    help="comma list of row counts (1e6 notation accepted)")
    ap.add_argument("--workers", type=int, default=2, help="processes generating the data")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--chunk-rows", type=int, default=1_000_000)
    ap.add_argument("--data-root", type=Path, default=None)
    ap.add_argument("--regenerate", action="store_true",
                    help="regenerate (and time) the data even if it exists")
    ap.add_argument("--delete-from", type=float, default=None,
                    help="delete the data of sizes >= this after measuring")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--out-dir", type=Path, default=None)
    ap.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    ap.add_argument("--data-dir", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.data_dir, args.result)
        return {}

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    variants = args.variants.split(",")
    root = args.data_root or BENCHMARKS_DIR / "_data"
    out_dir = args.out_dir or BENCHMARKS_DIR / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()
    per_size: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        for rows in sizes:
            data_dir = root / f"simulated_{rows}"
            generation = ensure_data(rows, args.seed, data_dir, args.chunk_rows, args.workers,
                                     args.regenerate)
            print(f"{rows:>11,} rows: data "
                  + ("reused" if generation["reused"] else
                     f"generated in {generation['seconds']:.1f} s with {args.workers} workers")
                  + f" (load {_load()})", flush=True)
            _warm(data_dir)
            meta = json.loads((data_dir / "simulated_world.json").read_text("utf-8"))
            entry: dict = {"rows": rows, "files": len(meta["files"]),
                           "data_bytes": sum((data_dir / f).stat().st_size
                                             for f in meta["files"]),
                           "generation": generation, "variants": {}}
            for variant in variants:
                result = Path(tmp) / f"{variant}_{rows}.parquet"
                run = run_variant(variant, data_dir, result)
                entry["variants"][variant] = run
                if run.get("failed"):
                    print(f"    {variant:>18} FAILED (exit {run['returncode']})", flush=True)
                else:
                    print(f"    {variant:>18} {run['seconds']:8.2f} s  CPU {run['cpu_seconds']:7.1f} s"
                          f"  peak RSS {run['peak_rss_mb']:7.0f} MB"
                          f"  (load {run['load_average_1min_before']}"
                          f" -> {run['load_average_1min_after']})", flush=True)
            done = [v for v in variants if not entry["variants"][v].get("failed")]
            if "aggregate_duckdb" in done and "handwritten_sql" in done:
                a = pd.read_parquet(Path(tmp) / f"aggregate_duckdb_{rows}.parquet")
                b = pd.read_parquet(Path(tmp) / f"handwritten_sql_{rows}.parquet")
                try:
                    pd.testing.assert_frame_equal(a, b, check_exact=True)
                    entry["equal"] = True
                except AssertionError as exc:
                    print(f"    tables differ: {exc}", flush=True)
                    entry["equal"] = False
                entry["ratio_aggregate_over_sql"] = round(
                    entry["variants"]["aggregate_duckdb"]["seconds"]
                    / entry["variants"]["handwritten_sql"]["seconds"], 3)
                print(f"    ratio aggregate/SQL {entry['ratio_aggregate_over_sql']:.2f}, "
                      f"tables equal: {entry['equal']}", flush=True)
            per_size.append(entry)
            write_results(per_size, args, out_dir, load_start, final=False)
            if args.delete_from is not None and rows >= args.delete_from:
                shutil.rmtree(data_dir)
                entry["data_deleted_after_measuring"] = True

    return write_results(per_size, args, out_dir, load_start, final=True)



if __name__ == "__main__":
    main()
