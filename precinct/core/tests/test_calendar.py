import datetime
import random

import holidays
import pytest

from precinct.core.calendar import LOCAL_TZ, WorkingCalendar, calendar, calendar_reset
from precinct.core.models import ExtraDayOff

CAL = WorkingCalendar(first_year=2000, last_year=2032, extra_days_off=frozenset())


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LOCAL_TZ)


def test_acceptance_examples():
    assert CAL.due_date(at(2026, 11, 23, 10, 0), 3) == (datetime.date(2026, 11, 23), datetime.date(2026, 11, 27))
    assert CAL.due_date(at(2027, 2, 5, 10, 0), 3) == (datetime.date(2027, 2, 11), datetime.date(2027, 2, 16))


def test_after_the_cutoff_counts_from_the_next_working_day():
    assert CAL.received_on(at(2026, 11, 23, 16, 59)) == datetime.date(2026, 11, 23)
    assert CAL.received_on(at(2026, 11, 23, 17, 0)) == datetime.date(2026, 11, 25)  # 24th is a holiday
    assert CAL.received_on(at(2026, 11, 23, 16, 0), cutoff=datetime.time(15, 30)) == datetime.date(2026, 11, 25)
    # Given in UTC: 10:30 UTC is 17:30 in Hà Nội, after the cut-off.
    utc = datetime.datetime(2026, 11, 23, 10, 30, tzinfo=datetime.UTC)
    assert CAL.received_on(utc) == datetime.date(2026, 11, 25)


def test_make_up_working_saturday_counts():
    # The `holidays` package lists 22 August 2026 as a working Saturday (swapped for 31 August).
    vn = holidays.country_holidays("VN", years=2026)
    assert datetime.date(2026, 8, 22) in vn.weekend_workdays
    assert CAL.is_working_day(datetime.date(2026, 8, 22))
    assert not CAL.is_working_day(datetime.date(2026, 8, 31))


def test_matches_a_day_by_day_count_on_the_holidays_package():
    vn = holidays.country_holidays("VN", years=range(2020, 2031))
    rng = random.Random(7)
    for _ in range(300):
        start = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
        n = rng.randrange(1, 30)
        day, counted = start, 0
        while counted < n:
            day += datetime.timedelta(days=1)
            counted += vn.is_working_day(day)
        assert CAL.add_working_days(start, n) == day, (start, n)
        assert CAL.working_days_between(start, day) == n


def test_extra_days_off_move_deadlines():
    off = WorkingCalendar(2000, 2032, frozenset({datetime.date(2026, 11, 25)}))
    assert off.due_date(at(2026, 11, 23, 10), 3)[1] == datetime.date(2026, 11, 30)


@pytest.mark.django_db
def test_the_process_calendar_includes_the_provinces_extra_days_off(settings):
    calendar_reset()
    assert calendar().is_working_day(datetime.date(2026, 11, 25))
    ExtraDayOff.objects.create(
        province_code=f"{settings.PRECINCT_PROVINCE_CODE:02d}", day=datetime.date(2026, 11, 25), reason="Bão"
    )
    calendar_reset()
    assert not calendar().is_working_day(datetime.date(2026, 11, 25))
    calendar_reset()


def test_outside_the_span_is_an_error_not_a_wrong_answer():
    with pytest.raises(ValueError):
        CAL.add_working_days(datetime.date(1999, 1, 1), 3)
