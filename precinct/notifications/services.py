"""Queue and deliver notifications. Queuing happens inside the caller's transaction (so a rolled-back
change sends nothing); delivery is a task enqueued on commit, so the request never waits for SMTP."""

import datetime
import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django_tasks_db.backend import DatabaseBackend

from precinct.accounts.actors import as_user
from precinct.accounts.models import User
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.batching import BatchedTask
from precinct.core.inserts import PreparedInsert
from precinct.notifications.attachments import Attachment, render_attachment, render_attachments
from precinct.notifications.models import (
    Notification,
    NotificationChannel,
    NotificationKey,
    NotificationStatus,
    PendingCompose,
)
from precinct.notifications.registry import BatchedRegistry
from precinct.notifications.selectors import inbox_get, inbox_unread_count
from precinct.notifications.sms import sms_provider

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # the email's text
    sms: str  # the same news in one short line


def notification_key(kind: str, *parts: object) -> str:
    """The key a message is queued under, `<kind>:<part>:…` (e.g. `overdue:<dossier id>:<due date>`, or
    `<composer>:<ref>` for notify_later()): a recipient gets one message per channel and key. Every key is
    built here, because rows already sent hold these exact strings: a key built differently would send the
    same news again."""
    return ":".join([kind, *map(str, parts)])


def notify(
    *,
    recipient: User,
    key: str,
    compose: Callable[[], Message],
    attachment: dict[str, Any] | None = None,
    deliver: bool = True,
) -> int:
    """Queue one message to the recipient on every channel they can be reached by, composed in their
    language. Idempotent: a (recipient, channel, key) already queued or sent (even in a month since archived)
    is not queued again. Returns how many messages were newly queued."""
    with transaction.atomic(savepoint=False):  # the key and its message commit together, or neither
        queued = _queue([Queued(recipient, key, compose, attachment or {})])
    if queued and deliver:
        _enqueue_delivery(recipient.pk, key[:160])
    return queued


@dataclass(frozen=True)
class Queued:
    """A message to queue: to whom, under which key, composed how (called only if its key is new)."""

    recipient: User
    key: str
    compose: Callable[[], Message]
    attachment: dict[str, Any]


def _channels(recipient: User) -> list[tuple[str, str]]:
    channels = [(NotificationChannel.EMAIL, recipient.email), (NotificationChannel.SMS, recipient.phone)]
    return [(channel, address) for channel, address in channels if address]


KEYS_PER_STATEMENT = 500


@functools.cache
def _keys_sql(rows: int) -> str:
    values = ", ".join(["(%s, %s, %s, %s)"] * rows)
    return (
        f"INSERT INTO notifications_notificationkey (key, recipient_id, channel, created_at) VALUES {values}"  # noqa: S608
        " ON CONFLICT DO NOTHING RETURNING recipient_id, channel, key"
    )


def _claim_keys(wanted: list[tuple[int, str, str]]) -> set[tuple[int, str, str]]:
    """Write these (recipient id, channel, key) to NotificationKey, `INSERT … ON CONFLICT DO NOTHING RETURNING`:
    answers those written now, i.e. never given a message before. A key another transaction is writing at the
    same moment waits for it (the primary key's index) and is new here only if that one rolled back."""
    new: set[tuple[int, str, str]] = set()
    if not wanted:
        return new
    created_at = NotificationKey._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), KEYS_PER_STATEMENT):
            chunk = wanted[start : start + KEYS_PER_STATEMENT]
            params = [value for rid, channel, key in chunk for value in (key, rid, channel, created_at)]
            cursor.execute(_keys_sql(len(chunk)), params)
            new.update((rid, channel, key) for rid, channel, key in cursor.fetchall())
    return new


def _queue(items: list[Queued]) -> int:
    """Queue these messages, inside the caller's transaction: every (recipient, channel, key) is written to the
    key table first, in one statement, and only the messages whose key is new there are composed (in the
    recipient's language) and written, in one more. Returns how many Notification rows were written."""
    wanted = list(
        dict.fromkeys(
            (item.recipient.pk, channel, item.key[:160]) for item in items for channel, _ in _channels(item.recipient)
        )
    )
    new = _claim_keys(wanted)
    rows = []
    for item in items:
        key = item.key[:160]
        channels = [(channel, address) for channel, address in _channels(item.recipient)]
        channels = [(c, a) for c, a in channels if (item.recipient.pk, c, key) in new]
        if not channels:
            continue
        new.difference_update((item.recipient.pk, c, key) for c, _ in channels)  # the same key twice in a batch
        language = item.recipient.language or settings.LANGUAGE_CODE
        with translation.override(language):
            message = item.compose()
        rows += [
            Notification(
                recipient=item.recipient,
                channel=channel,
                address=address,
                key=key,
                language=language,
                subject=message.subject[:255],
                body=message.body if channel == NotificationChannel.EMAIL else message.sms,
                attachment=item.attachment if channel == NotificationChannel.EMAIL else {},
            )
            for channel, address in channels
        ]
    if rows:
        Notification.objects.bulk_create(rows)
    return len(rows)


# Composers build a message from a reference (e.g. a history event's id) when the worker runs, so the
# request only writes one task row. Apps register theirs in AppConfig.ready().
Composed = tuple[User, Callable[[], Message], dict[str, Any]]
Composer = Callable[[int], Composed | None]
ManyComposer = Callable[[Sequence[int]], Mapping[int, Composed | None]]
_composers: BatchedRegistry[Composed | None] = BatchedRegistry()


def register_composer(name: str, composer: Composer, *, many: ManyComposer | None = None) -> None:
    """`composer(ref)` returns (recipient, compose, attachment), or None when there is nothing to say.
    `many(refs)`, when given, does the same for a worker's whole batch at once (one query instead of one per
    message); a ref it leaves out is composed by `composer`."""
    _composers.register(name, composer, many)


def _drain_task() -> Any:
    from precinct.notifications.tasks import notifications_compose_pending_task

    return notifications_compose_pending_task


_insert_pending = PreparedInsert(PendingCompose, ("composer", "ref", "created_at"))
# `send_notifications` and the catch-up task drain what a process that died before queuing left behind.
_drain = BatchedTask(_drain_task, seconds_setting="NOTIFY_LATER_SECONDS")


def notify_later(*, composer: str, ref: int) -> None:
    """Queue a message to be composed and sent by the worker: one narrow row in this transaction (the
    busiest callers, such as each dossier submission, then pay one small INSERT instead of a task row)."""
    if not connection.in_atomic_block:
        raise RuntimeError("notify_later() must be called inside the transaction of the change it reports")
    _insert_pending.run({"composer": composer, "ref": ref, "created_at": timezone.now()})
    _drain.after_commit()


# The drain hands the backlog to the workers in tasks of this many messages, so every worker process shares it
# (the database queue's or the broker's); a task whose rows are still pending this long after it was queued
# was lost (its worker killed with the queue unable to redeliver) and is queued again.
COMPOSE_BATCH = 25
REDISPATCH_AFTER = datetime.timedelta(minutes=10)


def notifications_dispatch_pending(*, limit: int = 20_000) -> int:
    """The drain (queued after commits by notify_later): claim pending rows nobody was given yet (or whose
    task was lost) and queue one compose task per COMPOSE_BATCH rows. Returns how many rows it dispatched."""
    from precinct.notifications.tasks import notifications_compose_batch_task

    now = timezone.now()
    with transaction.atomic():
        ids = list(
            PendingCompose.objects.select_for_update(skip_locked=True)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER))
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        PendingCompose.objects.filter(pk__in=ids).update(dispatched_at=now)
        for start in range(0, len(ids), COMPOSE_BATCH):
            _enqueue(notifications_compose_batch_task, ids[start : start + COMPOSE_BATCH])
    return len(ids)


def notifications_compose_batch(*, pending_ids: list[int]) -> int:
    """A worker's share of the backlog: compose these pending messages, record each once per key, send them,
    and only then delete their rows, so a worker killed anywhere in between leaves them to the task's
    redelivery (or the drain's redispatch), which composes nothing twice (the key) and sends only what is
    still queued. Returns how many messages were sent.

    The batch is composed in one transaction (no savepoint per message); if one message cannot be composed
    the batch is composed again one by one, each in its own savepoint, and that one's row is kept for a
    later drain while the others go ahead."""
    rows = list(PendingCompose.objects.filter(pk__in=pending_ids).order_by("id"))
    try:
        with transaction.atomic():
            items = _prepare_batch([(row.composer, row.ref) for row in rows])
            _queue(items)  # the batch's keys in one statement, its new messages in another
        composed = [(item.recipient.pk, item.key[:160]) for item in items]
        done = [row.pk for row in rows]
    except Exception:
        composed, done = _compose_one_by_one(rows)
    sent = _deliver_composed(composed)
    PendingCompose.objects.filter(pk__in=done).delete()
    return sent


def _compose_one_by_one(rows: list[PendingCompose]) -> tuple[list[tuple[int, str]], list[int]]:
    composed: list[tuple[int, str]] = []
    done = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    item = _prepare(row.composer, row.ref)
                    if item is not None:
                        _queue([item])
            except Exception:  # keep the row for a later drain; the others go ahead
                logger.exception("Could not compose the notification %s", row)
                continue
            done.append(row.pk)
            if item is not None:
                composed.append((item.recipient.pk, item.key[:160]))
    return composed, done


def _deliver_composed(composed: list[tuple[int, str]]) -> int:
    """Send what is still queued of these (recipient, key) messages: their rows found in one query (the
    unique index on recipient, channel and key), each then claimed and sent in its own transaction."""
    if not composed:
        return 0
    wanted = set(composed)
    found = [
        row
        for row in Notification.objects.filter(
            status=NotificationStatus.QUEUED,
            recipient_id__in={recipient_id for recipient_id, _ in wanted},
            key__in={key for _, key in wanted},
        )
        .order_by("id")
        .values_list("pk", "created_at", "recipient_id", "key", "channel", "language", "attachment")
        if (row[2], row[3]) in wanted
    ]
    rendered = _render_ahead([(pk, channel, language, spec) for pk, _, _, _, channel, language, spec in found])
    return sum(notification_deliver(pk, at, attachment=rendered.get(pk)) for pk, at, *_ in found)


def _render_ahead(rows: list[tuple[int, str, str, dict[str, Any]]]) -> dict[int, Attachment]:
    """The attachments of a batch's e-mails rendered together, per language (one query per kind for the
    whole batch instead of one per message). Best effort: what is missing here, or fails, is rendered by
    `notification_deliver` itself, which records a failure against its message."""
    by_language: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for pk, channel, language, spec in rows:
        if channel == NotificationChannel.EMAIL and spec and "kept" not in spec:
            by_language.setdefault(language, []).append((pk, spec))
    rendered: dict[int, Attachment] = {}
    for language, specs in by_language.items():
        try:
            with translation.override(language):
                made = render_attachments([spec for _, spec in specs])
        except Exception:
            logger.exception("Could not render a batch's attachments ahead; each is rendered on delivery")
            continue
        rendered.update((pk, attachment) for (pk, _), attachment in zip(specs, made, strict=True) if attachment)
    return rendered


def notifications_compose_pending(*, batch: int = 200) -> int:
    """Compose and send everything pending here and now (`send_notifications`, the catch-up task, tests).
    Returns how many messages were sent."""
    sent = 0
    after = 0
    while True:
        with transaction.atomic():
            ids = list(
                PendingCompose.objects.select_for_update(skip_locked=True)
                .filter(pk__gt=after)
                .order_by("id")
                .values_list("id", flat=True)[:batch]
            )
        if not ids:
            return sent
        sent += notifications_compose_batch(pending_ids=ids)
        after = ids[-1]


def _prepare(composer: str, ref: int) -> Queued | None:
    """One message, by its composer for one (the fallback after a batch failed, the sweep's catch-up)."""
    made = _composers.get(composer)
    if made is None:
        raise KeyError(composer)
    return _queued(composer, ref, made(ref))


def _queued(composer: str, ref: int, made: Composed | None) -> Queued | None:
    return None if made is None else Queued(made[0], notification_key(composer, ref), made[1], made[2])


def _prepare_batch(refs: Sequence[tuple[str, int]]) -> list[Queued]:
    """The messages of these (composer, ref), in order, with one call per composer that composes many at once;
    none for a ref with nothing to say."""
    made = _composers.each(refs)
    return [item for (composer, ref), found in zip(refs, made, strict=True) if (item := _queued(composer, ref, found))]


def notification_compose(*, composer: str, ref: int) -> int:
    """Compose, queue once per key and deliver one message now (the escalation sweep's catch-up)."""
    with transaction.atomic():
        item = _prepare(composer, ref)
        if item is not None:
            _queue([item])
    if item is None:
        return 0
    return notifications_deliver_queued(recipient_id=item.recipient.pk, key=item.key[:160])


def _enqueue(task: Any, *args: Any) -> None:
    """With the database task backend the task row is written in this transaction, so it exists exactly
    when the change does (and costs no second commit); any other backend is handed the task on commit."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
        return

    def enqueue() -> None:
        try:
            task.enqueue(*args)
        except Exception:  # the queue being down must not fail the request; `send_notifications` catches up
            logger.exception("Could not enqueue %s%s", task.name, args)

    transaction.on_commit(enqueue)


def _enqueue_delivery(recipient_id: int, key: str) -> None:
    from precinct.notifications.tasks import notifications_deliver_task

    _enqueue(notifications_deliver_task, recipient_id, key)


def _attachment(notification: Notification, ahead: Attachment | None = None) -> Attachment | None:
    """The message's attachment: the copy kept by a failed attempt, else the one rendered ahead for its batch,
    else rendered now (in the recipient's language). A receipt is rendered once and kept until its message is
    sent, never rendered again on a retry."""
    kept = notification.attachment.get("kept") if notification.attachment else None
    if kept and notification.attachment_content is not None:
        return Attachment(kept["filename"], bytes(notification.attachment_content), kept["mimetype"])
    if ahead is not None and notification.attachment:
        return ahead
    return render_attachment(notification.attachment)


def _send(notification: Notification, attachment: Attachment | None) -> None:
    if notification.channel == NotificationChannel.SMS:
        sms_provider().send(phone=notification.address, text=notification.body)
        return
    # The same Message-ID on every attempt: a copy sent again after a crash between the mail server's "accepted"
    # and our commit is one message to mail systems that drop duplicates by id.
    message_id = f"<precinct.notification.{notification.pk}@{DNS_NAME}>"
    email = EmailMessage(
        notification.subject, notification.body, to=[notification.address], headers={"Message-ID": message_id}
    )
    if attachment is not None:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    email.send()


def notification_deliver(
    notification_id: int, created_at: datetime.datetime | None = None, *, attachment: Attachment | None = None
) -> bool:
    """Send one queued message. A row is claimed under a lock so two workers never both send it;
    a failure is recorded and retried later, up to MAX_ATTEMPTS, with the attachment already rendered kept
    on the row for the retry (and dropped once the message is sent). `created_at`, when the caller has it,
    lets PostgreSQL read only that month's partition (the id alone probes every month's). `attachment`: the
    message's attachment rendered ahead by the caller (a batch), used unless a failed attempt kept a copy."""
    with transaction.atomic():
        claim = Notification.objects.select_for_update(skip_locked=True).filter(
            pk=notification_id, status=NotificationStatus.QUEUED
        )
        notification = (claim.filter(created_at=created_at) if created_at is not None else claim).first()
        if notification is None:
            return False
        notification.attempts += 1
        ahead, attachment = attachment, None
        try:
            with translation.override(notification.language):
                if notification.channel == NotificationChannel.EMAIL:
                    attachment = _attachment(notification, ahead)
                _send(notification, attachment)
        except Exception as exc:
            logger.warning("Notification %s failed (attempt %s): %s", notification.pk, notification.attempts, exc)
            notification.last_error = str(exc)[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
            fields = ["attempts", "last_error", "status"]
            if notification.status == NotificationStatus.FAILED:
                if notification.attachment_content is not None:  # given up: no retry will need the copy
                    notification.attachment_content = None
                    fields.append("attachment_content")
            elif attachment is not None and notification.attachment_content is None:
                notification.attachment = {
                    **notification.attachment,
                    "kept": {"filename": attachment.filename, "mimetype": attachment.mimetype},
                }
                notification.attachment_content = attachment.content
                fields += ["attachment", "attachment_content"]
            _save(notification, fields)
            return False
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        fields = ["attempts", "status", "sent_at"]
        if notification.attachment_content is not None:
            notification.attachment_content = None
            fields.append("attachment_content")
        _save(notification, fields)
        return True


def _save(notification: Notification, fields: list[str]) -> None:
    """`save(update_fields=…)` naming the row's month too, so the UPDATE reads one partition."""
    Notification.objects.filter(pk=notification.pk, created_at=notification.created_at).update(
        **{field: getattr(notification, field) for field in fields}
    )


def notifications_deliver_queued(*, recipient_id: int | None = None, key: str | None = None) -> int:
    """Deliver what is queued (for one recipient and key, or everything); returns how many were sent."""
    queued = Notification.objects.filter(status=NotificationStatus.QUEUED)
    if recipient_id is not None:
        queued = queued.filter(recipient_id=recipient_id)
    if key is not None:
        queued = queued.filter(key=key)
    return sum(notification_deliver(pk, at) for pk, at in queued.order_by("id").values_list("pk", "created_at"))


# The site's inbox (selectors.inbox_list): opening a message marks it read, on every channel it went by.


@transaction.atomic
def inbox_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's messages read (opened in the site or through the API); idempotent: a message
    already read is returned unchanged and writes nothing. Another person's message is NotFound."""
    message = inbox_get(actor=actor, notification_id=notification_id)
    if message.read_at is not None:
        return message
    now = timezone.now()
    Notification.objects.filter(recipient_id=message.recipient_id, key=message.key, read_at__isnull=True).update(
        read_at=now
    )
    message.read_at = now
    audit_record(actor=actor, action="notification.read", target=message, target_label=message.key)
    return message


@transaction.atomic
def inbox_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread message of the actor read; returns how many messages (not rows) that was."""
    count = inbox_unread_count(actor=actor)
    user = as_user(actor)
    if not count or user is None:
        return 0
    Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
    audit_record(actor=actor, action="notification.read_all", target_label=f"{count}")
    return count
