import pytest
from django.db.models import Q

from precinct.stats.folding import stats_fold
from precinct.stats.models import (
    COUNTERS,
    MonthlyStat,
    OpenStat,
    ResolveDaysStat,
    StatDelta,
    UnitDaysStat,
    UnitMonthlyStat,
)
from precinct.stats.rebuild import stats_rebuild
from precinct.stats.tests.conftest import act

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, set[tuple]]:
    nonzero = Q()
    for column in COUNTERS:
        nonzero |= ~Q(**{column: 0})
    return {
        "monthly": set(
            MonthlyStat.objects.filter(nonzero).values_list(
                "month", "unit_id", "procedure_id", "field_id", "channel", *COUNTERS
            )
        ),
        "open": set(
            OpenStat.objects.exclude(n=0).values_list("unit_id", "procedure_id", "field_id", "due_date", "paused", "n")
        ),
        "unit_monthly": set(
            UnitMonthlyStat.objects.filter(nonzero).values_list("month", "unit_id", "channel", *COUNTERS)
        ),
        "unit_days": set(UnitDaysStat.objects.exclude(n=0).values_list("month", "unit_id", "days", "n")),
        "days": set(
            ResolveDaysStat.objects.exclude(n=0).values_list(
                "month", "unit_id", "procedure_id", "field_id", "days", "n"
            )
        ),
    }


def test_incremental_figures_equal_rebuilt_ones_after_random_transitions(many_dossiers):
    assert StatDelta.objects.exists()  # submissions and moves only wrote deltas
    assert not MonthlyStat.objects.exists()
    folded = stats_fold(batch=37)  # several batches
    assert folded > 60 and not StatDelta.objects.exists()
    incremental = snapshot()
    statuses = {d.status for d in many_dossiers}
    assert len(statuses) >= 5, statuses  # the walk reached many states: the comparison means something
    stats_rebuild()
    rebuilt = snapshot()
    assert incremental == rebuilt
    assert sum(row[5] for row in rebuilt["monthly"]) == len(many_dossiers)  # received
    assert sum(row[-2] for row in rebuilt["monthly"]) >= 4  # ratings were counted too
    for dossier in many_dossiers:
        dossier.refresh_from_db()
    assert sum(row[5] for row in rebuilt["open"]) == sum(1 for d in many_dossiers if not d.is_closed)


def test_changes_after_a_rebuild_fold_onto_it(world, many_dossiers):
    stats_rebuild()
    open_ones = [d for d in many_dossiers if "withdraw" in _moves(d)][:5]
    assert open_ones
    for dossier in open_ones:
        act(world, dossier, "withdraw")
    stats_fold()
    incremental = snapshot()
    stats_rebuild()
    assert snapshot() == incremental


def _moves(dossier) -> list[str]:
    from precinct.eservices.services import allowed_actions

    dossier.refresh_from_db()
    return allowed_actions(dossier.applicant, dossier)
