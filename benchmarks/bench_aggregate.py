"""Benchmark ``cchc_research.dossiers.aggregate`` on simulated dossiers (10M rows by default).

Usage::

    python benchmarks/bench_aggregate.py --rows 10000000 [--data-dir benchmarks/_data/...]
    python benchmarks/bench_aggregate.py --rows 200000          # quick mode

Steps: generate (or reuse) ``--rows`` simulated dossiers in Parquet with
:func:`cchc_research.simulate.simulate_dossiers`; then, in ``--repeats`` rounds that
interleave the variants, run each variant in a fresh subprocess (so peak memory is measured
per variant with ``resource.getrusage``) that does one warm-up run and one timed run; the
best time over the rounds is reported, for

(a) ``aggregate(files, freq="month")`` with the DuckDB engine,
(b) a hand-written DuckDB SQL query for the same table, written independently below,
(c) a straightforward pandas implementation (read the Parquet files, group by);

check that (a), (b) and (c) give identical tables, and write
``benchmarks/results/aggregate.json`` (``aggregate_<rows>.json`` for other sizes) with the
timings, the ratios (a)/(b) (must be ≤ 1.5) and (c)/(a) (must be ≥ 5), rows per second and
peak memory (must be ≤ 2 GB for (a)). Everything here is *simulated* data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_research.config import BENCHMARKS_DIR, DEFAULT_SEED

VARIANTS = ("aggregate_duckdb", "handwritten_sql", "pandas")
KEYS = ["unit", "period"]


# --------------------------------------------------------------------------- (b) SQL
def handwritten_sql(files: list[str]) -> str:
    """The monthly unit panel in one DuckDB query (independent of the library's engine)."""
    file_list = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    return f"""
    WITH p AS (
        SELECT unit, status, channel, online_level, satisfaction_rating AS rating,
               CAST(received_at AS DATE) AS rd, CAST(due_at AS DATE) AS dd,
               CAST(completed_at AS DATE) AS cd
        FROM read_parquet([{file_list}])
    ), q AS (
        SELECT *, year(rd) * 12 + month(rd) - 1 AS rp,
               year(cd) * 12 + month(cd) - 1 AS cp,
               year(dd + 1) * 12 + month(dd + 1) - 1 AS op
        FROM p
    ), h AS (SELECT greatest(max(rp), max(cp)) AS horizon FROM q),
    recv AS (
        SELECT unit, rp AS pidx, count(*) AS received,
               count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn,
               count(*) FILTER (WHERE status <> 'withdrawn' AND channel = 'online') AS ro,
               count(*) FILTER (WHERE status <> 'withdrawn' AND channel = 'online'
                                AND online_level = 'full') AS rof,
               count(*) FILTER (WHERE status <> 'withdrawn' AND channel = 'online'
                                AND online_level = 'partial') AS rop
        FROM q GROUP BY unit, rp
    ), res AS (
        SELECT unit, cp AS pidx,
               count(*) FILTER (WHERE status = 'completed') AS resolved,
               count(*) FILTER (WHERE status = 'completed' AND cd <= dd) AS on_time,
               count(*) FILTER (WHERE status IN ('completed', 'returned')
                                AND rating IS NOT NULL) AS rated,
               count(*) FILTER (WHERE status IN ('completed', 'returned')
                                AND rating >= 4) AS satisfied,
               median(c2.work_index - c1.work_index) FILTER (WHERE status = 'completed') AS mwd
        FROM q JOIN cal c1 ON c1.date = q.rd JOIN cal c2 ON c2.date = q.cd
        WHERE cd IS NOT NULL GROUP BY unit, cp
    ), starts AS (
        SELECT unit, op AS pidx, count(*) AS n FROM q, h
        WHERE status IN ('completed', 'pending') AND op <= horizon
          AND (cp IS NULL OR op < cp)
        GROUP BY unit, op
    ), ends AS (
        SELECT unit, cp AS pidx, count(*) AS n FROM q
        WHERE status IN ('completed', 'pending') AND cp IS NOT NULL AND op < cp
        GROUP BY unit, cp
    ), grid AS (
        SELECT f.unit, unnest(range(f.first, h.horizon + 1)) AS pidx
        FROM (SELECT unit, min(rp) AS first FROM q GROUP BY unit) f, h
    )
    SELECT g.unit,
           strftime(make_date(CAST(g.pidx // 12 AS INT), CAST(g.pidx % 12 + 1 AS INT), 1),
                    '%Y-%m') AS period,
           coalesce(r.received, 0) AS received, coalesce(r.withdrawn, 0) AS withdrawn,
           coalesce(r.ro, 0) AS received_online, coalesce(r.rof, 0) AS received_online_full,
           coalesce(r.rop, 0) AS received_online_partial,
           coalesce(s.resolved, 0) AS resolved, coalesce(s.on_time, 0) AS resolved_on_time,
           coalesce(s.resolved, 0) - coalesce(s.on_time, 0) AS resolved_late,
           sum(coalesce(st.n, 0) - coalesce(en.n, 0))
               OVER (PARTITION BY g.unit ORDER BY g.pidx) AS overdue_pending,
           coalesce(s.rated, 0) AS rated, coalesce(s.satisfied, 0) AS satisfied,
           CAST(s.mwd AS DOUBLE) AS median_working_days,
           CAST(s.on_time AS DOUBLE) / nullif(s.resolved, 0) AS on_time_rate,
           CAST(r.ro AS DOUBLE) / nullif(r.received - r.withdrawn, 0) AS online_share,
           CAST(r.rof AS DOUBLE) / nullif(r.received - r.withdrawn, 0) AS online_full_share,
           CAST(r.rop AS DOUBLE) / nullif(r.received - r.withdrawn, 0) AS online_partial_share,
           CAST(s.satisfied AS DOUBLE) / nullif(s.rated, 0) AS satisfaction_rate
    FROM grid g
    LEFT JOIN recv r USING (unit, pidx)
    LEFT JOIN res s USING (unit, pidx)
    LEFT JOIN starts st USING (unit, pidx)
    LEFT JOIN ends en USING (unit, pidx)
    ORDER BY g.unit, g.pidx
    """


def run_sql(files: list[str]) -> pd.DataFrame:
    import duckdb

    from cchc_research.dossiers.workdays import DEFAULT_CALENDAR

    cal = DEFAULT_CALENDAR.table()[["date", "work_index"]].copy()
    cal["date"] = cal["date"].dt.date
    with duckdb.connect() as con:
        con.register("cal_frame", cal)
        con.execute("CREATE TABLE cal AS SELECT CAST(date AS DATE) AS date, work_index "
                    "FROM cal_frame")
        return con.execute(handwritten_sql(files)).df()


# --------------------------------------------------------------------------- (c) pandas
def run_pandas(files: list[str]) -> pd.DataFrame:
    """Straightforward pandas: read everything, derive days and periods, group by."""
    from cchc_research.dossiers.workdays import DEFAULT_CALENDAR

    cols = ["unit", "status", "channel", "online_level", "satisfaction_rating",
            "received_at", "due_at", "completed_at"]
    df = pd.concat([pd.read_parquet(f, columns=cols) for f in files], ignore_index=True)
    rd = df["received_at"].dt.normalize()
    dd = df["due_at"].dt.normalize()
    cd = df["completed_at"].dt.normalize()

    def pidx(s: pd.Series) -> pd.Series:
        return s.dt.year * 12 + s.dt.month - 1

    df["rp"], df["cp"], df["op"] = pidx(rd), pidx(cd), pidx(dd + pd.Timedelta(days=1))
    horizon = int(max(df["rp"].max(), df["cp"].max()))
    active = df["status"] != "withdrawn"
    online = active & (df["channel"] == "online")
    df["received"] = 1
    df["withdrawn"] = (~active).astype(int)
    df["received_online"] = online.astype(int)
    df["received_online_full"] = (online & (df["online_level"] == "full")).astype(int)
    df["received_online_partial"] = (online & (df["online_level"] == "partial")).astype(int)
    recv = df.groupby(["unit", "rp"])[["received", "withdrawn", "received_online",
                                       "received_online_full", "received_online_partial"]].sum()

    completed = df["status"] == "completed"
    closed = cd.notna()
    rated = df["status"].isin(["completed", "returned"]) & df["satisfaction_rating"].notna()
    df["resolved"] = (closed & completed).astype(int)
    df["resolved_on_time"] = (closed & completed & (cd <= dd)).astype(int)
    df["rated"] = (closed & rated).astype(int)
    df["satisfied"] = (closed & rated & (df["satisfaction_rating"] >= 4)).astype(int)
    wi = DEFAULT_CALENDAR.table().set_index("date")["work_index"]
    df["wd"] = (cd.map(wi) - rd.map(wi)).where(closed & completed)
    res = df[closed].groupby(["unit", "cp"]).agg(
        resolved=("resolved", "sum"), resolved_on_time=("resolved_on_time", "sum"),
        rated=("rated", "sum"), satisfied=("satisfied", "sum"),
        median_working_days=("wd", "median"))

    elig = df["status"].isin(["completed", "pending"])
    starts = df[elig & (df["op"] <= horizon) & (df["cp"].isna() | (df["op"] < df["cp"]))]
    starts = starts.groupby(["unit", "op"]).size().rename("starts")
    ends = df[elig & df["cp"].notna() & (df["op"] < df["cp"])].groupby(["unit", "cp"]).size()
    ends = ends.rename("ends")

    first = df.groupby("unit")["rp"].min()
    grid = pd.MultiIndex.from_tuples(
        [(u, p) for u, f in first.items() for p in range(int(f), horizon + 1)],
        names=["unit", "pidx"])
    out = pd.DataFrame(index=grid)
    for part in (recv, res, starts, ends):
        part.index = part.index.set_names(["unit", "pidx"])
        part.index = part.index.set_levels(part.index.levels[1].astype("int64"), level=1)
        out = out.join(part)
    out = out.reset_index()
    counts = ["received", "withdrawn", "received_online", "received_online_full",
              "received_online_partial", "resolved", "resolved_on_time", "rated", "satisfied",
              "starts", "ends"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["resolved_late"] = out["resolved"] - out["resolved_on_time"]
    out["overdue_pending"] = (out["starts"] - out["ends"]).groupby(out["unit"]).cumsum()
    base = (out["received"] - out["withdrawn"]).replace(0, np.nan)
    out["on_time_rate"] = out["resolved_on_time"] / out["resolved"].replace(0, np.nan)
    out["online_share"] = out["received_online"] / base
    out["online_full_share"] = out["received_online_full"] / base
    out["online_partial_share"] = out["received_online_partial"] / base
    out["satisfaction_rate"] = out["satisfied"] / out["rated"].replace(0, np.nan)
    out["period"] = [f"{p // 12}-{p % 12 + 1:02d}" for p in out["pidx"]]
    return out


# --------------------------------------------------------------------------- (a) library
def run_aggregate(files: list[str]) -> pd.DataFrame:
    from cchc_research.dossiers.aggregate import aggregate

    return aggregate(files, freq="month", engine="duckdb")


RUNNERS = {"aggregate_duckdb": run_aggregate, "handwritten_sql": run_sql, "pandas": run_pandas}
COMPARE = ["unit", "period", "received", "withdrawn", "received_online", "received_online_full",
           "received_online_partial", "resolved", "resolved_on_time", "resolved_late",
           "overdue_pending", "rated", "satisfied", "median_working_days", "on_time_rate",
           "online_share", "online_full_share", "online_partial_share", "satisfaction_rate"]


def normalize(frame: pd.DataFrame) -> pd.DataFrame:
    """Common column order and dtypes, rows sorted, for exact comparison."""
    out = frame[COMPARE].copy()
    out["unit"] = out["unit"].astype(str)
    out["period"] = out["period"].astype(str)
    for col in COMPARE[2:13]:
        out[col] = out[col].astype("int64")
    for col in COMPARE[13:]:
        out[col] = pd.to_numeric(out[col]).astype("float64")
    return out.sort_values(KEYS, ignore_index=True)


def child(variant: str, files: list[str], repeats: int, result_path: str) -> None:
    """Run one variant in this process: a warm-up run, then ``repeats`` timed runs; print
    JSON (times, best, peak RSS of this process) and save the output table."""
    runner = RUNNERS[variant]
    table = runner(files)  # warm-up
    times, cpu = [], []
    for _ in range(repeats):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        table = runner(files)
        times.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    normalize(table).to_parquet(result_path, index=False)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"variant": variant, "times": times, "best_seconds": min(times),
                      "cpu_seconds": min(cpu), "peak_rss_mb": round(peak_mb, 1),
                      "output_rows": len(table), "load_average_1min": os.getloadavg()[0]}))


# --------------------------------------------------------------------------- driver
def ensure_data(rows: int, seed: int, data_dir: Path, chunk_rows: int) -> tuple[list[str], dict]:
    from cchc_research.simulate import simulate_dossiers

    meta_path = data_dir / "simulated_world.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        files = [data_dir / f for f in meta.get("files", [])]
        if (meta.get("n_dossiers") == rows and meta.get("seed") == seed
                and files and all(f.exists() for f in files)):
            stats = data_dir / "simulated_generation_stats.json"
            earlier = json.loads(stats.read_text("utf-8")) if stats.exists() else {}
            return [str(f) for f in files], {**earlier, "reused": True}
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    world = simulate_dossiers(rows, seed, out_dir=data_dir, chunk_rows=chunk_rows)
    seconds = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    stats = {"reused": False, "seconds": round(seconds, 3),
             "cpu_seconds": round(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime, 3),
             "rows_per_second": round(rows / seconds), "chunk_rows": chunk_rows,
             "peak_rss_mb": round(r1.ru_maxrss / 1024.0, 1),
             "load_average_1min": round(os.getloadavg()[0], 2)}
    (data_dir / "simulated_generation_stats.json").write_text(json.dumps(stats, indent=2) + "\n",
                                                              encoding="utf-8")
    return [str(f) for f in world.files], stats


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--chunk-rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    ap.add_argument("--files", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.files, args.repeats, args.result)
        return {}

    data_dir = args.data_dir or BENCHMARKS_DIR / "_data" / f"simulated_{args.rows}"
    files, generation = ensure_data(args.rows, args.seed, data_dir, args.chunk_rows)
    print(f"data: {len(files)} simulated Parquet files in {data_dir} "
          f"({'reused' if generation['reused'] else 'generated in %.1f s' % generation['seconds']})",
          flush=True)
    variants = args.variants.split(",")
    runs: dict[str, list[dict]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory(prefix="bench_aggregate_") as tmp:
        # rounds interleave the variants, so a change in machine load hits all of them
        for round_no in range(args.repeats):
            for variant in variants:
                result = str(Path(tmp) / f"{variant}.parquet")
                cmd = [sys.executable, str(Path(__file__).resolve()), "--child", variant,
                       "--repeats", "1", "--result", result, "--files", *files]
                proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    raise SystemExit(f"{variant} failed:\n{proc.stderr}")
                run = json.loads(proc.stdout.strip().splitlines()[-1])
                runs[variant].append(run)
                print(f"round {round_no + 1}: {variant:>18} {run['best_seconds']:8.3f} s "
                      f"(CPU {run['cpu_seconds']:.1f} s, load {run['load_average_1min']:.1f}), "
                      f"peak RSS {run['peak_rss_mb']:.0f} MB", flush=True)
        tables = {v: pd.read_parquet(Path(tmp) / f"{v}.parquet") for v in variants}
        results: dict[str, dict] = {}
        for variant, rs in runs.items():
            times = [r["best_seconds"] for r in rs]
            results[variant] = {
                "times": [round(t, 4) for t in times], "best_seconds": round(min(times), 4),
                "cpu_seconds_of_best": round(rs[int(np.argmin(times))]["cpu_seconds"], 4),
                "load_average_1min": [round(r["load_average_1min"], 2) for r in rs],
                "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
                "output_rows": rs[0]["output_rows"],
                "rows_per_second": round(args.rows / min(times)),
            }
        checks = {}
        ref = tables.get("aggregate_duckdb")
        for other in ("handwritten_sql", "pandas"):
            if ref is not None and other in tables:
                try:
                    pd.testing.assert_frame_equal(ref, tables[other], check_exact=True)
                    checks[f"aggregate_equals_{other}"] = True
                except AssertionError as exc:
                    print(f"aggregate differs from {other}: {exc}")
                    checks[f"aggregate_equals_{other}"] = False
    a = results.get("aggregate_duckdb", {}).get("best_seconds")
    b = results.get("handwritten_sql", {}).get("best_seconds")
    c = results.get("pandas", {}).get("best_seconds")
    ratios = {}
    if a and b:
        ratios["aggregate_over_handwritten_sql"] = round(a / b, 3)
        checks["aggregate_within_1.5x_of_sql"] = a / b <= 1.5
    if a and c:
        ratios["pandas_over_aggregate"] = round(c / a, 3)
        checks["aggregate_at_least_5x_faster_than_pandas"] = c / a >= 5
    if a:
        checks["aggregate_peak_rss_le_2GB"] = results["aggregate_duckdb"]["peak_rss_mb"] <= 2048
    import duckdb

    report = {
        "simulated": True,
        "rows": args.rows, "seed": args.seed, "files": len(files),
        "data_bytes": sum(os.path.getsize(f) for f in files),
        "generation": generation, "repeats": args.repeats, "variants": results,
        "ratios": ratios, "checks": checks,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "duckdb": duckdb.__version__, "pandas": pd.__version__,
                    "platform": platform.platform()},
    }
    out = args.out or BENCHMARKS_DIR / "results" / (
        "aggregate.json" if args.rows == 10_000_000 else f"aggregate_{args.rows}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({"ratios": ratios, "checks": checks}, indent=2))
    print(f"written {out}")
    return report


if __name__ == "__main__":
    main()
