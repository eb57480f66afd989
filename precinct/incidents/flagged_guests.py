"""Guests the incident register looks for, told to their ward when a hotel or homestay reports their stay
(ADR 0039, ADR 0042). Residence sends `stays_recorded` from its stays worker; this module hears it, finds which
guests are suspects in an incident not yet closed (by personal ID, a foreigner by passport and nationality), has
residence flag those stays (once each) and tells the officers and duty officers of the stay's ward through the
notifications app, all inside the worker's transaction."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
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


def flagged_suspects(personal_ids: Sequence[str], passport_numbers: Sequence[str] = ()) -> QuerySet[IncidentPerson]:
    """Persons recorded as a suspect, by personal ID number or by passport number, in an incident not closed
    (received, being verified, a case opened or suspended: `closed_at` is empty). The system reads it for the
    ward's notice; no officer sees these rows through it. A passport's nationality and date of birth are
    compared by the caller (`_matches`)."""
    wanted = Q(personal_id__in=[p for p in personal_ids if p])
    if passports := [p for p in passport_numbers if p]:
        wanted |= Q(passport_number__in=passports)
    return IncidentPerson.objects.filter(wanted, role=PersonRole.SUSPECT, incident__closed_at__isnull=True)


def _matches(stay: StayRecorded, by_id: set[str], by_passport: dict[tuple[str, str], list[Any]]) -> bool:
    """A Vietnamese guest by personal ID; a guest with a passport by passport number and nationality, and by
    date of birth when both the stay and the suspect have one."""
    if stay.personal_id and stay.personal_id in by_id:
        return True
    if not stay.passport_number:
        return False
    births = by_passport.get((stay.passport_number.upper(), stay.nationality.upper()), [])
    return any(born is None or stay.date_of_birth is None or born == stay.date_of_birth for born in births)


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
    each audited. Vietnamese guests are matched by personal ID, foreign guests by passport and nationality (and
    date of birth when both sides have one, ADR 0042)."""
    personal_ids = {s.personal_id for s in stays if s.personal_id}
    passports = {s.passport_number.upper() for s in stays if s.passport_number}
    if not personal_ids and not passports:
        return 0
    by_id: set[str] = set()
    by_passport: dict[tuple[str, str], list[Any]] = {}
    rows = flagged_suspects(sorted(personal_ids), sorted(passports)).values_list(
        "personal_id", "passport_number", "nationality", "date_of_birth"
    )
    for personal_id, passport, nationality, born in rows:
        if personal_id in personal_ids:
            by_id.add(personal_id)
        if passport in passports:
            by_passport.setdefault((passport, nationality), []).append(born)
    if not by_id and not by_passport:
        return 0
    fresh = stays_flag(stays=[s for s in stays if _matches(s, by_id, by_passport)], reason=REASON)
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
