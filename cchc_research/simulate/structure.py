"""The realized structure of one simulated world: district draws, time paths, calibration.

:class:`WorldStructure` turns :class:`~cchc_research.simulate.world.WorldParams`, a seed and
a date range into arrays: district terms and effect sizes, field mixes, the procedure
catalogue, monthly time paths, the number of dossiers per district and month, and the
calibration constants solved so that the *expected* city aggregates equal the published
targets (:data:`~cchc_research.simulate.world.CALIBRATION_TARGETS`). Everything depends only
on ``(params, seed, start, end, n_dossiers)``.

Examples
--------
>>> from cchc_research.simulate.structure import WorldStructure
>>> s = WorldStructure.build(10_000, seed=1)
>>> int(s.counts.sum()), s.counts.shape
(10000, (96, 24))
>>> bool(s.late_risk_offsets["b2019"] > 0)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.dossiers.dates import parse_date
from cchc_research.errors import CCHCError, InvalidArgumentError, SimulationError
from cchc_research.simulate.world import (
    CALIBRATION_TARGETS,
    DISTRICTS,
    FIELDS,
    MERGED_INTO,
    WorldParams,
    month_index,
    ramp,
)

__all__ = ["WorldStructure", "tet_months", "N_PROCEDURES", "check_seed", "simulated_day"]

#: Procedures per field in the simulated catalogue.
N_PROCEDURES = 5

_COVID_LATE = {"2020-02": 0.002, "2020-03": 0.004, "2020-04": 0.006, "2020-05": 0.002,
               "2021-06": 0.006, "2021-07": 0.025, "2021-08": 0.035, "2021-09": 0.025,
               "2021-10": 0.008, "2021-11": 0.003}
_COVID_VOLUME = {"2020-03": 0.85, "2020-04": 0.55, "2020-05": 0.9, "2021-06": 0.75,
                 "2021-07": 0.4, "2021-08": 0.3, "2021-09": 0.4, "2021-10": 0.8}
_COVID_SAT = {"2020-04": -0.02, "2021-07": -0.04, "2021-08": -0.05, "2021-09": -0.03}


@lru_cache(maxsize=4)
def tet_months(first_year: int, last_year: int) -> frozenset[int]:
    """Month indices containing the first day of Tết (``holidays``: "Lunar New Year").

    Examples
    --------
    >>> from cchc_research.simulate.world import month_label
    >>> sorted(month_label(m) for m in tet_months(2019, 2020))
    ['2019-02', '2020-01']
    """
    import holidays

    cal = holidays.country_holidays("VN", years=range(first_year, last_year + 1),
                                    language="en_US")
    return frozenset(month_index(pd.Timestamp(d)) for d, name in cal.items()
                     if name == "Lunar New Year")


def _years_since(months: np.ndarray, origin: str) -> np.ndarray:
    return (months - month_index(origin)) / 12.0



def check_seed(seed: object) -> int:
    """Refuse a seed that :class:`numpy.random.SeedSequence` cannot take (negative, not an integer).

    Raises
    ------
    InvalidArgumentError
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidArgumentError(f"seed must be an integer >= 0, got {seed!r}")
    return int(seed)


def simulated_day(value: object, what: str) -> str:
    """A start/end date of the simulated world as ISO ``YYYY-MM-DD``, read with the export rules.

    Day first (``31/01/2017``) or ISO (``2017-01-31``), as every date the package reads
    (:func:`cchc_research.dossiers.dates.parse_date`); impossible dates (``2024-02-30``) and
    two-digit years are refused.

    Raises
    ------
    InvalidArgumentError
        Naming the argument (``start``/``end``) and the reason.

    Examples
    --------
    >>> simulated_day("31/01/2017", "start")
    '2017-01-31'
    """
    try:
        return parse_date(value, what=what).date().isoformat()
    except CCHCError as exc:
        reason = getattr(exc, "reason", str(exc))
        raise InvalidArgumentError(f"{what} {value!r} is not a date: {reason}") from None

@dataclass
class WorldStructure:
    """Arrays describing one world (see the module docstring). Build with :meth:`build`."""

    params: WorldParams
    seed: int
    months: np.ndarray            # month indices, start..end
    counts: np.ndarray            # (n_months, n_districts) dossiers received
    rollout: np.ndarray           # (n_districts,) rollout month index
    harmonized: np.ndarray        # (n_districts,) index into unit22_codes
    unit22_codes: list[str]
    delta: np.ndarray             # district late-risk terms
    u: np.ndarray                 # district satisfaction terms
    rho: np.ndarray               # plateau share of late risk removed
    kappa: np.ndarray             # plateau share of the dissatisfaction gap closed
    field_mix: np.ndarray         # (n_districts, n_fields)
    proc_codes: np.ndarray        # (n_fields, N_PROCEDURES) str
    proc_weights: np.ndarray      # (n_fields, N_PROCEDURES)
    proc_days: np.ndarray         # (n_fields, N_PROCEDURES) statutory working days
    proc_delegable: np.ndarray    # (n_fields, N_PROCEDURES) bool, delegated from 2018
    lam_rest: np.ndarray          # late-risk time path without the calibrated level
    mu_rest: np.ndarray           # satisfaction time path without the calibrated level
    regime_weight: np.ndarray     # weight of b2024 (vs b2019) in the level, by month
    late_risk_offsets: dict[str, float]
    sat_offset: float

    # ------------------------------------------------------------------ construction
    @classmethod
    def build(cls, n_dossiers: int, seed: int, *, start: str = "2017-01-01",
              end: str = "2024-12-31", params: WorldParams | None = None) -> "WorldStructure":
        """Draw the world's structure and calibrate it.

        Parameters
        ----------
        n_dossiers : int
            Total dossiers received between ``start`` and ``end``.
        seed : int
            Root seed; the structure uses the first child of ``SeedSequence(seed)``.
        start, end : str
            Whole months are simulated; the world must cover 2019-H1 and 2024-Q1 for the
            calibration.
        params : WorldParams, optional

        Returns
        -------
        WorldStructure

        Raises
        ------
        CCHCError
            Bad sizes, a negative or non-integer seed, an unreadable or impossible date
            (:func:`simulated_day`), an end before the start, or a date range that does not
            cover the calibration windows.
        """
        params = params or WorldParams()
        if int(n_dossiers) < 1:
            raise InvalidArgumentError(f"n_dossiers must be >= 1, got {n_dossiers}")
        check_seed(seed)
        start, end = simulated_day(start, "start"), simulated_day(end, "end")
        if end < start:
            raise InvalidArgumentError(f"end {end} is before start {start}: give the first day as start")
        m0, m1 = month_index(start), month_index(end)
        if m0 > month_index("2019-01") or m1 < month_index("2024-03"):
            raise InvalidArgumentError("the simulated period must cover 2019-01 .. 2024-03 (calibration)")
        months = np.arange(m0, m1 + 1)
        rng = np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(2)[0])
        nd, nf = len(DISTRICTS), len(FIELDS)

        rollout = np.array([month_index(d.rollout) for d in DISTRICTS])
        unit22 = sorted({MERGED_INTO.get(d.code, d.code) for d in DISTRICTS})
        harmonized = np.array([unit22.index(MERGED_INTO.get(d.code, d.code)) for d in DISTRICTS])
        cohort_labels = [d.rollout for d in DISTRICTS]
        delta = rng.uniform(0.0, params.district_late_max, nd)
        u = rng.uniform(-params.district_sat_sd, params.district_sat_sd, nd)
        # merged units share one latent effect draw so the merged unit's effect is one number
        noise = rng.normal(0.0, params.effect_noise_sd, len(unit22))[harmonized]
        rho = np.clip(np.array([params.cohort_rho[c] for c in cohort_labels]) * np.exp(noise),
                      0.0, 0.9)
        kappa = np.clip(np.array([params.cohort_kappa[c] for c in cohort_labels])
                        * np.exp(noise), 0.0, 0.9)

        base = np.array([f.share for f in FIELDS])
        tilt = np.array([f.peri_urban_tilt for f in FIELDS])
        mix = np.array([base * (tilt if d.peri_urban else 1.0 / np.sqrt(tilt))
                        for d in DISTRICTS])
        mix = mix * rng.uniform(0.85, 1.15, mix.shape)
        mix /= mix.sum(axis=1, keepdims=True)

        proc_codes = np.empty((nf, N_PROCEDURES), dtype=object)
        proc_days = np.zeros((nf, N_PROCEDURES), dtype=np.int64)
        for i, f in enumerate(FIELDS):
            for j in range(N_PROCEDURES):
                proc_codes[i, j] = f"{1 + j % 2}.{(i + 1) * 1000 + 7 * j + 3:06d}"
                proc_days[i, j] = f.statutory_days[j % len(f.statutory_days)]
        proc_weights = 1.0 / np.arange(1, N_PROCEDURES + 1)  # Zipf-like popularity
        proc_weights = np.tile(proc_weights / proc_weights.sum(), (nf, 1))
        n_deleg = int(round(params.delegated_share * N_PROCEDURES))
        proc_delegable = np.zeros((nf, N_PROCEDURES), dtype=bool)
        proc_delegable[:, N_PROCEDURES - n_deleg:] = True  # share of *procedures* per field

        tets = tet_months(int(months[0] // 12 + 2000), int(months[-1] // 12 + 2000) + 1)
        tet = np.isin(months, list(tets))
        pre_tet = np.isin(months + 1, list(tets))
        labels = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in months]
        covid_late = np.array([_COVID_LATE.get(lab, 0.0) for lab in labels])
        covid_vol = np.array([_COVID_VOLUME.get(lab, 1.0) for lab in labels])
        covid_sat = np.array([_COVID_SAT.get(lab, 0.0) for lab in labels])
        era = 0.012 * np.clip((month_index("2019-01") - months) / 24.0, 0.0, 1.0)
        lam_rest = era + covid_late + 0.002 * tet + 0.001 * pre_tet
        regime_weight = np.clip((months - month_index("2022-01") + 1) / 24.0, 0.0, 1.0)
        mu_rest = 0.01 * _years_since(months, "2019-01") + covid_sat - 0.01 * tet

        years = _years_since(months, "2017-01")
        month_of_year = months % 12 + 1
        vol_t = (np.exp(params.annual_growth * years) * covid_vol
                 * np.where(tet, 0.8, 1.0) * np.where(pre_tet, 1.15, 1.0)
                 * (1.0 + 0.05 * np.sin(2 * np.pi * (month_of_year - 3) / 12.0)))
        size = np.array([d.population for d in DISTRICTS]) ** 0.9
        size = size * rng.uniform(0.9, 1.1, nd)
        cell_p = np.outer(vol_t, size)
        counts = rng.multinomial(int(n_dossiers), (cell_p / cell_p.sum()).ravel())
        counts = counts.reshape(cell_p.shape)

        world = cls(params=params, seed=int(seed), months=months, counts=counts,
                    rollout=rollout, harmonized=harmonized, unit22_codes=unit22, delta=delta,
                    u=u, rho=rho, kappa=kappa, field_mix=mix, proc_codes=proc_codes,
                    proc_weights=proc_weights, proc_days=proc_days,
                    proc_delegable=proc_delegable, lam_rest=lam_rest, mu_rest=mu_rest,
                    regime_weight=regime_weight, late_risk_offsets={}, sat_offset=0.0)
        world._calibrate(cell_p)
        return world

    # ------------------------------------------------------------------ time paths
    def late_level(self) -> np.ndarray:
        """Calibrated common late-risk path ``lambda_t`` (one value per month)."""
        b19, b24 = self.late_risk_offsets["b2019"], self.late_risk_offsets["b2024"]
        return self.lam_rest + b19 + self.regime_weight * (b24 - b19)

    def sat_level(self) -> np.ndarray:
        """Calibrated common satisfaction path ``mu_t`` (one value per month)."""
        return self.mu_rest + self.sat_offset

    def online_logit(self, k: int, event_time: np.ndarray, field_idx: np.ndarray) -> np.ndarray:
        """Log-odds of filing online for dossiers received in month ``self.months[k]``."""
        p = self.params
        m = self.months[k]
        years = (m - month_index("2017-01")) / 12.0
        odds = np.array([f.online_log_odds for f in FIELDS])[field_idx]
        covid = p.online_covid_boost if m >= month_index("2020-04") else 0.0
        return (p.online_intercept + p.online_slope * years + covid + odds
                + p.online_rollout_boost * ramp(event_time, 12))

    def rating_probability(self, k: int) -> float:
        """Probability that a completed dossier received in month ``k`` is rated."""
        years = (self.months[k] - month_index("2017-01")) / 12.0
        return float(min(0.9, self.params.rating_start + self.params.rating_slope * years))

    # ------------------------------------------------------------------ calibration
    def _window(self, key: str) -> np.ndarray:
        lo, hi = (month_index(x) for x in CALIBRATION_TARGETS[key]["period"])
        return (self.months >= lo) & (self.months <= hi)

    def _expected(self, weights: np.ndarray, window: np.ndarray, level: np.ndarray,
                  kind: str) -> float:
        """Expected city rate over ``window`` for a common level path (receipt months)."""
        a = np.array([f.late_base if kind == "late" else f.sat_base for f in FIELDS])
        num = den = 0.0
        for k in np.flatnonzero(window):
            e = self.months[k] - self.rollout
            for d in range(len(DISTRICTS)):
                mix = self.field_mix[d]
                if kind == "late":
                    base = a + self.delta[d] + level[k]
                    val = base * (1.0 - self.rho[d] * ramp(e[d], self.params.ramp_on_time))
                else:
                    base = a + self.u[d] + level[k]
                    gain = self.kappa[d] * ramp(e[d], self.params.ramp_satisfaction)
                    val = base + (1.0 - base) * gain
                num += weights[k, d] * float(mix @ val)
                den += weights[k, d]
        return num / den

    def _calibrate(self, cell_p: np.ndarray) -> None:
        zero = np.zeros_like(self.lam_rest)
        w19, w24 = self._window("late_rate_2019_H1"), self._window("on_time_rate_2024_Q1")
        # expected late rates are linear in the level: solve level = (target - a) / slope
        solved = {}
        for key, window, target in (
            ("b2019", w19, CALIBRATION_TARGETS["late_rate_2019_H1"]["value"]),
            ("b2024", w24, 1.0 - CALIBRATION_TARGETS["on_time_rate_2024_Q1"]["value"]),
        ):
            at0 = self._expected(cell_p, window, self.lam_rest + zero, "late")
            at1 = self._expected(cell_p, window, self.lam_rest + 1.0, "late")
            solved[key] = (target - at0) / (at1 - at0)
        self.late_risk_offsets = {k: float(v) for k, v in solved.items()}
        rating = np.array([self.rating_probability(k) for k in range(len(self.months))])
        ws = self._window("dissatisfaction_rate_2019")
        target = 1.0 - CALIBRATION_TARGETS["dissatisfaction_rate_2019"]["value"]
        wts = cell_p * rating[:, None]
        at0 = self._expected(wts, ws, self.mu_rest, "sat")
        at1 = self._expected(wts, ws, self.mu_rest + 0.1, "sat")
        self.sat_offset = float(0.1 * (target - at0) / (at1 - at0))
        lam = self.late_level()
        min_q = min(f.late_base for f in FIELDS) + lam.min()
        if min_q < 0:
            raise SimulationError(f"calibration gives a negative late risk ({min_q:.5f}); "
                            "lower the field or district late risks")
        mu = self.sat_level()
        hi = max(f.sat_base for f in FIELDS) + self.params.district_sat_sd + mu.max()
        lo = min(f.sat_base for f in FIELDS) - self.params.district_sat_sd + mu.min()
        if hi >= 1 or lo <= 0:
            raise SimulationError(f"calibration gives satisfaction outside (0, 1): {lo:.3f}..{hi:.3f}")

    # ------------------------------------------------------------------ description
    def describe(self) -> dict[str, Any]:
        """JSON-ready description of the realized structure (for ``world.json``)."""
        return {
            "districts": [
                {"code": d.code, "name_vi": d.name_vi, "rollout": d.rollout,
                 "harmonized_unit": self.unit22_codes[self.harmonized[i]],
                 "population_thousand": d.population, "peri_urban": d.peri_urban,
                 "late_risk_term": round(float(self.delta[i]), 8),
                 "satisfaction_term": round(float(self.u[i]), 8),
                 "rho_plateau": round(float(self.rho[i]), 8),
                 "kappa_plateau": round(float(self.kappa[i]), 8),
                 "dossiers": int(self.counts[:, i].sum())}
                for i, d in enumerate(DISTRICTS)
            ],
            "fields": [{"code": f.code, "name_vi": f.name_vi, "share": f.share,
                        "late_base": f.late_base, "sat_base": f.sat_base,
                        "statutory_days": list(f.statutory_days)} for f in FIELDS],
            "procedures": [
                {"field": FIELDS[i].code, "procedure_code": str(self.proc_codes[i, j]),
                 "statutory_days": int(self.proc_days[i, j]),
                 "delegated_from_2018": bool(self.proc_delegable[i, j]),
                 "weight": round(float(self.proc_weights[i, j]), 8)}
                for i in range(len(FIELDS)) for j in range(N_PROCEDURES)
            ],
            "calibration": {"late_risk_offsets": {k: round(v, 10) for k, v in
                                                  self.late_risk_offsets.items()},
                            "satisfaction_offset": round(self.sat_offset, 10),
                            "targets": CALIBRATION_TARGETS},
        }
