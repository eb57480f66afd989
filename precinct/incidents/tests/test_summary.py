"""The crime statistics read whole months from the monthly summary the services keep, and the days at the
period's edges from the register: the figures must equal the register's own, whatever moved in between."""

import datetime

from django.utils import timezone

from precinct.incidents import selectors, services
from precinct.incidents.models import IncidentMonthStat
from precinct.incidents.summary import summary_rebuild
from precinct.incidents.tests.conftest import record

TZ = datetime.timezone(datetime.timedelta(hours=7))


def _case(world, incident, actor="officer_a"):
    return services.incident_transition(
        actor=world.user(actor),
        incident=incident,
        status="case_opened",
        case_number=f"{incident.pk}/QĐ",
        case_opened_on=timezone.localdate(incident.received_at),
        investigating_unit=world.department,
    )


def _figures(stats):
    return (
        stats.incidents,
        stats.crimes,
        stats.solved,
        [(g.code, g.crimes, g.solved) for g in stats.groups],
        sorted((a["article"], a["crimes"], a["solved"]) for a in stats.articles),
        sorted((w["code"], w["crimes"], w["solved"]) for w in stats.wards),
        stats.months,
    )


def test_summary_and_register_agree_over_whole_months_and_edges(world):
    leader = world.user("leader_a")
    # Across three months, at local midnight edges: 31 Jan 23:30 local is January, 1 Feb 00:10 is February.
    times = [
        datetime.datetime(2025, 1, 5, 9, tzinfo=TZ),
        datetime.datetime(2025, 1, 31, 23, 30, tzinfo=TZ),
        datetime.datetime(2025, 2, 1, 0, 10, tzinfo=TZ),
        datetime.datetime(2025, 2, 14, 12, tzinfo=TZ),
        datetime.datetime(2025, 3, 3, 8, tzinfo=TZ),
        datetime.datetime(2025, 3, 30, 20, tzinfo=TZ),
    ]
    incidents = [record(world, received_at=t, article=("173", "251", "134")[i % 3]) for i, t in enumerate(times)]
    for incident in incidents[:5]:
        _case(world, incident)
    services.incident_transition(actor=leader, incident=incidents[0], status="solved")
    services.incident_transition(actor=leader, incident=incidents[3], status="suspended")
    services.incident_transition(actor=leader, incident=incidents[3], status="case_opened")  # resumed
    services.incident_transition(actor=leader, incident=incidents[3], status="solved")
    services.incident_classify(
        actor=leader, incident=incidents[1], classification="crime", article="255"
    )  # drugs, still
    services.incident_classify(
        actor=leader, incident=incidents[4], classification="crime", article="290"
    )  # → high-tech
    services.incident_transition(actor=leader, incident=incidents[5], status="not_a_crime")
    other = record(world, actor="officer_b", unit=world.ward_b, received_at=times[2])
    _case(world, other, actor="officer_b")
    record(world, classification="administrative", article="", received_at=times[3])
    for unit in (world.province, world.ward_a, world.ward_b):
        for start, end in (
            (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),  # whole months only
            (datetime.date(2025, 1, 20), datetime.date(2025, 3, 10)),  # edges on both sides
            (datetime.date(2025, 2, 1), datetime.date(2025, 2, 1)),  # one day
            (datetime.date(2025, 1, 31), datetime.date(2025, 2, 28)),  # one edge day, then a whole month
        ):
            summary = selectors.crime_figures(unit, start, end)
            raw = selectors.crime_figures_raw(unit, start, end)
            assert _figures(summary) == _figures(raw), (unit.code, start, end)
    whole = selectors.crime_figures(world.province, datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    assert (whole.incidents, whole.crimes, whole.solved) == (8, 6, 2)
    assert whole.group("high_tech").crimes == 1 and whole.group("drugs").crimes == 1  # 251 → 290 moved one
    # What the services kept equals a recount from the register.
    kept = sorted(
        IncidentMonthStat.objects.values_list(
            "unit_id", "month", "crime_group", "article", "incidents", "crimes", "solved"
        )
    )
    kept = [row for row in kept if row[4] or row[5] or row[6]]
    summary_rebuild()
    rebuilt = sorted(
        IncidentMonthStat.objects.values_list(
            "unit_id", "month", "crime_group", "article", "incidents", "crimes", "solved"
        )
    )
    assert kept == rebuilt
