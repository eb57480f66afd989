import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.core.calendar import LOCAL_TZ
from precinct.devdata.dossiers import generate_dossiers
from precinct.eservices.codes import dossier_code
from precinct.eservices.models import CLOSED_STATUSES, Dossier, DossierCodeSequence, DossierRating, Procedure
from precinct.eservices.services import dossier_submit
from precinct.organisation.models import Unit
from precinct.payments.models import PaymentRequest
from precinct.stats.models import MonthlyStat
from precinct.stats.rebuild import stats_rebuild

pytestmark = pytest.mark.django_db


def test_generated_dossiers_are_realistic_and_fit_with_live_ones(world, catalogue):
    result = generate_dossiers(count=3000, years=2, seed=7, batch=1000, progress=lambda _m: None)
    assert result["dossiers"] == Dossier.objects.count() == 3000
    dossiers = list(Dossier.objects.select_related("version"))
    assert len({d.code for d in dossiers}) == 3000
    # Codes in eservices' own format: the receiving unit's code, the day of submission, the day's sequence.
    units = {u.pk: u.code for u in Unit.objects.all()}
    for d in dossiers:
        sequence = int(d.code.rsplit("-", 1)[1])
        assert d.code == dossier_code(units[d.unit_id], d.submitted_at.astimezone(LOCAL_TZ).date(), sequence)
    online = sum(d.channel == "online" for d in dossiers) / 3000
    assert online > 0.99
    closed = [d for d in dossiers if d.status in CLOSED_STATUSES]
    assert all(d.completed_at is not None and d.completed_at > d.submitted_at for d in closed)
    assert all(d.completed_at is None for d in dossiers if d.status not in CLOSED_STATUSES)
    late = [d for d in closed if d.status == "done" and d.completed_at.astimezone(LOCAL_TZ).date() > d.due_date]
    assert 0 < len(late) < 0.05 * len(closed)
    assert {d.unit_id for d in dossiers} >= {world.ward_a.pk, world.ward_b.pk, world.department.pk}
    today = timezone.localdate()
    assert all(d.submitted_at.astimezone(LOCAL_TZ).date() < today for d in dossiers)
    assert DossierRating.objects.filter(dossier__status="done").count() > 100
    assert AuditEvent.objects.filter(action="stats.generate_dossiers").exists()

    # The day's sequences were advanced: a live submission on a generated day takes the next number.
    busiest = max(DossierCodeSequence.objects.filter(agency_code=world.ward_a.code), key=lambda s: s.last)
    when = datetime.datetime.combine(busiest.day, datetime.time(9), LOCAL_TZ)
    live = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=world.ward_a.code,
        now=when,
    )
    assert live.code.endswith(f"-{busiest.last + 1:04d}")

    # Fees: billed on every dossier of a procedure with a fee, paid before any decision, owed or cancelled else.
    fees = {r.dossier_id: r for r in PaymentRequest.objects.all()}
    with_fee = {d.pk for d in Dossier.objects.filter(version__fee_vnd__gt=0)}
    assert set(fees) == with_fee and len(with_fee) > 500
    assert result["fees"] == len(fees)
    by_id = {d.pk: d for d in dossiers}
    for dossier_id, request in fees.items():
        d = by_id[dossier_id]
        assert request.amount_vnd == d.version.fee_vnd and request.purpose == "fee"
        if d.status in ("done", "approved"):
            assert request.status == "paid", d.status
        if request.status == "paid":
            assert d.submitted_at <= request.paid_at <= (d.completed_at or timezone.now())
        else:
            assert request.paid_at is None
            assert request.status == ("cancelled" if d.status in CLOSED_STATUSES else "unpaid")
    paid = [r for r in fees.values() if r.status == "paid"]
    assert 0.7 * len(fees) < len(paid) < len(fees)

    stats_rebuild()
    counted = sum(MonthlyStat.objects.values_list("received", flat=True))
    assert counted == 3001  # the generated ones and the live one (whose waiting delta the rebuild dropped)
    assert sum(MonthlyStat.objects.values_list("rating_count", flat=True)) == DossierRating.objects.count()
    assert sum(MonthlyStat.objects.values_list("paid_count", flat=True)) == len(paid)
    assert sum(MonthlyStat.objects.values_list("paid_vnd", flat=True)) == sum(r.amount_vnd for r in paid)
    assert sum(MonthlyStat.objects.values_list("billed_count", flat=True)) == sum(
        r.status != "cancelled" for r in fees.values()
    )


def test_the_command_refuses_nonsense(world, catalogue):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_dossiers", "--count", "0")
