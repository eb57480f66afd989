"""The site's inbox pages: the signed-in person's own messages, a message opened (and so read), all read."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from precinct.notifications import selectors, services

PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    found = selectors.inbox_list(actor=request.user, unread=True if unread_only else None)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    links = selectors.inbox_links(messages=list(page))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "items": [(message, links.get(message.key)) for message in page],
            "unread_only": unread_only,
            "unread": selectors.inbox_unread_count(actor=request.user),
        },
    )


@login_required
def message_detail(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Opening a message marks it read (on every channel it went by); someone else's answers 404."""
    message = services.inbox_mark_read(actor=request.user, notification_id=notification_id)
    link = selectors.inbox_links(messages=[message]).get(message.key)
    return render(request, "notifications/message.html", {"message": message, "link": link})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.inbox_mark_all_read(actor=request.user)
    if count:
        flash.success(request, _("All messages are marked as read."))
    return redirect("notifications:inbox")
