"""Due-date computations per second in one process (target: at least 200,000)."""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from precinct.core.calendar import LOCAL_TZ, WorkingCalendar


def main() -> None:
    cal = WorkingCalendar(first_year=2000, last_year=2032, extra_days_off=frozenset())
    start = time.perf_counter()
    _ = cal.add_working_days(datetime.date(2026, 1, 1), 1)
    print(f"calendar build (2000-2032): {(time.perf_counter() - start) * 1000:.0f} ms")
    base = datetime.datetime(2026, 1, 1, 8, 0, tzinfo=LOCAL_TZ)
    inputs = [(base + datetime.timedelta(hours=3 * i), 1 + i % 30) for i in range(10_000)]
    n = 0
    start = time.perf_counter()
    for _ in range(30):
        for received_at, days in inputs:
            cal.due_date(received_at, days)
        n += len(inputs)
    elapsed = time.perf_counter() - start
    print(f"due_date(received_at, N): {n / elapsed:,.0f} computations/s ({n} over varied dates and N)")


if __name__ == "__main__":
    main()
