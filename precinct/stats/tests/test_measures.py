"""The statistics' registered measures (core.measures, docs/adr/0016) against dossiers submitted and moved
through the real services, folded, and counted one at a time in Python."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from precinct.core.errors import NotFound
from precinct.core.measures import Grain, MeasureUnit, measure_get, measure_value, measures, register
from precinct.stats.folding import stats_fold
from precinct.stats.selectors import add_months
from precinct.stats.tests.conftest import act, citizens, submit
from precinct.stats.tests.test_reports import direct_count

pytestmark = pytest.mark.django_db

KEYS = {
    "stats.dossiers_received": MeasureUnit.COUNT,
    "stats.dossiers_resolved": MeasureUnit.COUNT,
    "stats.share_on_time": MeasureUnit.PERCENT,
    "stats.share_received_online": MeasureUnit.PERCENT,
    "stats.share_resolved_online": MeasureUnit.PERCENT,
    "stats.average_resolve_days": MeasureUnit.DAYS,
}
TO_THE_END = ("receive", "start_review", "approve", "issue_result", "complete")


def share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def small_world(world, catalogue, signing_keys):
    """Twelve dossiers at the two wards and the department, over this month and the two before: some resolved
    early, some late (submitted weeks ago, resolved today), one refused, one returned, some still open; two
    entered at the counter."""
    random.seed(12)  # `submit` picks the ward at random
    people = citizens(3)
    plan = [
        ("CT-06", 0, "online", TO_THE_END),
        ("CT-06", 1, "online", TO_THE_END),
        ("CT-06", 2, "counter", TO_THE_END),
        ("CT-06", 40, "online", TO_THE_END),  # late: resolved today, weeks after its due date
        ("CT-06", 45, "counter", TO_THE_END),
        ("CT-06", 70, "online", ("receive", "start_review", "refuse")),
        ("CT-06", 3, "online", ("return_incomplete",)),
        ("CT-06", 5, "online", ("receive",)),
        ("CT-06", 50, "online", ()),  # open and overdue
        ("CD-01", 1, "online", ()),
        ("CD-01", 35, "online", ("receive", "start_review")),
        ("CT-06", 20, "post", ()),
    ]
    dossiers = []
    for i, (code, days_ago, channel, actions) in enumerate(plan):
        dossier = submit(world, people[i % 3], code, days_ago=days_ago, channel=channel)
        for action in actions:
            dossier.refresh_from_db()
            act(world, dossier, action)
        dossiers.append(dossier)
    stats_fold()
    return dossiers


def whole_months(back: int) -> tuple[datetime.date, datetime.date]:
    """From the first day of the month `back` months ago to the last day of this month."""
    this_month = timezone.localdate().replace(day=1)
    return add_months(this_month, -back), add_months(this_month, 1) - datetime.timedelta(days=1)


def test_each_measure_is_the_figure_counted_one_dossier_at_a_time(world, small_world):
    figures: dict[str, set[Any]] = {key: set() for key in KEYS}
    for unit in (world.province, world.ward_a, world.ward_b, world.department):
        for back in (0, 1, 3):
            start, end = whole_months(back)
            c = direct_count(unit.path, start, end.replace(day=1))
            on_time = c["resolved_early"] + c["resolved_on_time"]
            expected = {
                "stats.dossiers_received": c["received"],
                "stats.dossiers_resolved": c["resolved"],
                "stats.share_on_time": share(on_time, c["resolved"]),
                "stats.share_received_online": share(c["received_online"], c["received"]),
                "stats.share_resolved_online": share(c["resolved_online"], c["resolved"]),
                "stats.average_resolve_days": (
                    (Decimal(c["days"]) / c["resolved"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                    if c["resolved"]
                    else None
                ),
            }
            for key, value in expected.items():
                got = measure_value(key, unit_path=unit.path, start=start, end=end)
                assert got == value, (key, unit.code, back)
                assert type(got) is type(value), (key, unit.code, back)
                figures[key].add(got)
    # The world is not trivial: figures vary, some shares lie strictly between 0 and 100, some have no value.
    assert max(figures["stats.dossiers_received"]) == 12 and max(figures["stats.dossiers_resolved"]) == 6
    for key in ("stats.share_on_time", "stats.share_received_online", "stats.share_resolved_online"):
        assert any(v is not None and 0 < v < 100 for v in figures[key]), key
    assert None in figures["stats.share_on_time"]
    assert any(v is not None and v > 0 for v in figures["stats.average_resolve_days"])


def test_the_statistics_register_their_measures_with_labels_in_both_languages():
    registered = {m.key: m for m in measures()}
    assert {key: registered[key].unit for key in KEYS} == KEYS
    assert all(registered[key].grain == Grain.MONTH for key in KEYS)
    with translation.override("vi"):
        assert str(measure_get("stats.share_on_time").label) == "Tỷ lệ hồ sơ giải quyết trước và đúng hạn"
    with translation.override("en"):
        assert str(measure_get("stats.share_on_time").label) == "Share of dossiers resolved early or on time"


def test_a_key_stats_registered_cannot_be_registered_again():
    with pytest.raises(ValueError, match="already registered"):
        register("stats.dossiers_received", label="x", unit=MeasureUnit.COUNT, function=lambda *_a: 0)
    assert measure_get("stats.dossiers_received").unit == MeasureUnit.COUNT


def test_a_path_that_is_no_unit_and_a_part_of_a_month_are_refused(world):
    start, end = whole_months(0)
    with pytest.raises(NotFound):
        measure_value("stats.dossiers_received", unit_path="99/nowhere/", start=start, end=end)
    with pytest.raises(ValueError, match="whole months"):
        measure_value("stats.dossiers_received", unit_path=world.province.path, start=start, end=start)
    assert measure_value("stats.dossiers_received", unit_path=world.province.path, start=start, end=end) == 0
    assert measure_value("stats.share_on_time", unit_path=world.province.path, start=start, end=end) is None
