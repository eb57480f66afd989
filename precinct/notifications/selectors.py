"""The site's inbox: every message a person was sent, by email or SMS, read back in the site.

A message goes out once per channel (one row each, same key); the inbox shows it once, from its email row
(the full text) or, when it went only by SMS, from the SMS row. Only ever the actor's own rows: the
recipient is the whole scope, so another person's message answers 404 exactly like an absent one."""

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from precinct.accounts.actors import as_user
from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.notifications.links import Link, resolve_links
from precinct.notifications.models import Notification, NotificationChannel, NotificationKey


def _own(actor: Actor) -> QuerySet[Notification]:
    user = as_user(actor)
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def inbox_list(*, actor: Actor, unread: bool | None = None) -> QuerySet[Notification]:
    """The actor's messages, one per key, newest first; `unread=True` only those not yet opened."""
    own = _own(actor)
    emailed = own.filter(channel=NotificationChannel.EMAIL).values("key")
    messages = own.exclude(channel=NotificationChannel.SMS, key__in=emailed)
    if unread is not None:
        messages = messages.filter(read_at__isnull=unread)
    return messages.order_by("-created_at", "-id")


def inbox_unread_count(*, actor: Actor) -> int:
    return inbox_list(actor=actor, unread=True).count()


def inbox_get(*, actor: Actor, notification_id: int) -> Notification:
    """One of the actor's messages by the id of any of its rows (the email's or the SMS's)."""
    row = _own(actor).filter(pk=notification_id).only("key").first()
    message = inbox_list(actor=actor).filter(key=row.key).first() if row is not None else None
    if message is None:
        raise NotFound()
    return message


def inbox_links(*, messages: Sequence[Notification]) -> dict[str, Link]:
    """What each message is about (a dossier, ...), by key, as the owning app links it."""
    return resolve_links(message.key for message in messages)


def notification_keys_known(*, keys: Iterable[str]) -> set[str]:
    """Which of these keys were given a message (to anyone, on any channel), queued, sent or failed, even if that
    message's month has since been archived: read from the key table (its primary key starts with the key),
    never from the messages' table, which only holds the months still attached."""
    wanted = list(dict.fromkeys(key[:160] for key in keys))
    known: set[str] = set()
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        known.update(NotificationKey.objects.filter(key__in=chunk).values_list("key", flat=True).distinct())
    return known
