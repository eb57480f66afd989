import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from precinct.notifications.attachments import Attachment, register_attachment
from precinct.notifications.models import Notification, NotificationStatus
from precinct.notifications.services import (
    Message,
    notification_deliver,
    notification_key,
    notifications_deliver_queued,
    notify,
)
from precinct.notifications.sms import ConsoleSmsProvider
from precinct.notifications.tasks import notifications_deliver_task


def _message() -> Message:
    from django.utils.translation import gettext as _

    return Message(subject=_("Dossier %(code)s has been received") % {"code": "X-1"}, body=_("Status"), sms="x")


@pytest.fixture
def citizen(world):
    user = world.users["citizen"]
    user.email, user.language = "dan@example.vn", "en"
    user.save()
    return user


def test_a_message_is_queued_per_channel_in_the_recipient_language_and_only_once(citizen):
    assert notify(recipient=citizen, key="k1", compose=_message) == 2
    assert notify(recipient=citizen, key="k1", compose=_message) == 0  # idempotent per key
    rows = {n.channel: n for n in Notification.objects.all()}
    assert set(rows) == {"email", "sms"}
    assert rows["email"].subject == "Dossier X-1 has been received" and rows["email"].address == "dan@example.vn"
    citizen.language = "vi"
    citizen.save()
    notify(recipient=citizen, key="k2", compose=_message)
    assert Notification.objects.get(key="k2", channel="email").subject == "Hồ sơ X-1 đã được tiếp nhận"


def test_nobody_to_reach_means_nothing_queued(world):
    officer = world.users["officer_a"]
    assert not officer.email and not officer.phone
    assert notify(recipient=officer, key="k", compose=_message) == 0
    assert not Notification.objects.exists()


def test_delivery_sends_email_with_its_attachment_and_sms_and_records_it(citizen):
    register_attachment("test_pdf", lambda pk: Attachment(f"doc-{pk}.pdf", b"%PDF-1.4 test"))
    ConsoleSmsProvider.sent.clear()
    notify(recipient=citizen, key="k", compose=_message, attachment={"kind": "test_pdf", "id": 7})
    assert notifications_deliver_queued() == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dan@example.vn"]
    assert mail.outbox[0].attachments[0].filename == "doc-7.pdf"
    assert ConsoleSmsProvider.sent == [("0912345678", "x")]
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert notifications_deliver_queued() == 0  # nothing is sent twice


def test_a_failing_delivery_is_retried_then_given_up(citizen, settings):
    settings.PRECINCT_SMS_PROVIDER = "precinct.notifications.sms.ConsoleSmsProvider"
    notify(recipient=citizen, key="k", compose=_message, attachment={"kind": "no-such-renderer", "id": 1})
    email = Notification.objects.get(channel="email")
    for _attempt in range(5):
        assert notification_deliver(email.pk) is False
    email.refresh_from_db()
    assert email.status == NotificationStatus.FAILED and email.attempts == 5 and "no-such-renderer" in email.last_error
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_queued_in_a_rolled_back_transaction_sends_nothing_and_a_committed_one_is_delivered_by_the_worker():
    from precinct.testing import build_world

    world = build_world()
    citizen = world.users["citizen"]
    citizen.email = "dan@example.vn"
    citizen.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient=citizen, key="rolled-back", compose=_message)
        raise RuntimeError
    assert not Notification.objects.exists()
    with transaction.atomic():
        notify(recipient=citizen, key="committed", compose=_message)
    # on_commit enqueued the delivery task; the database worker runs it.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert [m.subject for m in mail.outbox] == ["Hồ sơ X-1 đã được tiếp nhận"]
    assert notifications_deliver_task.name  # the task the worker ran


def _register_test_composers(recipient):
    from precinct.notifications.services import register_composer

    def compose(ref: int):
        if ref == 13:
            raise ValueError("unlucky")
        return recipient, _message, {}

    register_composer("test", compose)


@pytest.mark.django_db(transaction=True)
def test_notify_later_writes_one_row_with_the_change_and_the_worker_composes_and_sends_it():
    from precinct.notifications.models import PendingCompose
    from precinct.notifications.services import notify_later
    from precinct.testing import build_world

    world = build_world()
    citizen = world.users["citizen"]
    citizen.email = "dan@example.vn"
    citizen.save()
    _register_test_composers(citizen)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        notify_later(composer="test", ref=1)  # outside a transaction: the row could outlive a failed change
    with pytest.raises(RuntimeError, match="rolled back"), transaction.atomic():
        notify_later(composer="test", ref=2)
        raise RuntimeError("rolled back")
    assert not PendingCompose.objects.exists()
    with transaction.atomic():
        notify_later(composer="test", ref=3)
    assert list(PendingCompose.objects.values_list("composer", "ref")) == [("test", 3)]
    # The commit queued a drain; the database worker runs it, composes, queues once per key and delivers.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert not PendingCompose.objects.exists()
    assert set(Notification.objects.values_list("key", "status")) == {("test:3", NotificationStatus.SENT)}
    assert [m.subject for m in mail.outbox] == ["Hồ sơ X-1 đã được tiếp nhận"]


def test_a_message_that_cannot_be_composed_waits_and_the_others_go_out(citizen):
    from precinct.notifications.models import PendingCompose
    from precinct.notifications.services import notifications_compose_pending, notify_later

    _register_test_composers(citizen)
    for ref in (12, 13, 14):
        notify_later(composer="test", ref=ref)
    assert notifications_compose_pending(batch=2) == 4  # two messages (email and SMS) for each of 12 and 14
    assert list(PendingCompose.objects.values_list("ref", flat=True)) == [13]  # kept for the next drain
    assert set(Notification.objects.values_list("key", flat=True)) == {"test:12", "test:14"}


@pytest.mark.django_db(transaction=True)
def test_with_a_backend_that_cannot_wait_the_drain_runs_on_commit(settings):
    from precinct.notifications import services
    from precinct.notifications.models import PendingCompose
    from precinct.testing import build_world

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.NOTIFY_LATER_SECONDS = 5
    services._drain.forget()  # a drain queued by an earlier test must not hold this one back
    world = build_world()
    citizen = world.users["citizen"]
    citizen.email = "dan@example.vn"
    citizen.save()
    _register_test_composers(citizen)
    with transaction.atomic():
        services.notify_later(composer="test", ref=4)
    assert not PendingCompose.objects.exists()
    assert Notification.objects.filter(key="test:4", status=NotificationStatus.SENT).count() == 2


def test_keys_keep_the_exact_strings_sent_rows_hold():
    """A key built differently would queue news already sent a second time."""
    assert notification_key("due-soon", 12, datetime.date(2026, 11, 20)) == "due-soon:12:2026-11-20"
    assert notification_key("overdue", 12, datetime.date(2026, 11, 20)) == "overdue:12:2026-11-20"
    assert notification_key("dossier_event", 7) == "dossier_event:7"  # a composer's message: composer:ref


def test_a_worker_batch_is_composed_and_its_attachments_rendered_in_one_call_each(citizen):
    """The batch's composer and renderer that take many are called once for the whole batch, in the
    recipient's language; what the many-composer leaves out is composed one by one."""
    from django.utils import translation

    from precinct.notifications.services import notifications_compose_pending, notify_later, register_composer

    calls: list[tuple[str, object]] = []

    def one(ref: int):
        calls.append(("one", ref))
        return citizen, _message, {"kind": "test_batch_pdf", "id": ref}

    def many(refs):
        calls.append(("many", list(refs)))
        return {ref: (citizen, _message, {"kind": "test_batch_pdf", "id": ref}) for ref in refs if ref != 22}

    def render_one(pk: int) -> Attachment:
        calls.append(("render one", pk))
        return Attachment(f"one-{pk}.pdf", b"%PDF-1.4")

    def render_many(ids):
        calls.append(("render many", (list(ids), translation.get_language())))
        return {pk: Attachment(f"many-{pk}.pdf", b"%PDF-1.4") for pk in ids}

    register_composer("test_batch", one, many=many)
    register_attachment("test_batch_pdf", render_one, many=render_many)
    for ref in (21, 22, 23):
        notify_later(composer="test_batch", ref=ref)
    assert notifications_compose_pending(batch=10) == 6  # e-mail and SMS for each
    assert calls == [("many", [21, 22, 23]), ("one", 22), ("render many", ([21, 22, 23], "en"))]
    assert sorted(m.attachments[0].filename for m in mail.outbox) == ["many-21.pdf", "many-22.pdf", "many-23.pdf"]


def test_when_rendering_a_batch_ahead_fails_each_attachment_is_rendered_on_delivery(citizen):
    from precinct.notifications.services import notifications_compose_pending, notify_later, register_composer

    def broken(ids):
        raise RuntimeError("the batch's look-up failed")

    register_composer("test_ahead", lambda ref: (citizen, _message, {"kind": "test_ahead_pdf", "id": ref}))
    register_attachment("test_ahead_pdf", lambda pk: Attachment(f"one-{pk}.pdf", b"%PDF-1.4"), many=broken)
    for ref in (31, 32):
        notify_later(composer="test_ahead", ref=ref)
    assert notifications_compose_pending(batch=10) == 4
    assert sorted(m.attachments[0].filename for m in mail.outbox) == ["one-31.pdf", "one-32.pdf"]
    assert not Notification.objects.exclude(last_error="").exists()
