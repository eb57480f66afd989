"""The site inbox's link for a duty officer's crime-report message (`tips.<news>:<event id>`): the report's
reference, which the message already carries, and its page, which checks the officer's reach itself."""

from collections.abc import Sequence

from django.urls import reverse

from precinct.notifications.links import Link, key_parts
from precinct.tips.models import TipEvent

# The kinds `services.intake.tell_duty_officers` queues under.
NEWS_KINDS = ("tips.new", "tips.reporter_message")


def event_links(keys: Sequence[str]) -> dict[str, Link]:
    by_key = {key: int(parts[0]) for key in keys if (parts := key_parts(key)) and parts[0].isdigit()}
    rows = TipEvent.objects.filter(pk__in=by_key.values()).values_list("pk", "tip_id", "tip__reference")
    tips = {event_id: (tip_id, reference) for event_id, tip_id, reference in rows}
    links = {}
    for key, event_id in by_key.items():
        if event_id in tips:
            tip_id, reference = tips[event_id]
            links[key] = Link(label=f"{reference[:4]}-{reference[4:]}", url=reverse("tips:detail", args=[tip_id]))
    return links
