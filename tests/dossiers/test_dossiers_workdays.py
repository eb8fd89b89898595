"""Working-day calendar: Tết 2024, substituted days off, make-up days, due-date derivation.

Hand counts (2024): Tết Giáp Thìn days off are Thu 8/2 - Wed 14/2 (29 Tết to mùng 5,
incl. the weekend 10-11/2). For 30/4-1/5 the government swapped Monday 29/4 (off) with
Saturday 4/5 (worked).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from cchc_research.dossiers.workdays import (
    DEFAULT_CALENDAR,
    WorkCalendar,
    add_working_days,
    calendar_table,
    is_working_day,
    working_days_between,
)
from cchc_research.errors import DataError


@pytest.mark.parametrize("day", [8, 9, 10, 11, 12, 13, 14])
def test_tet_2024_days_are_off(day):
    assert not is_working_day(date(2024, 2, day))


@pytest.mark.parametrize("day", [5, 6, 7, 15, 16, 19])
def test_days_around_tet_2024_are_working(day):
    assert is_working_day(date(2024, 2, day))


def test_working_days_across_tet_2024_hand_counted():
    # after Wed 7/2 up to Thu 15/2: 8-14 off, 15 worked -> 1
    assert working_days_between(date(2024, 2, 7), date(2024, 2, 15)) == 1
    # after Fri 2/2 up to Mon 19/2: 5, 6, 7 | 15, 16 | 19 -> 6
    assert working_days_between(date(2024, 2, 2), date(2024, 2, 19)) == 6
    # a dossier received on a Tết day and resolved the first day back
    assert working_days_between(date(2024, 2, 12), date(2024, 2, 15)) == 1
    assert working_days_between(date(2024, 2, 15), date(2024, 2, 7)) == -1


def test_same_day_and_time_of_day_ignored():
    assert working_days_between("2024-03-15 08:00", "2024-03-15 17:00") == 0
    assert working_days_between("2024-03-15 17:00", "2024-03-18 08:00") == 1  # Fri -> Mon


def test_substituted_day_off_and_makeup_saturday_2024():
    assert not is_working_day(date(2024, 4, 29))  # Monday off (substituted)
    assert not is_working_day(date(2024, 4, 30))
    assert not is_working_day(date(2024, 5, 1))
    assert is_working_day(date(2024, 5, 4))  # Saturday worked instead
    assert not is_working_day(date(2024, 5, 5))
    # after Fri 26/4 up to Mon 6/5: 2/5, 3/5, 4/5 (Sat), 6/5 -> 4
    assert working_days_between(date(2024, 4, 26), date(2024, 5, 6)) == 4


def test_package_substitutions_can_be_switched_off():
    cal = WorkCalendar(package_substitutions=False)
    assert not cal.is_working_day(date(2024, 5, 4))
    assert working_days_between(date(2024, 4, 26), date(2024, 5, 6), cal) == 3


def test_configured_makeup_day_and_extra_day_off():
    cal = WorkCalendar(makeup_days=[date(2024, 2, 17)], extra_days_off=[date(2024, 2, 16)])
    assert cal.is_working_day(date(2024, 2, 17))  # a Saturday declared a make-up day
    assert not cal.is_working_day(date(2024, 2, 16))
    # after 7/2 up to 19/2: 15, 17, 19 -> 3 (default calendar: 15, 16, 19 -> 3 as well)
    assert working_days_between(date(2024, 2, 7), date(2024, 2, 19), cal) == 3
    assert add_working_days(date(2024, 2, 7), 2, cal) == date(2024, 2, 17)
    assert add_working_days(date(2024, 2, 7), 2) == date(2024, 2, 16)


def test_conflicting_configuration_raises():
    with pytest.raises(DataError, match="both a make-up day and a day off"):
        WorkCalendar(makeup_days=[date(2024, 2, 17)], extra_days_off=[date(2024, 2, 17)])


def test_add_working_days_across_tet_and_inverse():
    assert add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 15)
    assert add_working_days(date(2024, 2, 6), 3) == date(2024, 2, 16)  # 7, 15, 16
    assert add_working_days(date(2024, 2, 10), 0) == date(2024, 2, 10)
    rng = np.random.default_rng(7)
    for offset, n in zip(rng.integers(0, 3000, 40), rng.integers(0, 60, 40)):
        start = date(2017, 1, 1) + pd.Timedelta(days=int(offset))
        assert working_days_between(start, add_working_days(start, int(n))) == n


def test_add_working_days_rejects_negative_and_out_of_range():
    with pytest.raises(DataError, match=">= 0"):
        add_working_days(date(2024, 2, 7), -1)
    with pytest.raises(DataError, match="outside the working-day calendar"):
        working_days_between(date(1980, 1, 1), date(2024, 1, 1))


def test_calendar_table_consistent_with_scalar_functions():
    table = calendar_table()
    window = table[(table["date"] >= "2024-01-01") & (table["date"] <= "2024-12-31")]
    flags = [is_working_day(d) for d in window["date"]]
    assert window["is_working"].tolist() == flags
    # 2024: 366 days, 104 weekend days, holidays on weekdays: 1/1, 8-9/2, 12-14/2, 18/4,
    # 29/4, 30/4, 1/5, 2/9, 3/9 = 12; plus the make-up Saturday 4/5 -> 366 - 104 - 12 + 1
    assert int(window["is_working"].sum()) == 251
    assert table["work_index"].diff().dropna().isin([0, 1]).all()


def test_vectorized_lookup_matches_scalar():
    dates = pd.Series(pd.to_datetime(["2024-02-07 10:00", "2024-02-15 00:00", None]))
    idx = DEFAULT_CALENDAR.work_index(dates)
    assert idx[1] - idx[0] == 1
    assert np.isnan(idx[2])
