"""Benchmark the import cost of :mod:`cchc_research.models` against ``import pandas, numpy``.

Each statement runs in a fresh Python subprocess (``python -c``, so no module is cached
in memory; the operating system's file cache is warmed by one untimed run of each), the
import is timed inside the subprocess with ``time.perf_counter``, and the statements are
interleaved over ``--repeats`` rounds so that a change in machine load hits all of them.
The median per statement counts. The ratio ``models / baseline`` must be at most
``--max-ratio`` (1.5, issue 10). The heavy libraries must not be loaded by the package
import; the subprocess reports which of them are in ``sys.modules``.

Usage::

    python benchmarks/bench_import.py               # 11 rounds, writes benchmarks/results/import.json
    python benchmarks/bench_import.py --repeats 5   # quicker

Output: a summary on stdout and ``benchmarks/results/import.json`` (per-statement times,
medians, ratios, heavy modules loaded, the machine).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HEAVY = ("scipy.stats", "scipy.optimize", "statsmodels.api", "statsmodels", "pyfixest", "linearmodels")

STATEMENTS = {
    "baseline: import pandas, numpy": "import pandas, numpy",
    "import cchc_research.models": "import cchc_research.models",
    "from cchc_research.models import twfe (first fit loads pyfixest)": (
        "from cchc_research.models import twfe"
    ),
    "import statsmodels.api (for reference)": "import statsmodels.api",
}

_PROBE = """
import sys, time, json
t0 = time.perf_counter()
{stmt}
elapsed = time.perf_counter() - t0
print(json.dumps({{"seconds": elapsed, "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def time_statement(stmt: str) -> dict:
    """Run ``stmt`` in a fresh interpreter; return its import time and the heavy modules loaded."""
    code = _PROBE.format(stmt=stmt, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="interleaved rounds (default 11)")
    parser.add_argument("--max-ratio", type=float, default=1.5)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "results" / "import.json"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    for stmt in STATEMENTS.values():  # warm the file cache; not timed
        time_statement(stmt)
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    heavy: dict[str, list[str]] = {}
    for _ in range(args.repeats):
        for name, stmt in STATEMENTS.items():
            res = time_statement(stmt)
            times[name].append(round(res["seconds"], 4))
            heavy[name] = res["heavy"]
    medians = {name: round(statistics.median(v), 4) for name, v in times.items()}
    base = medians["baseline: import pandas, numpy"]
    ratios = {name: round(m / base, 3) for name, m in medians.items()}
    ratio = ratios["import cchc_research.models"]
    result = {
        "statements": STATEMENTS,
        "repeats": args.repeats,
        "times_seconds": times,
        "median_seconds": medians,
        "ratio_to_baseline": ratios,
        "ratio_models_over_pandas_numpy": ratio,
        "max_ratio": args.max_ratio,
        "heavy_modules_loaded": heavy,
        "passed": bool(ratio <= args.max_ratio and not heavy["import cchc_research.models"]),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    width = max(len(n) for n in STATEMENTS)
    for name in STATEMENTS:
        print(f"{name.ljust(width)}  median {medians[name]:.3f} s  ratio {ratios[name]:.2f}  heavy: {heavy[name]}")
    print(f"import cchc_research.models / import pandas, numpy = {ratio:.2f} (max {args.max_ratio}); "
          f"{'PASS' if result['passed'] else 'FAIL'} -> {args.out}")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
