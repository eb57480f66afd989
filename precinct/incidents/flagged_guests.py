"""Guests the incident register looks for, told to their ward when a hotel or homestay reports their stay
(ADR 0039). Residence sends `stays_recorded` from its stays worker; this module hears it, finds which guests are
suspects in an incident not yet closed, has residence flag those stays (once each) and tells the officers and
duty officers of the stay's ward through the notifications app, all inside the worker's transaction."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.formats import format_datetime
from precinct.incidents.models import IncidentPerson, PersonRole
from precinct.notifications.links import Link
from precinct.notifications.services import Message, notification_key, notify
from precinct.organisation.models import Role
from precinct.organisation.selectors import role_holders_nearest
from precinct.residence.services import stays_flag
from precinct.residence.signals import StayRecorded

KIND = "stay_flagged"  # the notification key's kind, and the inbox link's
REASON = "incidents.suspect"  # what residence keeps on the flag: a code, never the incident's details
TOLD_ROLES = (Role.OFFICER, Role.DUTY_OFFICER)


def flagged_suspects(personal_ids: Sequence[str]) -> QuerySet[IncidentPerson]:
    """Persons recorded as a suspect, by personal ID number, in an incident not closed (received, being verified,
    a case opened or suspended: `closed_at` is empty). The system reads it for the ward's notice; no officer
    sees these rows through it."""
    return IncidentPerson.objects.filter(
        personal_id__in=[p for p in personal_ids if p],
        role=PersonRole.SUSPECT,
        incident__closed_at__isnull=True,
    )


def _tell_ward(stay: StayRecorded) -> int:
    def compose() -> Message:
        line = gettext("A guest the incident register looks for is staying in your ward: %(name)s, since %(at)s.") % {
            "name": stay.guest_name,
            "at": format_datetime(stay.arrival),
        }
        return Message(subject=line, body=f"{line}\n{reverse('residence:guests')}", sms=line)

    told = 0
    key = notification_key(KIND, stay.stay_pk)
    for role in TOLD_ROLES:
        for officer in role_holders_nearest(unit_path=stay.unit_path, role=role):
            told += notify(recipient=officer, key=key, compose=compose)
    return told


def on_stays_recorded(sender: Any, *, stays: Sequence[StayRecorded], **kwargs: Any) -> int:
    """One query for the whole batch; stays of flagged guests are flagged (once per stay) and told to the ward,
    each audited. Foreign guests are matched by nothing: the register records suspects by personal ID only."""
    wanted = {s.personal_id for s in stays if s.personal_id}
    if not wanted:
        return 0
    found = set(flagged_suspects(sorted(wanted)).values_list("personal_id", flat=True))
    if not found:
        return 0
    fresh = stays_flag(stays=[s for s in stays if s.personal_id in found], reason=REASON)
    for stay in fresh:
        told = _tell_ward(stay)
        audit_record(
            actor=None,
            action="incidents.flagged_guest_told",
            target_label=f"stay {stay.stay_pk}",
            after={"ward": stay.unit_path, "messages": told},
        )
    return len(fresh)


def stay_links(keys: Sequence[str]) -> dict[str, Link]:
    """The inbox's link of a flagged-guest message: the guests staying now in the officer's wards."""
    url = reverse("residence:guests")
    return {key: Link(label=str(_("Guests staying now")), url=url) for key in keys}
