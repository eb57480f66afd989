"""The site's inbox as JSON: the caller's own messages, newest first, and marking them read."""

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from precinct.core.api_support import signed_in
from precinct.core.api_types import Id, Limit, Offset
from precinct.notifications import selectors, services
from precinct.notifications.models import Notification

router = Router(tags=["notifications"])


class LinkOut(Schema):
    label: str
    url: str


class MessageOut(Schema):
    id: int
    channel: str
    subject: str
    body: str
    created_at: datetime.datetime
    read: bool
    read_at: datetime.datetime | None
    about: LinkOut | None


class InboxOut(Schema):
    count: int
    unread: int
    items: list[MessageOut]


class InboxFilter(Schema):
    unread: bool | None = None
    limit: Limit = 20
    offset: Offset = 0


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


def _out(messages: list[Notification]) -> list[MessageOut]:
    links = selectors.inbox_links(messages=messages)
    return [
        MessageOut(
            id=m.pk,
            channel=m.channel,
            subject=m.subject,
            body=m.body,
            created_at=m.created_at,
            read=m.read_at is not None,
            read_at=m.read_at,
            about=LinkOut(label=link.label, url=link.url) if (link := links.get(m.key)) else None,
        )
        for m in messages
    ]


@router.get("/notifications", response=InboxOut, auth=signed_in)
def inbox(request: HttpRequest, filters: Query[InboxFilter]) -> InboxOut:
    """The caller's messages (every email and SMS, once each), newest first; `unread=true` for the unread."""
    found = selectors.inbox_list(actor=request.user, unread=filters.unread)
    page = list(found[filters.offset : filters.offset + filters.limit])
    return InboxOut(count=found.count(), unread=selectors.inbox_unread_count(actor=request.user), items=_out(page))


@router.get("/notifications/unread-count", response=UnreadOut, auth=signed_in)
def unread_count(request: HttpRequest) -> UnreadOut:
    return UnreadOut(unread=selectors.inbox_unread_count(actor=request.user))


@router.post("/notifications/read-all", response=MarkedOut, auth=signed_in)
def mark_all_read(request: HttpRequest) -> MarkedOut:
    return MarkedOut(marked=services.inbox_mark_all_read(actor=request.user))


@router.get("/notifications/{int:notification_id}", response=MessageOut, auth=signed_in)
def message_detail(request: HttpRequest, notification_id: Id) -> MessageOut:
    """One of the caller's messages (reading it here does not mark it read: POST …/read does)."""
    return _out([selectors.inbox_get(actor=request.user, notification_id=notification_id)])[0]


@router.post("/notifications/{int:notification_id}/read", response=MessageOut, auth=signed_in)
def mark_read(request: HttpRequest, notification_id: Id) -> MessageOut:
    return _out([services.inbox_mark_read(actor=request.user, notification_id=notification_id)])[0]
