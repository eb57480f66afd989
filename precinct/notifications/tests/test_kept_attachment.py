"""A message's attachment is rendered once: a failed attempt keeps the rendered copy on its row, the retry sends
that copy (the renderer is not called again), and the copy is dropped once the message is sent."""

from collections.abc import Sequence
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from precinct.notifications.attachments import Attachment, register_attachment
from precinct.notifications.models import Notification, NotificationStatus
from precinct.notifications.services import Message, notification_deliver, notify

pytestmark = pytest.mark.django_db


class FlakyBackend(EmailBackend):
    """The locmem outbox, refusing the next `failures` sends (a mail server down)."""

    failures = 0

    def send_messages(self, messages: Sequence[Any]) -> int:
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise ConnectionError("mail server unreachable")
        return super().send_messages(messages)


@pytest.fixture
def citizen(world):
    user = world.users["citizen"]
    user.email, user.phone, user.language = "dan@example.vn", "", "vi"
    user.save()
    return user


def test_a_retry_sends_the_copy_rendered_by_the_failed_attempt(citizen, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
    renders = []

    def render(pk: int) -> Attachment:
        renders.append(pk)
        return Attachment(f"receipt-{pk}.pdf", b"%PDF-1.4 rendered " + str(len(renders)).encode())

    register_attachment("test_kept", render)
    notify(
        recipient=citizen,
        key="k:kept",
        compose=lambda: Message("S", "B", "x"),
        attachment={"kind": "test_kept", "id": 9},
    )
    email = Notification.objects.get(key="k:kept")
    FlakyBackend.failures = 2
    assert notification_deliver(email.pk) is False
    email.refresh_from_db()
    assert email.status == NotificationStatus.QUEUED and email.attempts == 1
    assert bytes(email.attachment_content) == b"%PDF-1.4 rendered 1"
    assert email.attachment["kept"] == {"filename": "receipt-9.pdf", "mimetype": "application/pdf"}
    assert notification_deliver(email.pk) is False  # the second failure keeps the same copy
    assert notification_deliver(email.pk) is True
    assert renders == [9]  # rendered once for three attempts
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0].content == b"%PDF-1.4 rendered 1"
    email.refresh_from_db()
    assert email.status == NotificationStatus.SENT and email.attempts == 3
    assert email.attachment_content is None  # the copy is not kept once sent


def test_a_message_sent_at_once_keeps_nothing(citizen):
    register_attachment("test_kept", lambda pk: Attachment(f"r-{pk}.pdf", b"%PDF-1.4 x"))
    notify(
        recipient=citizen,
        key="k:once",
        compose=lambda: Message("S", "B", "x"),
        attachment={"kind": "test_kept", "id": 3},
    )
    email = Notification.objects.get(key="k:once")
    assert notification_deliver(email.pk) is True
    email.refresh_from_db()
    assert email.attachment_content is None and "kept" not in email.attachment
    assert mail.outbox[0].attachments[0].filename == "r-3.pdf"


def test_a_message_given_up_drops_its_kept_copy(citizen, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
    register_attachment("test_kept", lambda pk: Attachment(f"r-{pk}.pdf", b"%PDF-1.4 x"))
    notify(
        recipient=citizen,
        key="k:down",
        compose=lambda: Message("S", "B", "x"),
        attachment={"kind": "test_kept", "id": 4},
    )
    email = Notification.objects.get(key="k:down")
    FlakyBackend.failures = 5
    for attempt in range(1, 6):
        assert notification_deliver(email.pk) is False
        email.refresh_from_db()
        assert email.attempts == attempt
        assert (email.attachment_content is None) == (attempt == 5)  # kept for each retry, dropped when given up
    assert email.status == NotificationStatus.FAILED and len(mail.outbox) == 0
