"""The one date and time helper: dd/mm/yyyy and 24-hour local time, whatever the language and the clock."""

import datetime

from django.template import Context, Template
from django.utils import translation

from precinct.core.formats import format_date, format_datetime, format_month, format_time, format_value

UTC = datetime.UTC
# 17:30 UTC on 1 December is 00:30 on 2 December in Hanoi: the local date, not the server's.
LATE_EVENING_UTC = datetime.datetime(2026, 12, 1, 17, 30, 5, tzinfo=UTC)


def test_dates_and_times_are_local_day_first_and_24_hour():
    assert format_date(datetime.date(2026, 12, 10)) == "10/12/2026"
    assert format_date(LATE_EVENING_UTC) == "02/12/2026"
    assert format_datetime(LATE_EVENING_UTC) == "02/12/2026 00:30"
    assert format_datetime(LATE_EVENING_UTC, seconds=True) == "02/12/2026 00:30:05"
    assert format_datetime(datetime.datetime(2026, 12, 2, 12, 59, tzinfo=UTC)) == "02/12/2026 19:59"
    assert format_time(datetime.time(9, 5)) == "09:05" and format_time(LATE_EVENING_UTC) == "00:30"
    assert format_month(datetime.date(2026, 3, 1)) == "03/2026" and format_month("2026-11") == "11/2026"


def test_form_values_stored_as_iso_text_print_like_every_other_date():
    assert format_date("2026-12-10") == "10/12/2026"
    assert format_value("2026-12-10") == "10/12/2026"
    assert format_value("Hạ Long") == "Hạ Long" and format_value(3) == 3
    assert format_date(None) == "" and format_date(None, empty="—") == "—"
    assert format_datetime("2026-12-01T17:30:00+00:00") == "02/12/2026 00:30"


def test_template_filters_are_builtin_and_the_same_in_english():
    template = Template("{{ d|as_date }} · {{ t|as_datetime }} · {{ v|as_value }} · {{ n|as_date|default:'—' }}")
    context = Context({"d": datetime.date(2026, 1, 5), "t": LATE_EVENING_UTC, "v": "2026-12-10", "n": None})
    for language in ("vi", "en"):
        with translation.override(language):
            assert template.render(context) == "05/01/2026 · 02/12/2026 00:30 · 10/12/2026 · —"
