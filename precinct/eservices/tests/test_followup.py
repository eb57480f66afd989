"""What happens around a dossier's moves: the citizen's messages, the escalation sweep, ratings."""

import datetime
from dataclasses import FrozenInstanceError

import pytest
from django.core import mail

from precinct.audit.models import AuditEvent
from precinct.core.calendar import calendar
from precinct.core.errors import DomainError
from precinct.eservices.escalation import escalation_sweep
from precinct.eservices.models import Dossier, DossierEvent, DossierRating
from precinct.eservices.services import dossier_rate, dossier_transition
from precinct.eservices.signals import dossier_changed
from precinct.eservices.workflow import LEADER_ACTIONS
from precinct.notifications.models import Notification, PendingCompose
from precinct.testing import Expect, assert_matrix, run_queued_tasks


@pytest.fixture
def reachable(world):
    citizen = world.users["citizen"]
    citizen.email = "dan@example.vn"
    citizen.save()
    for name in ("officer_a", "leader_a", "leader_p"):
        user = world.users[name]
        user.email = f"{name}@congan.example.vn"
        user.save()
    return world


def _move(world, dossier, *actions, actor=None, **extra):
    for action in actions:
        who = actor or ("leader_a" if action in LEADER_ACTIONS else "officer_a")  # leaders decide
        dossier = dossier_transition(actor=world.users[who], dossier=dossier, action=action, **extra)
    return dossier


def test_the_citizen_hears_of_each_move_in_their_language_with_the_receipt_attached(reachable, dossier):
    world = reachable
    _move(world, dossier, "receive", "start_review")
    _move(world, dossier, "request_supplement", note="Thiếu ảnh chân dung")
    run_queued_tasks()
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        f"Hồ sơ {dossier.code} đã được nộp",
        f"Hồ sơ {dossier.code} đã được tiếp nhận",
        f"Hồ sơ {dossier.code}: đề nghị bổ sung",
    ]  # start_review is not news to the citizen
    assert mail.outbox[0].attachments[0].filename == f"{dossier.code}.pdf"
    assert mail.outbox[0].attachments[0].content.startswith(b"%PDF")
    assert "Thiếu ảnh chân dung" in mail.outbox[2].body
    sms = Notification.objects.filter(channel="sms").values_list("body", flat=True)
    assert len(sms) == 3 and all(dossier.code in text for text in sms)


def test_english_speaking_citizens_get_english(reachable, dossier):
    citizen = reachable.users["citizen"]
    citizen.language = "en"
    citizen.save()
    _move(reachable, dossier, "receive")
    run_queued_tasks()
    assert mail.outbox[-1].subject == f"Dossier {dossier.code} has been received"


def test_a_refused_transition_sends_nothing(reachable, dossier):
    before = Notification.objects.count()
    with pytest.raises(DomainError):
        _move(reachable, dossier, "approve")
    assert Notification.objects.count() == before


def test_receiving_assigns_the_officer(reachable, dossier):
    dossier = _move(reachable, dossier, "receive")
    assert dossier.assignee == reachable.users["officer_a"]


def _due_in(dossier, days_from_today: int) -> datetime.date:
    return calendar().add_working_days(datetime.date(2026, 11, 23), days_from_today)


def test_the_sweep_warns_the_assignee_marks_overdue_tells_the_leader_and_is_idempotent(reachable, dossier):
    world = reachable
    dossier = _move(world, dossier, "receive")
    today = datetime.date(2026, 11, 25)
    Dossier.objects.filter(pk=dossier.pk).update(due_date=calendar().add_working_days(today, 1))
    report = escalation_sweep(today=today)
    assert report.warned == 1 and not report.marked_overdue
    warning = Notification.objects.get(key__startswith="due-soon:")
    assert warning.recipient == world.users["officer_a"]

    Dossier.objects.filter(pk=dossier.pk).update(due_date=datetime.date(2026, 11, 20))
    report = escalation_sweep(today=today)
    assert report.marked_overdue == [dossier.code] and report.leaders_told == 1
    told = Notification.objects.get(key__startswith="overdue:")
    assert told.recipient == world.users["leader_a"]  # the ward's own leader, not the province's
    dossier.refresh_from_db()
    assert dossier.overdue_on == today
    assert DossierEvent.objects.filter(dossier=dossier, action="mark_overdue").count() == 1
    assert AuditEvent.objects.filter(action="eservices.dossier_mark_overdue").count() == 1

    again = escalation_sweep(today=today)  # twice: nothing new
    assert again.warned == 0 and again.marked_overdue == [] and again.leaders_told == 0
    assert Notification.objects.filter(key__startswith="overdue:").count() == 1
    run_queued_tasks()
    sent = len(mail.outbox)
    escalation_sweep(today=today)
    run_queued_tasks()
    assert len(mail.outbox) == sent


def test_the_overdue_mark_is_a_dossier_change_the_citizen_is_not_told_of(reachable, dossier):
    """The sweep marks through dossier_mark_overdue(): one frozen DossierChange on dossier_changed, made by the
    system and flagged as a mark; no message for the applicant; the leaders' key keeps the shape rows hold."""
    world = reachable
    dossier = _move(world, dossier, "receive")
    Dossier.objects.filter(pk=dossier.pk).update(due_date=datetime.date(2026, 11, 20))
    changes = []

    def seen(sender, *, change, **kwargs):
        changes.append(change)

    pending = PendingCompose.objects.count()
    dossier_changed.connect(seen, dispatch_uid="test.seen")
    try:
        escalation_sweep(today=datetime.date(2026, 11, 25))
    finally:
        dossier_changed.disconnect(dispatch_uid="test.seen")
    [change] = changes
    assert change.is_mark and not change.is_submission and change.actor is None
    assert (change.dossier.pk, change.dossier.overdue_on) == (dossier.pk, datetime.date(2026, 11, 25))
    assert (change.event.action, change.event.data) == ("mark_overdue", {"due_date": "2026-11-20"})
    with pytest.raises(FrozenInstanceError):
        change.actor = world.users["officer_a"]  # a receiver cannot change what the next one is told
    assert PendingCompose.objects.count() == pending  # not news for the citizen
    keys = set(Notification.objects.filter(key__startswith="overdue:").values_list("key", flat=True))
    assert keys == {f"overdue:{dossier.pk}:2026-11-20"}


def test_a_dossier_waiting_for_the_citizen_is_not_overdue(reachable, dossier):
    dossier = _move(reachable, dossier, "receive", "start_review")
    dossier = _move(reachable, dossier, "request_supplement", note="Thiếu giấy tờ")
    Dossier.objects.filter(pk=dossier.pk).update(due_date=datetime.date(2026, 11, 2))
    assert escalation_sweep(today=datetime.date(2026, 11, 25)).marked_overdue == []


def test_an_extension_sends_the_apology_letter_once(reachable, dossier):
    world = reachable
    dossier = _move(world, dossier, "receive")
    new_date = calendar().add_working_days(dossier.due_date, 3)
    _move(world, dossier, "extend", actor="leader_a", note="Cần xác minh thêm", new_due_date=new_date)
    run_queued_tasks()
    letter = mail.outbox[-1]
    assert letter.subject == f"Hồ sơ {dossier.code}: gia hạn thời gian giải quyết"
    assert letter.attachments[0].filename == f"{dossier.code}-apology.pdf"
    assert letter.attachments[0].content.startswith(b"%PDF")
    event = DossierEvent.objects.get(dossier=dossier, action="extend")
    assert event.data["previous_due_date"] == dossier.due_date.isoformat()
    assert escalation_sweep().apologies == 0  # already sent: the sweep only catches up
    # Its month archived (the messages' rows gone, ADR 0043): the key table still says it was sent.
    sent = len(mail.outbox)
    Notification.objects.filter(key=f"dossier_event:{event.pk}").delete()
    assert escalation_sweep().apologies == 0 and len(mail.outbox) == sent


def test_the_apology_letter_reads_with_the_dossier(reachable, dossier):
    world = reachable
    dossier = _move(world, dossier, "receive")
    new_date = calendar().add_working_days(dossier.due_date, 3)
    _move(world, dossier, "extend", actor="leader_a", note="Cần xác minh thêm", new_due_date=new_date)
    event = DossierEvent.objects.get(dossier=dossier, action="extend")
    url = f"/dossiers/{dossier.code}/apology/{event.pk}.pdf"
    assert_matrix(
        world,
        lambda c: c.get(url),
        {
            "anonymous": 302,
            "citizen": 200,
            "officer_a": 200,
            "duty_a": 200,
            "leader_a": 200,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": 200,
            "admin_p": 200,
            "superuser": 200,
        },
    )


@pytest.fixture
def done(reachable, dossier, signing_keys):
    return _move(reachable, dossier, "receive", "start_review", "approve", "issue_result", "complete")


def test_the_applicant_rates_a_finished_dossier_once(reachable, done):
    world = reachable
    citizen = world.client("citizen")
    page = citizen.get(f"/dossiers/{done.code}/")
    assert "Gửi đánh giá" in page.content.decode()
    assert citizen.post(f"/dossiers/{done.code}/rating/", {"score": "4", "comment": "Nhanh"}).status_code == 302
    rating = DossierRating.objects.get()
    assert (rating.score, rating.officer, rating.unit) == (4, world.users["officer_a"], world.ward_a)
    assert AuditEvent.objects.filter(action="eservices.dossier_rate").count() == 1
    again = world.api_client("citizen").post(
        f"/api/v1/dossiers/{done.code}/rating", {"score": 5}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    assert DossierRating.objects.get().score == 4


def test_ratings_are_refused_before_done_out_of_range_or_by_others(reachable, dossier, done):
    world = reachable
    api = world.api_client("citizen")
    for score in (0, 6):
        bad = api.post(f"/api/v1/dossiers/{done.code}/rating", {"score": score}, content_type="application/json")
        assert bad.status_code == 422 and "score" in bad.json()["error"]["fields"]
    officer = world.api_client("officer_a")
    assert (
        officer.post(f"/api/v1/dossiers/{done.code}/rating", {"score": 5}, content_type="application/json").status_code
        == 403
    )
    fresh = Dossier.objects.create(
        code="X-1",
        version=done.version,
        applicant=done.applicant,
        unit=done.unit,
        unit_path=done.unit_path,
        submitted_at=done.submitted_at,
        received_on=done.received_on,
        due_date=done.due_date,
    )
    with pytest.raises(DomainError) as refused:
        dossier_rate(actor=world.users["citizen"], dossier=fresh, score=5)
    assert refused.value.code == "not_done" and refused.value.status == 409
    assert not DossierRating.objects.exists()


def test_rating_averages_are_for_leaders_over_their_subtree(reachable, done):
    world = reachable
    dossier_rate(actor=world.users["citizen"], dossier=done, score=3)
    assert_matrix(
        world,
        lambda c: c.get("/dossiers/ratings/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": Expect(200, shows=("Công an phường A", "3,00")),
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": Expect(200, shows=("Công an phường A", "CT-06", "User officer_a")),
            "admin_p": 200,
            "superuser": 200,
        },
    )
    rows = world.api_client("leader_p").get("/api/v1/ratings", {"by": "officer"}).json()
    assert rows == [{"key": "officer_a", "name": "User officer_a", "average": 3.0, "count": 1}]
    assert world.api_client("leader_p").get("/api/v1/ratings", {"by": "x"}).status_code == 422


def test_the_sweep_command_for_timers(reachable, dossier):
    from io import StringIO

    from django.core.management import call_command

    Dossier.objects.filter(pk=dossier.pk).update(due_date=datetime.date(2026, 11, 20))
    out = StringIO()
    call_command("escalate_dossiers", "--today", "2026-11-25", stdout=out)
    assert "marked overdue 1" in out.getvalue()
    out = StringIO()
    call_command("escalate_dossiers", "--today", "2026-11-25", stdout=out)
    assert "marked overdue 0" in out.getvalue()


@pytest.mark.parametrize("count", [2, 5])
def test_a_batch_of_submissions_reads_its_events_and_its_receipts_dossiers_once(reachable, catalogue, count):
    """The worker composes a batch with one read of its history events and renders the receipts with one read
    of their dossiers, however many messages it holds; an English speaker's receipt is the English one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from precinct.eservices.models import Procedure
    from precinct.eservices.receipt import receipt_pdf
    from precinct.eservices.services import dossier_submit
    from precinct.notifications.services import notifications_compose_pending

    citizen = reachable.users["citizen"]
    citizen.language = "en"
    citizen.save()
    submitted = [
        dossier_submit(
            actor=citizen,
            procedure=Procedure.objects.get(code="CT-06"),
            form_data={"muc_dich": f"Xin việc {n}"},
            unit_code=reachable.ward_a.code,
        )
        for n in range(count)
    ]
    with CaptureQueriesContext(connection) as ran:
        assert notifications_compose_pending(batch=25) == 2 * count  # e-mail and SMS each
    selects = [q["sql"] for q in ran.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "eservices_dossierevent"' in sql for sql in selects) == 1
    assert sum('FROM "eservices_dossier" ' in sql for sql in selects) == 1
    with translation.override("en"):
        english = {d.code: receipt_pdf(d) for d in submitted}
    attached = {m.attachments[0].filename: m.attachments[0].content for m in mail.outbox}
    assert attached == {f"{code}.pdf": pdf for code, pdf in english.items()}
    with translation.override("vi"):
        assert receipt_pdf(submitted[0]) != english[submitted[0].code]
