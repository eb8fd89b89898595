"""Benchmark :func:`cchc_research.models.twfe` against :func:`pyfixest.feols` (1M rows, two FEs).

Usage::

    python benchmarks/bench_twfe.py                 # 1,000,000 rows (issue 4 requirement)
    python benchmarks/bench_twfe.py --rows 100000   # quick mode

Steps: simulate a panel of ``--rows`` rows (``--units`` units × periods; *simulated* data:
unit and period effects, two regressors, AR-free noise) with a fixed seed; warm up both
estimators once (numba compilation); then ``--repeats`` rounds, each timing
(``time.perf_counter``) one ``twfe(df, "y", ["x1", "x2"], fe=["unit", "period"],
cluster="unit")`` and one ``pyfixest.feols("y ~ x1 + x2 | unit + period", df,
vcov={"CRV1": "unit"})`` with pyfixest's defaults, alternating the order so that a change
in machine load hits both. The best time of each is compared: the ratio twfe/feols must be
≤ 2. Estimates and SEs of both must agree (rtol 1e-8).

Second measurement: :func:`cchc_research.models.wild_bootstrap` for one coefficient with
G = 22 clusters, N = 2,002 (22 units × 91 periods, two-way FE), B = 9,999 Webb draws,
p-value plus the 95% test-inversion interval (best of ``--repeats``); requirement < 2 s.

Results go to stdout and to ``benchmarks/results/twfe.json`` (``twfe_<rows>.json`` for
other sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pyfixest as pf

from cchc_research.config import BENCHMARKS_DIR, DEFAULT_SEED
from cchc_research.models import twfe, wild_bootstrap
from cchc_research.models._dgp import simulate_simple_panel

MAX_RATIO = 2.0
MAX_BOOTSTRAP_SECONDS = 2.0


def simulate(rows: int, units: int, seed: int) -> pd.DataFrame:
    """Simulated two-way panel: ``y = a_unit + g_period + 0.5 x1 - 0.2 x2 + e``."""
    rng = np.random.default_rng(seed)
    periods = rows // units
    n = units * periods
    unit = np.repeat(np.arange(units, dtype=np.int64), periods)
    period = np.tile(np.arange(periods, dtype=np.int64), units)
    a = rng.normal(size=units)[unit]
    g = rng.normal(size=periods)[period]
    x1 = rng.normal(size=n) + 0.3 * a
    x2 = rng.normal(size=n) + 0.2 * g
    y = a + g + 0.5 * x1 - 0.2 * x2 + rng.normal(size=n)
    return pd.DataFrame({"unit": unit, "period": period, "x1": x1, "x2": x2, "y": y})


def run_twfe(df: pd.DataFrame):
    return twfe(df, "y", ["x1", "x2"], fe=["unit", "period"], cluster="unit")


def run_feols(df: pd.DataFrame):
    return pf.feols("y ~ x1 + x2 | unit + period", df, vcov={"CRV1": "unit"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    t0 = time.perf_counter()
    df = simulate(args.rows, args.units, args.seed)
    gen = time.perf_counter() - t0

    ours, theirs = run_twfe(df), run_feols(df)  # warm-up (numba compilation)
    np.testing.assert_allclose(ours.params.to_numpy(), theirs.coef().to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(ours.std_errors.to_numpy(), theirs.se().to_numpy(), rtol=1e-8)

    times: dict[str, list[float]] = {"twfe": [], "feols": []}
    for r in range(args.repeats):
        order = ("twfe", "feols") if r % 2 == 0 else ("feols", "twfe")
        for name in order:
            fn = run_twfe if name == "twfe" else run_feols
            t = time.perf_counter()
            fn(df)
            times[name].append(time.perf_counter() - t)
    best = {k: min(v) for k, v in times.items()}
    ratio = best["twfe"] / best["feols"]

    small = twfe(simulate_simple_panel(n_units=22, n_periods=91, effect=0.2, seed=args.seed),
                 "y", ["d", "x"], fe=["unit", "period"], cluster="unit")
    boot_times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        boot = wild_bootstrap(small, "d", B=9999, weights="webb", seed=args.seed)
        boot.conf_int(0.95)
        boot_times.append(time.perf_counter() - t)
    boot_best = min(boot_times)
    out = {
        "rows": len(df),
        "units": args.units,
        "periods": len(df) // args.units,
        "seed": args.seed,
        "data": "simulated",
        "generation_seconds": round(gen, 4),
        "times_seconds": {k: [round(x, 4) for x in v] for k, v in times.items()},
        "best_seconds": {k: round(v, 4) for k, v in best.items()},
        "ratio_twfe_over_feols": round(ratio, 4),
        "max_ratio": MAX_RATIO,
        "passed": ratio <= MAX_RATIO and boot_best < MAX_BOOTSTRAP_SECONDS,
        "wild_bootstrap": {
            "clusters": 22,
            "nobs": small.nobs,
            "B": 9999,
            "weights": "webb",
            "what": "p-value and 95% test-inversion CI for one coefficient",
            "times_seconds": [round(x, 4) for x in boot_times],
            "best_seconds": round(boot_best, 4),
            "max_seconds": MAX_BOOTSTRAP_SECONDS,
        },
        "estimates_equal": True,
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "pyfixest": pf.__version__,
            "pandas": pd.__version__,
            "numpy": np.__version__,
        },
    }
    name = "twfe.json" if args.rows == 1_000_000 else f"twfe_{args.rows}.json"
    path = args.out or str(BENCHMARKS_DIR / "results" / name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=2, sort_keys=True)
        fh.write("\n")
    print(
        f"rows={len(df):,}  twfe best {best['twfe']:.3f}s  feols best {best['feols']:.3f}s  "
        f"ratio {ratio:.3f} (max {MAX_RATIO}); wild_bootstrap G=22 N={small.nobs} B=9999 "
        f"best {boot_best:.3f}s (max {MAX_BOOTSTRAP_SECONDS}) -> {'OK' if out['passed'] else 'FAIL'}; wrote {path}"
    )
    return 0 if out["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
