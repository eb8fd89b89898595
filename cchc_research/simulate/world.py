"""The structure of the simulated Ho Chi Minh City world: districts, fields, time, effects.

Everything here is *simulated*: the numbers are plausible, documented assumptions chosen
so that city-level aggregates resemble published figures, not estimates of anything.

Model (one dossier *i*, received in district *d*, field *f*, month *t*)
------------------------------------------------------------------------
* Late risk without the rollout (probability scale, additive so that parallel trends hold
  exactly for district rates): ``q0 = a_f + delta_d + lambda_t``; ``a_f`` is the field's
  difficulty (land the hardest), ``delta_d`` a district term, ``lambda_t`` a common time
  path (2017–18 pre-Decree-61 era, Tết months, COVID-19 in 2020 and Q3 2021, a stricter
  measurement regime from 2022). The rollout removes a share of the late risk:
  ``q1 = q0 * (1 - rho_d * ramp_on(e))``.
* Satisfaction without the rollout: ``s0 = c_f + u_d + mu_t``; with it,
  ``s1 = s0 + (1 - s0) * kappa_d * ramp_sat(e)`` (a share of the dissatisfaction gap closed).
* ``e`` is the event time of the dossier, months from the district's rollout month to the
  month of receipt; ``ramp(e) = min(1, (e + 1) / H)`` (``H`` = 24 months for on-time
  resolution, 12 for satisfaction), zero before the rollout. ``rho_d`` and ``kappa_d`` are
  larger in earlier cohorts (pilot districts gain most) with district noise: effects are
  heterogeneous across cohorts and grow with exposure, which biases a two-way fixed-effects
  event study while group-time estimators (Callaway–Sant'Anna) recover them.
* Delegation of authority (Resolution 54/2017/QH14) marks a fixed share of procedures in
  every field as delegated from the field's ``delegation_start`` month (default 2018-01 for
  every field); it shortens their statutory and actual processing time. By default it leaves
  the on-time and satisfaction probabilities unchanged; with ``delegation_late_reduction``
  (``eta``) and ``delegation_sat_gain`` (``gamma``) set, a delegated dossier's late risk is
  ``q2 = q1 * (1 - eta)`` and its satisfaction probability ``s2 = s1 + (1 - s1) * gamma``
  (the delegation study, :mod:`cchc_research.analysis.delegation`, uses such a world).

Examples
--------
>>> from cchc_research.simulate.world import DISTRICTS, cohort_sizes
>>> len(DISTRICTS)
24
>>> cohort_sizes()
{'2019-01': 4, '2019-04': 9, '2019-07': 5, '2019-10': 3, '2020-01': 3}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import CCHCError, InvalidArgumentError, SimulationError

__all__ = [
    "District",
    "Field",
    "DISTRICTS",
    "FIELDS",
    "MERGED_INTO",
    "MERGER_DATE",
    "CALIBRATION_TARGETS",
    "WorldParams",
    "cohort_sizes",
    "delegation_months",
    "month_index",
    "month_label",
    "ramp",
    "units_for_year",
]


@dataclass(frozen=True)
class District:
    """A latent district of the world (the 24 units of the 2020 geography).

    ``population`` is an approximate 2019 census population in thousands, used only as a
    relative size weight; ``rollout`` is the month (``YYYY-MM``) the online-service model
    started; ``peri_urban`` tilts the field mix towards land and construction.
    """

    code: str
    name_vi: str
    population: float
    rollout: str
    peri_urban: bool


#: The 24 districts of Ho Chi Minh City before 2021 with their rollout month. 13 started by
#: mid-2019 (pilot "Bình Thạnh trực tuyến" style in 2019-01, then 2019-04), all by 2020-01.
#: Quận 2, Quận 9 and Thủ Đức share a cohort so the merged Thành phố Thủ Đức is well defined.
DISTRICTS: tuple[District, ...] = (
    District("760", "Quận 1", 142, "2019-01", False),
    District("761", "Quận 12", 620, "2019-07", True),
    District("762", "Quận Thủ Đức", 592, "2020-01", True),
    District("763", "Quận 9", 397, "2020-01", True),
    District("764", "Quận Gò Vấp", 676, "2019-04", False),
    District("765", "Quận Bình Thạnh", 499, "2019-01", False),
    District("766", "Quận Tân Bình", 474, "2019-04", False),
    District("767", "Quận Tân Phú", 485, "2019-04", False),
    District("768", "Quận Phú Nhuận", 163, "2019-01", False),
    District("769", "Quận 2", 180, "2020-01", True),
    District("770", "Quận 3", 190, "2019-01", False),
    District("771", "Quận 10", 234, "2019-04", False),
    District("772", "Quận 11", 209, "2019-04", False),
    District("773", "Quận 4", 175, "2019-04", False),
    District("774", "Quận 5", 159, "2019-04", False),
    District("775", "Quận 6", 233, "2019-04", False),
    District("776", "Quận 8", 424, "2019-07", False),
    District("777", "Quận Bình Tân", 784, "2019-07", True),
    District("778", "Quận 7", 360, "2019-04", False),
    District("783", "Huyện Củ Chi", 462, "2019-10", True),
    District("784", "Huyện Hóc Môn", 542, "2019-07", True),
    District("785", "Huyện Bình Chánh", 705, "2019-07", True),
    District("786", "Huyện Nhà Bè", 206, "2019-10", True),
    District("787", "Huyện Cần Giờ", 71, "2019-10", True),
)

#: Resolution 1111/NQ-UBTVQH14: from 2021-01-01 Quận 2, Quận 9 and Quận Thủ Đức form
#: Thành phố Thủ Đức, which keeps code 769.
MERGED_INTO: dict[str, str] = {"762": "769", "763": "769"}
MERGER_DATE = pd.Timestamp("2021-01-01")


@dataclass(frozen=True)
class Field:
    """A field (lĩnh vực) of administrative procedures and its simulated difficulty.

    ``share`` is the city-wide share of dossiers, ``late_base`` the field's additive late
    risk ``a_f``, ``sat_base`` its satisfaction level ``c_f``, ``statutory_days`` the
    statutory working days of its procedures, ``online_log_odds`` its online propensity
    shift, ``supplement_mean`` the mean number of supplement requests, ``late_tail`` the
    success probability of the geometric number of working days a late dossier overruns.
    """

    code: str
    name_vi: str
    share: float
    late_base: float
    sat_base: float
    statutory_days: tuple[int, ...]
    online_log_odds: float
    supplement_mean: float
    late_tail: float
    peri_urban_tilt: float


FIELDS: tuple[Field, ...] = (
    Field("dat_dai", "Đất đai", 0.14, 0.0080, 0.74, (10, 15, 20, 30), -0.6, 0.45, 0.15, 1.6),
    Field("xay_dung", "Xây dựng", 0.09, 0.0045, 0.77, (7, 15, 20), -0.2, 0.30, 0.20, 1.2),
    Field("kinh_doanh", "Kinh doanh", 0.11, 0.0010, 0.86, (3, 5), 0.4, 0.10, 0.35, 0.7),
    Field("ho_tich", "Hộ tịch", 0.20, 0.0003, 0.88, (1, 3, 5), 0.0, 0.05, 0.40, 1.0),
    Field("chung_thuc", "Chứng thực", 0.28, 0.0001, 0.90, (1, 2), -0.3, 0.02, 0.45, 0.9),
    Field("lao_dong", "Lao động - Thương binh và Xã hội", 0.10, 0.0008, 0.85, (5, 7, 10),
          0.1, 0.12, 0.35, 1.0),
    Field("moi_truong", "Tài nguyên và Môi trường", 0.04, 0.0020, 0.80, (10, 15), -0.1, 0.20,
          0.25, 1.3),
    Field("giao_duc", "Giáo dục và Đào tạo", 0.04, 0.0004, 0.87, (5, 10), 0.3, 0.05, 0.40, 1.0),
)

#: Published figures the world is calibrated to (city level).
CALIBRATION_TARGETS: dict[str, dict[str, Any]] = {
    "late_rate_2019_H1": {
        "value": 0.0031, "period": ("2019-01", "2019-06"),
        "source": "TP.HCM reported ~0.31% of dossiers resolved late in the first half of 2019",
    },
    "on_time_rate_2024_Q1": {
        "value": 443_915 / 454_821, "period": ("2024-01", "2024-03"),
        "source": "TP.HCM Q1 2024: 443.915/454.821 hồ sơ giải quyết đúng hạn (97,6%)",
    },
    "dissatisfaction_rate_2019": {
        "value": 0.177, "period": ("2019-01", "2019-12"),
        "source": "TP.HCM 2019: about 17.7% of rated dossiers not satisfied",
    },
}


@dataclass(frozen=True)
class WorldParams:
    """Tunable parameters of the simulated world (all documented in ``world.json``).

    Parameters
    ----------
    cohort_rho, cohort_kappa : dict
        Plateau share of late risk removed (on-time) and of the dissatisfaction gap closed
        (satisfaction), by rollout cohort.
    effect_noise_sd : float
        Standard deviation of the log district multiplier of the cohort effects.
    ramp_on_time, ramp_satisfaction : int
        Months of exposure until an effect reaches its plateau.
    district_late_max : float
        District late-risk terms ``delta_d`` are uniform on ``[0, district_late_max]``.
    district_sat_sd : float
        Half-width of the uniform district satisfaction terms ``u_d``.
    delegated_share, delegation_speedup : float
        Share of the procedures of every field delegated (rounded to whole procedures of
        the catalogue) and the factor on their statutory days.
    delegation_start : dict
        Month (``YYYY-MM``) from which each field's delegated procedures are delegated, by
        field code (every code of :data:`FIELDS`; default 2018-01 for all, Resolution
        54/2017/QH14 in force from 2018-01-15).
    delegation_late_reduction, delegation_sat_gain : float
        True effects of delegation on a delegated dossier (default 0, no effect): share of its
        late risk removed (``eta``) and share of its dissatisfaction gap closed (``gamma``),
        both in [0, 1).
    withdrawn_rate, returned_rate : float
        Probability a dossier is withdrawn (rút) or returned (trả lại).
    annual_growth : float
        Yearly growth of the dossier volume.
    online_intercept, online_slope, online_covid_boost, online_rollout_boost : float
        Log-odds of filing online: intercept in 2017-01, slope per year, shift from 2020-04
        and, times the 12-month ramp, after the district's rollout.
    online_full_intercept, online_full_slope, online_full_rollout_boost : float
        Log-odds that an online dossier is handled fully online (toàn trình).
    postal_share : float
        Share of dossiers filed by post (bưu chính công ích).
    rating_start, rating_slope : float
        Share of completed dossiers rated in 2017-01 and its yearly increase.
    """

    cohort_rho: dict[str, float] = field(default_factory=lambda: {
        "2019-01": 0.60, "2019-04": 0.45, "2019-07": 0.35, "2019-10": 0.28, "2020-01": 0.22})
    cohort_kappa: dict[str, float] = field(default_factory=lambda: {
        "2019-01": 0.36, "2019-04": 0.26, "2019-07": 0.20, "2019-10": 0.15, "2020-01": 0.12})
    effect_noise_sd: float = 0.15
    ramp_on_time: int = 24
    ramp_satisfaction: int = 12
    district_late_max: float = 0.0008
    district_sat_sd: float = 0.03
    delegated_share: float = 0.4
    delegation_speedup: float = 0.7
    delegation_start: dict[str, str] = field(default_factory=lambda: {
        f.code: "2018-01" for f in FIELDS})
    delegation_late_reduction: float = 0.0
    delegation_sat_gain: float = 0.0
    withdrawn_rate: float = 0.004
    returned_rate: float = 0.012
    annual_growth: float = 0.04
    online_intercept: float = -3.4
    online_slope: float = 0.36
    online_covid_boost: float = 0.3
    online_rollout_boost: float = 0.7
    online_full_intercept: float = -1.5
    online_full_slope: float = 0.35
    online_full_rollout_boost: float = 0.5
    postal_share: float = 0.025
    rating_start: float = 0.25
    rating_slope: float = 0.03

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a JSON-ready dict."""
        return asdict(self)


def month_index(label: str | pd.Timestamp) -> int:
    """Months since 2000-01 (a linear month counter).

    Examples
    --------
    >>> month_index("2019-04") - month_index("2019-01")
    3
    """
    ts = pd.Timestamp(label)
    return (ts.year - 2000) * 12 + ts.month - 1


def month_label(index: int | np.ndarray) -> str | np.ndarray:
    """Inverse of :func:`month_index` (``YYYY-MM``).

    Examples
    --------
    >>> month_label(month_index("2021-07"))
    '2021-07'
    """
    idx = np.asarray(index)
    years, months = 2000 + idx // 12, idx % 12 + 1
    labels = np.char.add(np.char.add(years.astype(str), "-"), np.char.zfill(months.astype(str), 2))
    return str(labels) if labels.ndim == 0 else labels


def ramp(event_time: np.ndarray, horizon: int) -> np.ndarray:
    """Exposure profile: 0 before the rollout, ``(e + 1) / horizon`` growing to 1.

    Examples
    --------
    >>> ramp(np.array([-1, 0, 11, 30]), 12).tolist()
    [0.0, 0.08333333333333333, 1.0, 1.0]
    """
    e = np.asarray(event_time, dtype="float64")
    return np.where(e < 0, 0.0, np.minimum(1.0, (e + 1.0) / horizon))


def cohort_sizes(vintage: int = 2020) -> dict[str, int]:
    """Number of units per rollout cohort in the 2020 (24 units) or 2021 (22) geography.

    Examples
    --------
    >>> cohort_sizes(2021)["2020-01"]
    1
    """
    units: dict[str, str] = {}
    for d in DISTRICTS:
        code = MERGED_INTO.get(d.code, d.code) if vintage >= 2021 else d.code
        units[code] = d.rollout
    out: dict[str, int] = {}
    for rollout in sorted(set(units.values())):
        out[rollout] = sum(1 for r in units.values() if r == rollout)
    return out


def delegation_months(params: WorldParams) -> np.ndarray:
    """Month index (:func:`month_index`) from which each field's procedures are delegated.

    Parameters
    ----------
    params : WorldParams

    Returns
    -------
    ndarray of int64, shape (len(FIELDS),)
        In the order of :data:`FIELDS`.

    Raises
    ------
    CCHCError
        ``delegation_start`` misses a field, names an unknown one, holds a label that is not
        a ``YYYY-MM`` month, or an effect size is outside [0, 1).

    Examples
    --------
    >>> delegation_months(WorldParams())[:2].tolist() == [month_index("2018-01")] * 2
    True
    """
    codes = [f.code for f in FIELDS]
    starts = dict(params.delegation_start)
    unknown = sorted(set(starts) - set(codes))
    missing = [c for c in codes if c not in starts]
    if unknown or missing:
        raise InvalidArgumentError(f"delegation_start must give a month for every field {codes}; "
                        f"unknown {unknown}, missing {missing}")
    for name in ("delegation_late_reduction", "delegation_sat_gain"):
        value = getattr(params, name)
        if not (isinstance(value, (int, float)) and 0.0 <= float(value) < 1.0):
            raise InvalidArgumentError(f"{name} must be a number in [0, 1), got {value!r}")
    out = []
    for code in codes:
        label = starts[code]
        if not (isinstance(label, str) and len(label) == 7 and label[4] == "-"
                and label[:4].isdigit() and label[5:].isdigit() and 1 <= int(label[5:]) <= 12):
            raise InvalidArgumentError(f"delegation_start[{code!r}] must be a month 'YYYY-MM', "
                            f"got {label!r}")
        out.append(month_index(label))
    return np.asarray(out, dtype=np.int64)


def units_for_year(year: int) -> list[str]:
    """Unit codes of the world in ``year``, checked against :mod:`cchc_research.geo`.

    Raises
    ------
    CCHCError
        The geography layer disagrees with the world's district list or merger.

    Examples
    --------
    >>> len(units_for_year(2020)), len(units_for_year(2021))
    (24, 22)
    """
    from cchc_research.geo import hcmc_districts

    codes = sorted({MERGED_INTO.get(d.code, d.code) if year >= MERGER_DATE.year else d.code
                    for d in DISTRICTS})
    geo_codes = sorted(hcmc_districts(int(year))["geo_code"].astype(str))
    if codes != geo_codes:
        raise SimulationError(
            f"simulated districts for {year} {codes} differ from cchc_research.geo {geo_codes}"
        )
    return codes
