"""Yearly target trajectories ("mỗi năm tiếp theo giảm thêm 1%"): the years and bounds they imply.

Shared by :mod:`cchc_research.sources.seed_facts` (which expands trajectory rows while reading)
and :mod:`cchc_research.sources.targets` (which re-exports both functions); decimal arithmetic
keeps ``0.96 + 3 × 0.01`` exactly ``0.99``. The reading rules are stated in
:mod:`cchc_research.sources.targets`.
"""

from __future__ import annotations

from decimal import Decimal

from cchc_research.errors import InvalidArgumentError

__all__ = ["trajectory_years", "expand_trajectory"]


def trajectory_years(plan_start: int, plan_end: int, signed_year: int) -> list[int]:
    """Years a yearly trajectory covers: from the first plan year not over at signature to the end.

    Examples
    --------
    >>> trajectory_years(2020, 2025, 2021)
    [2021, 2022, 2023, 2024, 2025]
    """
    first = max(plan_start, signed_year)
    return list(range(first, plan_end + 1))


def expand_trajectory(base_value: float, step: float, direction: str, years: list[int], *,
                      comparison: str, valid_range=(0.0, 1.0)) -> list[tuple[int, float, list[str]]]:
    """Bounds of a yearly trajectory: ``base_value`` in ``years[0]``, one ``step`` more each year.

    Parameters
    ----------
    base_value, step : float
        In the indicator's unit (shares: 0.04 and 0.01 for "dưới 4%, mỗi năm … giảm thêm 1%").
    direction : {"up", "down"}
    years : list of int
    comparison : str
        The target's comparison; decides when a bound is infeasible.
    valid_range : (float, float)
        The indicator's valid range; bounds are clipped to it.

    Returns
    -------
    list of (year, value, flags)

    Raises
    ------
    InvalidArgumentError
        ``direction`` is neither ``"up"`` nor ``"down"``.

    Examples
    --------
    >>> [(y, v, f) for y, v, f in expand_trajectory(0.04, 0.01, "down", [2021, 2022, 2025], comparison="<")]
    [(2021, 0.04, []), (2022, 0.03, []), (2025, 0.0, ['infeasible_target'])]
    """
    if direction not in ("up", "down"):
        raise InvalidArgumentError(f"direction must be 'up' or 'down', not {direction!r}")
    sign = 1 if direction == "up" else -1
    lo, hi = valid_range if valid_range is not None else (None, None)
    out = []
    for year in years:
        k = year - years[0]
        value = float(Decimal(str(base_value)) + sign * k * Decimal(str(step)))
        flags: list[str] = []
        if lo is not None and (value < lo or (value == lo and comparison == "<")):
            value, flags = float(lo), ["infeasible_target"]
        if hi is not None and (value > hi or (value == hi and comparison == ">")):
            value, flags = float(hi), ["infeasible_target"]
        out.append((year, value, flags))
    return out
