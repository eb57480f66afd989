"""What the citizen is told when their dossier moves (email and SMS, in their language), and the PDFs
those messages carry. Connected to `signals.dossier_changed` in `EservicesConfig.ready()`."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from precinct.core.formats import format_date
from precinct.eservices.events import SUBMIT
from precinct.eservices.models import CLOSED_STATUSES, Dossier, DossierEvent, DossierStatus
from precinct.eservices.signals import DossierChange
from precinct.notifications.attachments import Attachment
from precinct.notifications.links import Link, key_parts
from precinct.notifications.services import Composed, Message, notify_later

# The notifications composer of the applicant's messages (registered in EservicesConfig.ready()); their
# key is `dossier_event:<history event id>` (notifications.services.notification_key).
COMPOSER = "dossier_event"

# The news each action brings the applicant, as (subject, first paragraph). Absent (e.g. the overdue mark,
# which the unit's leaders are told of): nothing worth a message.
NEWS: dict[str, Any] = {
    SUBMIT: lambda: (_("Dossier %(code)s has been submitted"), _("Your dossier has been submitted.")),
    "receive": lambda: (_("Dossier %(code)s has been received"), _("Your dossier has been received.")),
    "return_incomplete": lambda: (
        _("Dossier %(code)s was returned as incomplete"),
        _("Your dossier was returned as incomplete."),
    ),
    "request_supplement": lambda: (
        _("Dossier %(code)s: a supplement is requested"),
        _("The officer asks you to supplement your dossier. The deadline is paused until you answer."),
    ),
    "supplement": lambda: (
        _("Dossier %(code)s: your supplement was received"),
        _("Your supplement was received; the processing continues."),
    ),
    "approve": lambda: (_("Dossier %(code)s has been approved"), _("Your dossier has been approved.")),
    "refuse": lambda: (_("Dossier %(code)s has been refused"), _("Your dossier has been refused.")),
    "issue_result": lambda: (
        _("Dossier %(code)s: the result has been issued"),
        _("The result of your dossier has been issued."),
    ),
    "complete": lambda: (
        _("Dossier %(code)s is done"),
        _("Your dossier is done. You can rate how it was handled on its page."),
    ),
    "withdraw": lambda: (_("Dossier %(code)s has been withdrawn"), _("Your dossier has been withdrawn.")),
    "transfer": lambda: (
        _("Dossier %(code)s has been transferred"),
        _("Your dossier has been transferred to another unit."),
    ),
    "extend": lambda: (
        _("Dossier %(code)s: the due date has been extended"),
        _("We apologise: your dossier needs more time. The letter of apology is attached."),
    ),
}


def dossier_url(dossier: Dossier) -> str:
    return settings.PRECINCT_PUBLIC_URL.rstrip("/") + reverse("eservices:dossier", args=[dossier.code])


def _compose(dossier: Dossier, event: DossierEvent) -> Message:
    subject, opening = NEWS[event.action]()
    subject %= {"code": dossier.code}
    lines = [
        opening,
        "",
        _("Dossier code: %(code)s") % {"code": dossier.code},
        _("Procedure: %(name)s") % {"name": dossier.version.display_name},
        _("Status: %(status)s") % {"status": event.get_to_status_display()},
    ]
    due = event.data.get("due_date") or dossier.due_date.isoformat()
    if event.to_status not in CLOSED_STATUSES and event.to_status != DossierStatus.SUPPLEMENT_REQUESTED:
        lines.append(_("Due date: %(date)s") % {"date": format_date(due)})
    if event.note:
        lines.append(_("Note from the officer: %(note)s") % {"note": event.note})
    lines += ["", _("Follow your dossier: %(url)s") % {"url": dossier_url(dossier)}]
    sms = _("Dossier %(code)s: %(status)s.") % {"code": dossier.code, "status": event.get_to_status_display()}
    return Message(subject=subject, body="\n".join(lines), sms=sms)


def tell_applicant(sender: Any, *, change: DossierChange, **kwargs: Any) -> None:
    """Queue the applicant's message about this event; the worker composes and sends it."""
    if change.event.action in NEWS:
        notify_later(composer=COMPOSER, ref=change.event.pk)


def compose_for_event(event_id: int) -> Composed | None:
    """The applicant, their message about this history event, and its attachment (a notifications composer)."""
    return compose_for_events([event_id]).get(event_id)


def compose_for_events(event_ids: Sequence[int]) -> dict[int, Composed | None]:
    """`compose_for_event` for a worker's batch of events, read in one query."""
    events = DossierEvent.objects.select_related("dossier__version", "dossier__applicant", "dossier__unit").filter(
        pk__in=event_ids
    )
    made: dict[int, Composed | None] = dict.fromkeys(event_ids)
    for event in events:
        made[event.pk] = _made(event) if event.action in NEWS else None
    return made


def _made(event: DossierEvent) -> Composed:
    dossier = event.dossier
    attachment: dict[str, Any] = {}
    if event.action == SUBMIT:
        attachment = {"kind": "dossier_receipt", "id": dossier.pk}
    elif event.action == "extend":
        attachment = {"kind": "dossier_apology", "id": event.pk}
    return dossier.applicant, lambda: _compose(dossier, event), attachment


def receipt_attachment(dossier_id: int) -> Attachment | None:
    return receipt_attachments([dossier_id]).get(dossier_id)


def receipt_attachments(dossier_ids: Sequence[int]) -> dict[int, Attachment | None]:
    """The receipts of a worker's batch of messages, their dossiers read in one query."""
    from precinct.eservices.receipt import receipt_pdf

    dossiers = Dossier.objects.select_related("version__procedure", "unit__parent", "applicant").in_bulk(dossier_ids)
    return {pk: Attachment(f"{dossier.code}.pdf", receipt_pdf(dossier)) for pk, dossier in dossiers.items()}


def apology_attachment(event_id: int) -> Attachment | None:
    from precinct.eservices.letters import apology_letter_pdf

    event = (
        DossierEvent.objects.select_related("dossier__version__procedure", "dossier__unit", "dossier__applicant")
        .filter(pk=event_id, action="extend")
        .first()
    )
    if event is None:
        return None
    return Attachment(f"{event.dossier.code}-apology.pdf", apology_letter_pdf(event))


def _ids(keys: Sequence[str]) -> dict[str, int]:
    """The first part of each key as an id (`dossier_event:<event id>`, `overdue:<dossier id>:<due>`)."""
    found = {}
    for key in keys:
        parts = key_parts(key)
        if parts and parts[0].isdigit():
            found[key] = int(parts[0])
    return found


def _links(by_key: dict[str, int], codes: Mapping[int, str]) -> dict[str, Link]:
    return {
        key: Link(label=codes[ref], url=reverse("eservices:dossier", args=[codes[ref]]))
        for key, ref in by_key.items()
        if ref in codes
    }


def event_links(keys: Sequence[str]) -> dict[str, Link]:
    """The inbox's link to the dossier of each applicant's message (a notifications link resolver)."""
    by_key = _ids(keys)
    codes = dict(DossierEvent.objects.filter(pk__in=by_key.values()).values_list("pk", "dossier__code"))
    return _links(by_key, codes)


def dossier_links(keys: Sequence[str]) -> dict[str, Link]:
    """The inbox's link to the dossier of each officer's or leader's due-soon or overdue message."""
    by_key = _ids(keys)
    codes = dict(Dossier.objects.filter(pk__in=by_key.values()).values_list("pk", "code"))
    return _links(by_key, codes)
