"""Working days on Vietnam's calendar, and legal deadlines counted in them.

Vietnam's public holidays, swapped days off and make-up working Saturdays come from the `holidays`
package (never hard-coded here); weekends are Saturday and Sunday; a province may add extra days
off (`ExtraDayOff`). The calendar precomputes the working days of a span of years as a sorted
array of day ordinals, so a deadline is two binary searches.

Rules:
- A dossier received on a non-working day, or at/after the cut-off hour (local time), counts as
  received on the next working day.
- It is due on the N-th working day after the day it counts as received.
"""

import bisect
import datetime
import threading
import time
import zoneinfo
from dataclasses import dataclass
from functools import cached_property

import holidays
from django.conf import settings

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_CUTOFF = datetime.time(17, 0)
# How long a process trusts its calendar before checking whether extra days off changed.
RELOAD_CHECK_SECONDS = 60


@dataclass(frozen=True)
class WorkingCalendar:
    first_year: int
    last_year: int
    extra_days_off: frozenset[datetime.date]

    @cached_property
    def _working_ordinals(self) -> list[int]:
        national = holidays.country_holidays("VN", years=range(self.first_year, self.last_year + 1))
        day = datetime.date(self.first_year, 1, 1)
        end = datetime.date(self.last_year, 12, 31)
        ordinals = []
        while day <= end:
            if day not in self.extra_days_off and national.is_working_day(day):
                ordinals.append(day.toordinal())
            day += datetime.timedelta(days=1)
        return ordinals

    def _check(self, day: datetime.date) -> None:
        if not self.first_year <= day.year <= self.last_year - 1:
            raise ValueError(f"{day} is outside the calendar's span ({self.first_year}–{self.last_year - 1})")

    def is_working_day(self, day: datetime.date) -> bool:
        self._check(day)
        ordinals = self._working_ordinals
        i = bisect.bisect_left(ordinals, day.toordinal())
        return i < len(ordinals) and ordinals[i] == day.toordinal()

    def next_working_day(self, day: datetime.date, *, inclusive: bool = True) -> datetime.date:
        """The first working day on or after `day` (strictly after it when not inclusive)."""
        self._check(day)
        ordinals = self._working_ordinals
        find = bisect.bisect_left if inclusive else bisect.bisect_right
        return datetime.date.fromordinal(ordinals[find(ordinals, day.toordinal())])

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (`day` itself is not counted; n=0 gives `day`)."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return day
        self._check(day)
        ordinals = self._working_ordinals
        return datetime.date.fromordinal(ordinals[bisect.bisect_right(ordinals, day.toordinal()) + n - 1])

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]: how many of a deadline's days have passed from start to end."""
        ordinals = self._working_ordinals
        return bisect.bisect_right(ordinals, end.toordinal()) - bisect.bisect_right(ordinals, start.toordinal())

    def received_on(self, received_at: datetime.datetime, *, cutoff: datetime.time = DEFAULT_CUTOFF) -> datetime.date:
        """The working day a submission counts as received on."""
        local = received_at.astimezone(LOCAL_TZ) if received_at.tzinfo else received_at
        day = local.date()
        if self.is_working_day(day) and local.time() < cutoff:
            return day
        return self.next_working_day(day, inclusive=False)

    def due_date(
        self, received_at: datetime.datetime, working_days: int, *, cutoff: datetime.time = DEFAULT_CUTOFF
    ) -> tuple[datetime.date, datetime.date]:
        """(the day it counts as received, the day it is due)."""
        start = self.received_on(received_at, cutoff=cutoff)
        return start, self.add_working_days(start, working_days)


_lock = threading.Lock()
_current: WorkingCalendar | None = None
_checked_at = 0.0
_version: str | None = None


def _extra_days_version() -> str:
    from precinct.core.models import ExtraDayOff

    rows = ExtraDayOff.objects.filter(province_code=_province())
    latest = rows.order_by("-created_at").values_list("created_at", flat=True).first()
    return f"{rows.count()}:{latest}"


def _province() -> str:
    return f"{settings.PRECINCT_PROVINCE_CODE:02d}"


def _build() -> WorkingCalendar:
    from precinct.core.models import ExtraDayOff

    this_year = datetime.date.today().year
    days = frozenset(ExtraDayOff.objects.filter(province_code=_province()).values_list("day", flat=True))
    return WorkingCalendar(first_year=2000, last_year=this_year + 6, extra_days_off=days)


def calendar() -> WorkingCalendar:
    """The process's calendar; rebuilt when the province's extra days off change (checked each minute)."""
    global _current, _checked_at, _version
    now = time.monotonic()
    if _current is not None and now - _checked_at < RELOAD_CHECK_SECONDS:
        return _current
    with _lock:
        version = _extra_days_version()
        if _current is None or version != _version:
            _current, _version = _build(), version
            _ = _current._working_ordinals  # build now, not inside a request's hot path later
        _checked_at = now
        return _current


def calendar_reset() -> None:
    """Forget the calendar at once (after this process changed the extra days off)."""
    global _current, _checked_at
    with _lock:
        _current, _checked_at = None, 0.0
