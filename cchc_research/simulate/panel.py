"""``simulate_panel``: the simulated district × period panel with cohorts and true effects.

The dossiers of a simulated world are aggregated by
:func:`cchc_research.dossiers.aggregate` on the 2021 geography (22 units: the dossiers of
Quận 2, Quận 9 and Thủ Đức received before 2021 are counted under Thành phố Thủ Đức, 769,
so the panel is balanced), then the rollout cohort, event time and the true effects
(:mod:`cchc_research.simulate.truth`) are merged in.

Examples
--------
>>> from cchc_research.simulate import simulate_panel
>>> panel = simulate_panel(20_000, seed=5, freq="quarter")
>>> panel["unit"].nunique(), panel["period"].min(), panel["period"].max()
(22, '2017-Q1', '2024-Q4')
>>> bool(panel["simulated"].all()), panel.loc[0, "cohort"]
(True, '2019-Q1')
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import AggregationError
from cchc_research.simulate.core import SimulatedWorld, simulate_dossiers
from cchc_research.simulate.world import MERGED_INTO

__all__ = ["simulate_panel", "harmonized_source"]

_TRUTH_COLUMNS = ("cohort", "event_time", "treated", "true_effect_on_time_rate",
                  "true_effect_satisfaction_rate", "expected_on_time_rate",
                  "expected_on_time_rate_untreated", "expected_satisfaction_rate",
                  "expected_satisfaction_rate_untreated")


def harmonized_source(world: SimulatedWorld, tmp_dir: str | Path) -> pd.DataFrame | str:
    """The world's dossiers with units mapped to the 2021 geography.

    In memory the frame is copied and recoded; on disk DuckDB writes one recoded Parquet
    file into ``tmp_dir`` (out of core) and its path is returned.
    """
    if world.dossiers is not None:
        frame = world.dossiers.copy()
        frame["unit"] = frame["unit"].replace(MERGED_INTO)
        return frame
    import duckdb

    files = ", ".join("'" + str(f).replace("'", "''") + "'" for f in world.files)
    cases = " ".join(f"WHEN '{a}' THEN '{b}'" for a, b in MERGED_INTO.items())
    target = Path(tmp_dir) / "simulated_dossiers_2021_units.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * REPLACE (CASE unit {cases} ELSE unit END AS unit) "
            f"FROM read_parquet([{files}])) TO '{target}' (FORMAT parquet)"
        )
    return str(target)


def simulate_panel(
    n_dossiers: int = 500_000,
    seed: int = DEFAULT_SEED,
    *,
    freq: str = "month",
    engine: str = "duckdb",
    world: SimulatedWorld | None = None,
    out_dir: str | Path | None = None,
    **simulate_kwargs,
) -> pd.DataFrame:
    """Simulate (or reuse) a world and return its unit × period panel with the truth.

    Parameters
    ----------
    n_dossiers : int
        Dossiers to simulate (ignored when ``world`` is given).
    seed : int
    freq : {"month", "quarter", "half", "year"}
        Panel period; cohorts and event times are expressed in these periods.
    engine : {"duckdb", "pandas"}
        Engine of :func:`cchc_research.dossiers.aggregate`.
    world : SimulatedWorld, optional
        A world already simulated (e.g. written to disk by :func:`simulate_dossiers`).
    out_dir : path, optional
        Passed to :func:`simulate_dossiers` when a world is simulated.
    **simulate_kwargs
        Further arguments of :func:`simulate_dossiers` (``start``, ``end``, ``params``…).

    Returns
    -------
    DataFrame
        The columns of :func:`~cchc_research.dossiers.aggregate` (``unit``, ``period``,
        ``received``, ``resolved``, ``on_time_rate``, ``satisfaction_rate``…) plus
        ``cohort`` (rollout period), ``event_time`` (periods since the rollout),
        ``treated``, ``true_effect_on_time_rate``, ``true_effect_satisfaction_rate``, the
        expected rates with and without the rollout, and ``simulated`` (True).

    Raises
    ------
    AggregationError
        Unknown ``freq`` or ``engine``.
    """
    from cchc_research.dossiers.aggregate import aggregate

    if world is None:
        world = simulate_dossiers(n_dossiers, seed, out_dir=out_dir, **simulate_kwargs)
    truth = world.truth_table(freq)
    with tempfile.TemporaryDirectory(prefix="cchc_sim_") as tmp:
        panel = aggregate(harmonized_source(world, tmp), freq=freq, by=("unit",),
                          engine=engine)
    cohorts = truth.drop_duplicates("unit").set_index("unit")["cohort"]
    merged = panel.merge(truth[["unit", "period", *_TRUTH_COLUMNS[1:]]], on=["unit", "period"],
                         how="left", validate="one_to_one")
    if merged["event_time"].isna().any():
        raise AggregationError("simulated panel has periods without a truth row")
    merged.insert(1, "cohort", merged["unit"].map(cohorts).astype("string"))
    merged["event_time"] = merged["event_time"].astype("int64")
    merged["treated"] = merged["treated"].astype(bool)
    merged["simulated"] = True
    return merged
