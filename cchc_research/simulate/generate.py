"""Row generation: one month of simulated dossiers at a time, with the true effects.

Each month of receipt is generated from its own child seed (``SeedSequence(seed).spawn(2)[1]
.spawn(n_months)``), so the rows do not depend on how they are later cut into files, and a
month never needs more than its own rows in memory. While generating, the per-dossier true
effects (the change in the probability of on-time resolution and of a satisfied rating
caused by the rollout, known analytically from the model in
:mod:`cchc_research.simulate.world`) are summed by harmonized unit and month of completion
into :class:`TruthAccumulator`.

Examples
--------
>>> from cchc_research.simulate.structure import WorldStructure
>>> from cchc_research.simulate.generate import iter_months, TruthAccumulator
>>> s = WorldStructure.build(5_000, seed=3)
>>> acc = TruthAccumulator(s)
>>> first = next(iter_months(s, acc))
>>> first.num_rows == int(s.counts[0].sum()), first.column_names[:3]
(True, ['dossier_id', 'procedure_code', 'field'])
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator

import numpy as np
import pyarrow as pa

from cchc_research.dossiers.schema import CHANNELS, DOSSIER_COLUMNS, ONLINE_LEVELS, STATUSES
from cchc_research.dossiers.workdays import CALENDAR_START, DEFAULT_CALENDAR
from cchc_research.simulate.structure import N_PROCEDURES, WorldStructure
from cchc_research.simulate.world import (
    DISTRICTS,
    FIELDS,
    MERGED_INTO,
    MERGER_DATE,
    delegation_months,
    ramp,
)

__all__ = ["ARROW_SCHEMA", "TruthAccumulator", "iter_months", "RESOLVED_STATUSES"]

#: Arrow type of each pandas dtype of :data:`~cchc_research.dossiers.schema.DOSSIER_COLUMNS`.
_ARROW_TYPES = {"string": pa.string(), "datetime64[ns]": pa.timestamp("ns"), "int64": pa.int64(),
                "Int64": pa.int64(), "boolean": pa.bool_()}
#: Arrow schema of the simulated dossier files (canonical columns + ``simulated``).
ARROW_SCHEMA = pa.schema([
    *((name, _ARROW_TYPES[dtype]) for name, dtype in DOSSIER_COLUMNS.items()),
    ("simulated", pa.bool_()),
], metadata={
    "simulated": "true",
    "description": "SIMULATED one-stop-shop dossiers (cchc_research.simulate); not real data",
})

#: Statuses counted as resolved (đã giải quyết) in on-time and satisfaction rates.
RESOLVED_STATUSES = ("completed",)

_DAY = np.int64(86_400_000_000_000)
_MIN = np.int64(60_000_000_000)
_CHANNELS = np.array(CHANNELS, dtype=object)
_LEVELS = np.array(ONLINE_LEVELS, dtype=object)
_STATUS = np.array(STATUSES, dtype=object)


@lru_cache(maxsize=1)
def _calendar() -> tuple[np.int64, np.ndarray, np.ndarray, np.ndarray]:
    """(day-0 ns, is_working by day, work_index by day, working dates in ns)."""
    tab = DEFAULT_CALENDAR.table()
    day0 = np.datetime64(CALENDAR_START, "ns").astype(np.int64)
    dates = tab["date"].to_numpy("datetime64[ns]").astype(np.int64)
    working = tab["is_working"].to_numpy(bool)
    return day0, working, tab["work_index"].to_numpy(np.int64), dates[working]


class TruthAccumulator:
    """Sums of true per-dossier effects by harmonized unit × month of completion.

    ``sums`` (the rollout's effects) have shape ``(n_units22, n_months)``; ``delegation``
    (the effects of delegation, ``q1 - q2`` and ``s2 - s1`` in the notation of
    :mod:`cchc_research.simulate.world`) has shape ``(n_units22, n_fields, 2, n_months)``,
    the third axis being the procedure group (0 = never delegated, 1 = delegated
    procedures, before and after their delegation date). Completions after the world's end
    are not resolved and are not counted.
    """

    def __init__(self, structure: WorldStructure) -> None:
        self.structure = structure
        shape = (len(structure.unit22_codes), len(structure.months))
        names = ("n_resolved", "sum_effect_on_time", "sum_on_time_prob", "n_rated",
                 "sum_effect_satisfaction", "sum_satisfaction_prob")
        self.sums = {n: np.zeros(shape) for n in names}
        dshape = (len(structure.unit22_codes), len(FIELDS), 2, len(structure.months))
        self.delegation = {n: np.zeros(dshape) for n in names}

    def add_delegation(self, unit22: np.ndarray, field_idx: np.ndarray, group: np.ndarray,
                       month_pos: np.ndarray, effect_on: np.ndarray, prob_on: np.ndarray,
                       rated: np.ndarray, effect_sat: np.ndarray, prob_sat: np.ndarray) -> None:
        """Add resolved dossiers' delegation effects by unit × field × group × month."""
        _add_sums(self.delegation, (unit22, field_idx, group, month_pos), effect_on, prob_on, rated,
                  effect_sat, prob_sat)

    def add(self, unit22: np.ndarray, month_pos: np.ndarray, effect_on: np.ndarray,
            prob_on: np.ndarray, rated: np.ndarray, effect_sat: np.ndarray,
            prob_sat: np.ndarray) -> None:
        """Add resolved dossiers (already filtered) to the sums."""
        _add_sums(self.sums, (unit22, month_pos), effect_on, prob_on, rated, effect_sat, prob_sat)


def _add_sums(sums: dict[str, np.ndarray], cell: tuple[np.ndarray, ...], effect_on: np.ndarray,
              prob_on: np.ndarray, rated: np.ndarray, effect_sat: np.ndarray,
              prob_sat: np.ndarray) -> None:
    """Add resolved dossiers to the arrays of ``sums``, each dossier at its ``cell`` (one index array per axis).

    Counts and on-time sums take every dossier; the satisfaction sums only the ``rated`` ones.
    """
    shape = sums["n_resolved"].shape
    flat = np.ravel_multi_index(cell, shape)
    size = int(np.prod(shape))

    def put(name: str, values: np.ndarray, idx: np.ndarray = flat) -> None:
        sums[name] += np.bincount(idx, weights=values, minlength=size).reshape(shape)

    put("n_resolved", np.ones(len(flat)))
    put("sum_effect_on_time", effect_on)
    put("sum_on_time_prob", prob_on)
    put("n_rated", np.ones(int(rated.sum())), flat[rated])
    put("sum_effect_satisfaction", effect_sat[rated], flat[rated])
    put("sum_satisfaction_prob", prob_sat[rated], flat[rated])


def _pick(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """Row-wise categorical draws from cumulative probabilities ``cum`` (n, k)."""
    u = rng.random(len(cum))
    return np.minimum((u[:, None] >= cum).sum(axis=1), cum.shape[1] - 1)


def _month_rows(s: WorldStructure, k: int, rng: np.random.Generator, first_id: int,
                end_ns: np.int64, acc: TruthAccumulator | None) -> pa.Table:
    p = s.params
    m = int(s.months[k])
    year, month = 2000 + m // 12, m % 12 + 1
    counts = s.counts[k]
    n = int(counts.sum())
    d = np.repeat(np.arange(len(DISTRICTS)), counts)
    e = m - s.rollout[d]  # event time in months at receipt

    f = _pick(rng, np.cumsum(s.field_mix, axis=1)[d])
    j = _pick(rng, np.cumsum(s.proc_weights, axis=1)[f])
    delegated = s.proc_delegable[f, j] & (m >= delegation_months(p)[f])
    stat = s.proc_days[f, j]
    stat = np.where(delegated, np.maximum(1, np.round(stat * p.delegation_speedup)), stat)
    stat = stat.astype(np.int64)

    u_channel = rng.random(n)
    p_online = 1.0 / (1.0 + np.exp(-s.online_logit(k, e, f)))
    postal = u_channel < p.postal_share
    online = ~postal & (u_channel < p.postal_share + (1 - p.postal_share) * p_online)
    channel = np.where(postal, 2, np.where(online, 1, 0))
    years = (m - 204) / 12.0  # 204 = month_index("2017-01")
    p_full = 1.0 / (1.0 + np.exp(-(p.online_full_intercept + p.online_full_slope * years
                                   + p.online_full_rollout_boost * (e >= 0))))
    level = np.where(online, np.where(rng.random(n) < p_full, 0, 1), 2)

    # day and time of receipt: offline on working days, online any day (weekends lighter)
    day0, working, work_index, working_ns = _calendar()
    first_day = (np.datetime64(f"{year}-{month:02d}-01", "ns").astype(np.int64) - day0) // _DAY
    n_days = int(((np.datetime64(f"{year}-{month:02d}", "M") + 1).astype("datetime64[D]")
                  - np.datetime64(f"{year}-{month:02d}-01", "D")).astype(int))
    days = first_day + np.arange(n_days)
    w_off = working[days].astype(float)
    w_on = np.where(working[days], 1.0, 0.35)
    if w_off.sum() == 0:  # pragma: no cover - every month has working days
        w_off = np.ones(n_days)
    u_day = rng.random(n)
    day_off = np.minimum(np.searchsorted(np.cumsum(w_off / w_off.sum()), u_day, "right"),
                         n_days - 1)
    day_on = np.minimum(np.searchsorted(np.cumsum(w_on / w_on.sum()), u_day, "right"),
                        n_days - 1)
    recv_day = days[np.where(online, day_on, day_off)]
    minute = np.where(online, 360 + rng.integers(0, 1020, n), 450 + rng.integers(0, 555, n))
    received = day0 + recv_day * _DAY + minute * _MIN + rng.integers(0, 60, n) * 1_000_000_000

    wi = work_index[recv_day]
    due_wi = wi + stat
    due = working_ns[due_wi - 1] + 17 * 60 * _MIN

    # late risk and satisfaction (model in world.py); one uniform each (common random numbers)
    a_f = np.array([x.late_base for x in FIELDS])[f]
    q0 = a_f + s.delta[d] + s.late_level()[k]
    q1 = q0 * (1.0 - s.rho[d] * ramp(e, p.ramp_on_time))
    eta = p.delegation_late_reduction * delegated  # 0 unless the world sets a delegation effect
    q2 = q1 * (1.0 - eta)
    late = rng.random(n) < q2
    c_f = np.array([x.sat_base for x in FIELDS])[f]
    s0 = c_f + s.u[d] + s.sat_level()[k]
    s1 = s0 + (1.0 - s0) * s.kappa[d] * ramp(e, p.ramp_satisfaction)
    gamma = p.delegation_sat_gain * delegated
    s2 = s1 + (1.0 - s1) * gamma
    satisfied = rng.random(n) < s2

    frac = rng.beta(2.5, 1.5, n)
    offset = np.minimum(np.floor(frac * (stat + 1)).astype(np.int64), stat)
    offset = np.where((offset == 0) & ~working[recv_day], 1, offset)
    tail = np.array([x.late_tail for x in FIELDS])[f]
    overrun = rng.geometric(tail)
    u_status = rng.random(n)
    withdrawn = u_status < p.withdrawn_rate
    returned = ~withdrawn & (u_status < p.withdrawn_rate + p.returned_rate)
    is_late = late & ~returned & ~withdrawn
    done_wi = np.where(is_late, due_wi + overrun, wi + offset)
    done_day = working_ns[np.maximum(done_wi, 1) - 1]
    same_day = received + (15 + rng.integers(0, 225, n)) * _MIN
    later = done_day + (450 + rng.integers(0, 570, n)) * _MIN + rng.integers(0, 60, n) * 10**9
    recv_midnight = day0 + recv_day * _DAY
    completed = np.where(offset == 0,
                         np.minimum(same_day, recv_midnight + 1439 * _MIN), later)
    completed = np.where(is_late | (offset > 0), later, completed)
    pending = ~withdrawn & (completed > end_ns)
    status = np.where(withdrawn, 3, np.where(pending, 1, np.where(returned, 2, 0)))
    has_completed = (status == 0) | (status == 2)

    supp = rng.poisson(np.array([x.supplement_mean for x in FIELDS])[f] * np.where(late, 1.8, 1.0))
    rated = (status == 0) & (rng.random(n) < s.rating_probability(k))
    u_score = rng.random(n)
    score = np.where(satisfied, np.where(u_score < 0.55, 5, 4),
                     np.where(u_score < 0.6, 3, np.where(u_score < 0.85, 2, 1)))

    if acc is not None:
        res = np.isin(status, [int(np.flatnonzero(_STATUS == x)[0]) for x in RESOLVED_STATUSES])
        done_month = (completed[res].astype("datetime64[ns]").astype("datetime64[M]")
                      .astype(np.int64) - 360)  # months since 1970 -> since 2000
        # rollout effects with delegation held at its actual state (identical to q0 - q1 and
        # s1 - s0 when the world has no delegation effect)
        acc.add(s.harmonized[d[res]], done_month - s.months[0], ((q0 - q1) * (1.0 - eta))[res],
                (1.0 - q2)[res], rated[res], ((s1 - s0) * (1.0 - gamma))[res], s2[res])
        acc.add_delegation(s.harmonized[d[res]], f[res], s.proc_delegable[f, j][res].astype(int),
                           done_month - s.months[0], (q1 - q2)[res], (1.0 - q2)[res],
                           rated[res], (s2 - s1)[res], s2[res])

    order = np.argsort(received, kind="stable")
    codes = np.array([x.code for x in DISTRICTS], dtype=object)
    if year >= MERGER_DATE.year:
        codes = np.array([MERGED_INTO.get(c, c) for c in codes], dtype=object)
    ids = (np.char.add("SIM", np.char.zfill(np.arange(first_id, first_id + n).astype(str), 10))
           if n else np.array([], dtype=object))
    field_codes = np.array([x.code for x in FIELDS], dtype=object)
    proc = s.proc_codes.reshape(-1)[f * N_PROCEDURES + j]

    def ts(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
        return pa.array(values[order], type=pa.timestamp("ns"),
                        mask=None if mask is None else mask[order])

    def strings(values: np.ndarray) -> pa.Array:
        return pa.array(values[order], type=pa.string())

    columns = [
        pa.array(ids, type=pa.string()),
        strings(proc), strings(field_codes[f]), strings(codes[d]),
        strings(_CHANNELS[channel]), strings(_LEVELS[level]),
        ts(received), ts(due), ts(completed, ~has_completed),
        strings(_STATUS[status]),
        pa.array(supp[order].astype(np.int64)),
        pa.array(score[order].astype(np.int64), mask=~rated[order]),
        pa.array(delegated[order]),
        pa.array(stat[order]),
        pa.array(np.ones(n, dtype=bool)),
    ]
    return pa.Table.from_arrays(columns, schema=ARROW_SCHEMA)


def iter_months(structure: WorldStructure, acc: TruthAccumulator | None = None,
                *, end: str | None = None, months: range | None = None) -> Iterator[pa.Table]:
    """Yield one Arrow table per month of receipt, in time order.

    Parameters
    ----------
    structure : WorldStructure
    acc : TruthAccumulator, optional
        Receives the true effects of the resolved dossiers.
    end : str, optional
        Last day of the world (dossiers completing later are pending); default the end of
        the structure's last month.
    months : range, optional
        Positions in ``structure.months`` to generate (ascending, step 1); default all.
        Month ``k`` is the same table whatever the range (own seed; dossier ids numbered
        from ``1 + structure.counts[:k].sum()``), so months can be generated in parallel.

    Yields
    ------
    pyarrow.Table
        Rows of one month, sorted by ``received_at``, schema :data:`ARROW_SCHEMA`.
    """
    last = int(structure.months[-1])
    if end is None:
        end_day = (np.datetime64(f"{2000 + last // 12}-{last % 12 + 1:02d}", "M") + 1
                   ).astype("datetime64[D]") - 1
    else:
        end_day = np.datetime64(end, "D")
    end_ns = (end_day + 1).astype("datetime64[ns]").astype(np.int64) - 1
    seeds = np.random.SeedSequence(structure.seed).spawn(2)[1].spawn(len(structure.months))
    months = range(len(seeds)) if months is None else months
    first_id = 1 + int(structure.counts[:months.start].sum())
    for k in months:
        ss = seeds[k]
        table = _month_rows(structure, k, np.random.default_rng(ss), first_id, end_ns, acc)
        first_id += table.num_rows
        yield table
