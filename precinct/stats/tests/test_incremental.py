import datetime
import logging

import pytest
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext

from precinct.eservices.models import DossierEvent, Procedure
from precinct.eservices.services import dossier_mark_overdue, dossier_submit
from precinct.payments.models import PaymentRequest
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
from precinct.stats.tests.conftest import FORMS, act, pay_settle, pay_start

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
    fees = MonthlyStat.objects.aggregate(billed=Sum("billed_count"), paid=Sum("paid_count"), vnd=Sum("paid_vnd"))
    requests = PaymentRequest.objects.exclude(status="cancelled")
    assert fees["billed"] == requests.count() and fees["paid"] == requests.filter(status="paid").count() >= 8
    assert fees["vnd"] == sum(requests.filter(status="paid").values_list("amount_vnd", flat=True))
    # The walk reached the cases that can go wrong: fees paid then transferred with their dossier, paid only
    # after the dossier closed (cancelled, then paid), billed by an action (not only on submission).
    paid = list(PaymentRequest.objects.filter(status="paid").select_related("dossier"))
    transfers = DossierEvent.objects.filter(action="transfer")
    assert sum(transfers.filter(dossier=r.dossier, at__gt=r.paid_at).exists() for r in paid) >= 2
    assert any(r.dossier.completed_at and r.paid_at > r.dossier.completed_at for r in paid)
    assert any(r.purpose == "approve" for r in paid)
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


def _fees(unit) -> tuple[int, int, int]:
    row = MonthlyStat.objects.filter(unit_id=unit.pk).aggregate(
        billed=Sum("billed_count"), paid=Sum("paid_count"), vnd=Sum("paid_vnd")
    )
    return (row["billed"] or 0, row["paid"] or 0, row["vnd"] or 0)


def _submit(world, code: str, unit):
    return dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code=code),
        form_data=FORMS[code],
        unit_code=unit.code,
    )


def test_a_paid_fee_moves_with_its_dossier_and_a_late_payment_still_counts(world, catalogue, signing_keys):
    dossier = _submit(world, "CT-03", world.ward_a)  # 15,000 VND, billed on submission
    stats_fold()
    assert _fees(world.ward_a) == (1, 0, 0)
    pay_settle(pay_start(dossier))
    stats_fold()
    assert _fees(world.ward_a) == (1, 1, 15000)
    act(world, dossier, "transfer")  # to ward B, which the rebuild counts it under from now on
    stats_fold()
    assert (_fees(world.ward_a), _fees(world.ward_b)) == ((0, 0, 0), (1, 1, 15000))

    late = _submit(world, "CT-03", world.ward_a)
    started = pay_start(late)
    act(world, late, "withdraw")  # closed: the unpaid fee is cancelled and no longer counts as billed
    stats_fold()
    assert _fees(world.ward_a) == (0, 0, 0)
    pay_settle(started)  # the provider confirms afterwards: the money moved, so it is paid and counted
    assert PaymentRequest.objects.get(dossier=late).status == "paid"
    stats_fold()
    assert _fees(world.ward_a) == (1, 1, 15000)

    incremental = snapshot()
    stats_rebuild()
    assert snapshot() == incremental


def test_fees_add_no_statement_to_a_submission_or_a_move(world, catalogue, signing_keys):
    """A submission writes its deltas in one INSERT, with the fee it bills; so does a move that bills or
    cancels a fee; statistics read nothing there."""
    with CaptureQueriesContext(connection) as submitted:
        dossier = _submit(world, "CT-03", world.ward_a)
    stats_sql = [q["sql"] for q in submitted.captured_queries if "stats_" in q["sql"]]
    assert len(stats_sql) == 1 and stats_sql[0].startswith("INSERT INTO stats_statdelta")
    assert StatDelta.objects.filter(billed_count=1, received=1).count() == 1  # the fee went into the same row
    with CaptureQueriesContext(connection) as withdrawn:
        act(world, dossier, "withdraw")  # cancels the fee
    stats_sql = [q["sql"] for q in withdrawn.captured_queries if "stats_" in q["sql"]]
    assert len(stats_sql) == 1 and stats_sql[0].startswith("INSERT INTO stats_statdelta")
    assert StatDelta.objects.filter(billed_count=-1).count() == 1


def test_an_overdue_mark_is_not_counted_as_a_move(world, catalogue, caplog):
    """The mark changes no summary (open dossiers are counted by due date) and comes without the
    dossier_transition_checking a move sends first: statistics neither write nor complain."""
    dossier = _submit(world, "CT-06", world.ward_a)
    deltas = StatDelta.objects.count()
    with caplog.at_level(logging.ERROR, logger="precinct.stats"):
        assert dossier_mark_overdue(dossier=dossier, today=dossier.due_date + datetime.timedelta(days=30))
    assert StatDelta.objects.count() == deltas and not caplog.records
    stats_fold()
    incremental = snapshot()
    stats_rebuild()
    assert snapshot() == incremental
