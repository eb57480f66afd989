"""Writes to the incident register. Each is one transaction: it checks the actor's reach, validates, writes,
records the history (events.py) and an audit row. `incident_from_referral` is how a crime report referred
to a case becomes (or joins) an incident, `incident_from_camera_alert` how a camera alert handed on from the
duty console becomes one; each runs in the sender's transaction (receivers.py)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.cameras.models import Alert, AlertKind
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.formats import format_datetime
from precinct.incidents import events, penal_code
from precinct.incidents.models import (
    BaseFigure,
    Classification,
    Incident,
    IncidentCameraAlert,
    IncidentReport,
    Priority,
    Source,
    Status,
)
from precinct.incidents.permissions import can_handle_incident, can_record_incident, can_set_base_figures
from precinct.incidents.summary import contribution, summary_apply
from precinct.organisation.models import Unit

MAX_TEXT = 5000

# Which status may follow which. Opening a case needs its number, date and investigating unit; a suspended
# case may be resumed (back to "case opened") when new evidence comes.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.RECEIVED: (Status.VERIFYING, Status.ADMINISTRATIVE, Status.CASE_OPENED, Status.NOT_A_CRIME),
    Status.VERIFYING: (Status.ADMINISTRATIVE, Status.CASE_OPENED, Status.NOT_A_CRIME),
    Status.CASE_OPENED: (Status.SOLVED, Status.SUSPENDED),
    Status.SUSPENDED: (Status.CASE_OPENED, Status.SOLVED),
    Status.ADMINISTRATIVE: (),
    Status.SOLVED: (),
    Status.NOT_A_CRIME: (),
}
CLOSING = (Status.ADMINISTRATIVE, Status.SOLVED, Status.NOT_A_CRIME)

Errors = dict[str, list[Any]]


@dataclass(frozen=True, slots=True)
class NewIncident:
    """What an officer records (the form and the API both fill this)."""

    unit: Unit | None
    source: str
    description: str
    classification: str
    article: str = ""
    priority: int = Priority.NORMAL
    occurred_at: datetime.datetime | None = None
    received_at: datetime.datetime | None = None  # None: now
    address: str = ""
    latitude: Any = None
    longitude: Any = None


def _coordinate(value: Any, name: str, limit: int, errors: Errors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if not -limit <= number <= limit:
        errors.setdefault(name, []).append(_("Enter a value between -%(n)d and %(n)d.") % {"n": limit})
        return None
    return number


def _classify(classification: str, article: str, errors: Errors, *, article_required: bool) -> tuple[str, str]:
    """(article, crime group) for a classification; an article only for a crime, and a known one."""
    if classification not in Classification.values:
        errors.setdefault("classification", []).append(_("Choose one of the listed values."))
        return "", ""
    article = article.strip()
    if classification != Classification.CRIME:
        if article:
            errors.setdefault("article", []).append(_("A Penal Code article is given only for a crime."))
        return "", ""
    if not article:
        if article_required:
            errors.setdefault("article", []).append(_("Choose the Penal Code article."))
        return "", ""
    found = penal_code.article(article)
    if found is None:
        errors.setdefault("article", []).append(_("There is no such article in the list."))
        return "", ""
    return found.number, found.group


@transaction.atomic
def incident_record(*, actor: Actor, data: NewIncident) -> Incident:
    """An incident enters the register, received (a call, a walk-in, a patrol, a transfer...)."""
    if not can_record_incident(actor, data.unit):
        raise PermissionDenied(_("You cannot record incidents for this unit."))
    assert data.unit is not None
    now = timezone.now()
    errors: Errors = {}
    if data.source not in Source.values:
        errors.setdefault("source", []).append(_("Choose one of the listed values."))
    description = data.description.strip()
    if not description and data.source != Source.CRIME_REPORT:
        errors.setdefault("description", []).append(_("Say what happened."))
    if len(description) > MAX_TEXT:
        errors.setdefault("description", []).append(_("At most %(n)d characters.") % {"n": MAX_TEXT})
    if len(data.address) > 255:
        errors.setdefault("address", []).append(_("At most %(n)d characters.") % {"n": 255})
    article, group = _classify(data.classification, data.article, errors, article_required=False)
    if data.priority not in Priority.values:
        errors.setdefault("priority", []).append(_("Choose one of the listed values."))
    received_at = data.received_at or now
    if received_at > now + datetime.timedelta(minutes=5):
        errors.setdefault("received_at", []).append(_("This is in the future."))
    if data.occurred_at is not None and data.occurred_at > received_at:
        errors.setdefault("occurred_at", []).append(_("It cannot have happened after it was received."))
    latitude = _coordinate(data.latitude, "latitude", 90, errors)
    longitude = _coordinate(data.longitude, "longitude", 180, errors)
    if (latitude is None) != (longitude is None) and "latitude" not in errors and "longitude" not in errors:
        errors.setdefault("latitude", []).append(_("Give both latitude and longitude, or neither."))
    if not data.unit.is_active:
        errors.setdefault("unit", []).append(_("This unit no longer exists."))
    if errors:
        raise ValidationFailed(errors)
    incident = Incident.objects.create(
        source=data.source,
        occurred_at=data.occurred_at,
        received_at=received_at,
        unit=data.unit,
        unit_path=data.unit.path,
        address=data.address.strip(),
        latitude=latitude,
        longitude=longitude,
        description=description,
        classification=data.classification,
        article=article,
        crime_group=group,
        priority=data.priority,
        created_by=events.person(actor),
    )
    summary_apply(None, contribution(incident))
    events.recorded_event(incident, actor=actor)
    audit_record(
        actor=actor,
        action="incidents.incident_record",
        target=incident,
        unit=incident.unit,
        after={"source": incident.source, "classification": incident.classification, "article": article},
    )
    return incident


def _locked(actor: Actor, incident: Incident) -> Incident:
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("unit", "investigating_unit")
        .get(pk=incident.pk)
    )
    if not can_handle_incident(actor, incident):
        raise PermissionDenied()
    return incident


@transaction.atomic
def incident_classify(
    *, actor: Actor, incident: Incident, classification: str, article: str = "", priority: int | None = None
) -> Incident:
    """Change what the incident is (classification, Penal Code article) and how urgent."""
    incident = _locked(actor, incident)
    errors: Errors = {}
    opened = incident.status in (Status.CASE_OPENED, Status.SOLVED, Status.SUSPENDED)
    if opened and classification != Classification.CRIME:
        errors.setdefault("classification", []).append(_("A criminal case is open: it stays a crime."))
    found_article, group = _classify(classification, article, errors, article_required=opened)
    priority = incident.priority if priority is None else priority
    if priority not in Priority.values:
        errors.setdefault("priority", []).append(_("Choose one of the listed values."))
    if errors:
        raise ValidationFailed(errors)
    before = {"classification": incident.classification, "article": incident.article, "priority": incident.priority}
    counted = contribution(incident)
    incident.classification, incident.article, incident.crime_group = classification, found_article, group
    incident.priority = priority
    incident.save(update_fields=["classification", "article", "crime_group", "priority"])
    summary_apply(counted, contribution(incident))
    events.classified_event(incident, actor=actor, before=before)
    audit_record(
        actor=actor,
        action="incidents.incident_classify",
        target=incident,
        unit=incident.unit,
        before=before,
        after={"classification": classification, "article": found_article, "priority": priority},
    )
    return incident


@transaction.atomic
def incident_transition(
    *,
    actor: Actor,
    incident: Incident,
    status: str,
    case_number: str = "",
    case_opened_on: datetime.date | None = None,
    investigating_unit: Unit | None = None,
    note: str = "",
) -> Incident:
    """Move the incident along the table above. Opening a criminal case records its number, date and
    investigating unit, and needs the incident classified as a crime under an article."""
    incident = _locked(actor, incident)
    if status not in Status.values:
        raise ValidationFailed({"status": [_("Choose one of the listed values.")]})
    if status not in TRANSITIONS[incident.status]:
        raise DomainError(
            "transition_not_allowed",
            _("This incident cannot go from “%(from)s” to “%(to)s”.")
            % {"from": incident.get_status_display(), "to": Status(status).label},
            status=409,
        )
    errors: Errors = {}
    note = note.strip()
    if len(note) > MAX_TEXT:
        errors.setdefault("note", []).append(_("At most %(n)d characters.") % {"n": MAX_TEXT})
    data: dict[str, Any] = {"note": note} if note else {}
    opening = status == Status.CASE_OPENED and incident.status != Status.SUSPENDED
    if opening:
        if incident.classification != Classification.CRIME or not incident.article:
            errors.setdefault("status", []).append(
                _("Classify the incident as a crime under a Penal Code article before opening a case.")
            )
        case_number = case_number.strip()
        if not case_number or len(case_number) > 40:
            errors.setdefault("case_number", []).append(_("Give the case number (at most 40 characters)."))
        if case_opened_on is None:
            errors.setdefault("case_opened_on", []).append(_("Give the date the case was opened."))
        elif case_opened_on > timezone.localdate() or case_opened_on < timezone.localdate(incident.received_at):
            errors.setdefault("case_opened_on", []).append(
                _("The case is opened between the day the incident was received and today.")
            )
        if investigating_unit is None or not investigating_unit.is_active:
            errors.setdefault("investigating_unit", []).append(_("Choose the investigating unit."))
    elif case_number or case_opened_on or investigating_unit:
        errors.setdefault("case_number", []).append(_("Case details are given only when opening a case."))
    if errors:
        raise ValidationFailed(errors)
    from_status = incident.status
    counted = contribution(incident)
    incident.status = status
    fields = ["status", "closed_at"]
    if opening:
        assert investigating_unit is not None and case_opened_on is not None
        incident.case_number, incident.case_opened_on = case_number, case_opened_on
        incident.investigating_unit, incident.investigating_path = investigating_unit, investigating_unit.path
        fields += ["case_number", "case_opened_on", "investigating_unit", "investigating_path"]
        data |= {
            "case_number": case_number,
            "case_opened_on": case_opened_on.isoformat(),
            "investigating_unit": investigating_unit.code,
        }
    incident.closed_at = timezone.now() if status in CLOSING else None
    incident.save(update_fields=fields)
    summary_apply(counted, contribution(incident))
    events.transition_event(incident, actor=actor, from_status=from_status, data=data)
    audit_record(
        actor=actor,
        action="incidents.incident_transition",
        target=incident,
        unit=incident.unit,
        before={"status": from_status},
        after={"status": status} | {k: v for k, v in data.items() if k != "note"},
    )
    return incident


def _incident_by_reference(actor: Actor, reference: str) -> Incident | None:
    digits = reference.strip().upper().removeprefix("SV-").removeprefix("SV").lstrip("0")
    if not digits.isdigit():
        return None
    incident = Incident.objects.select_related("unit", "investigating_unit").filter(pk=int(digits)).first()
    return incident if incident is not None and can_handle_incident(actor, incident) else None


def incident_from_referral(
    *,
    actor: Actor,
    tip: Any,
    summary: str,
    case_reference: str = "",
) -> Incident:
    """A crime report referred to a case: a new incident (source "crime report", the report's receiving
    unit, its clear fields: when it happened, priority), or the existing one the officer named. Only the
    report's reference and `summary` (what the officer chose to copy) are kept here; the content stays in
    tips. Runs inside the report's transaction (receivers.py), so a refusal undoes the referral too."""
    if case_reference.strip():
        incident = _incident_by_reference(actor, case_reference)
        if incident is None:
            # Outside the reach looks exactly like absent.
            raise ValidationFailed({"case_reference": [_("There is no such incident among yours.")]})
    else:
        incident = incident_record(
            actor=actor,
            data=NewIncident(
                unit=tip.unit,
                source=Source.CRIME_REPORT,
                description="",
                classification=Classification.CRIME,
                priority=tip.priority if tip.priority in Priority.values else Priority.NORMAL,
                occurred_at=tip.occurred_at if tip.occurred_at and tip.occurred_at <= timezone.now() else None,
            ),
        )
    _link_report(actor=actor, incident=incident, tip=tip, summary=summary)
    return incident


@transaction.atomic
def _link_report(*, actor: Actor, incident: Incident, tip: Any, summary: str) -> IncidentReport:
    link = IncidentReport.objects.create(
        incident=incident,
        tip=tip,
        tip_reference=tip.reference,
        summary=summary[:MAX_TEXT],
        linked_at=timezone.now(),
        linked_by=events.person(actor),
    )
    events.report_linked_event(incident, actor=actor, tip_reference=tip.reference)
    audit_record(
        actor=actor,
        action="incidents.report_link",
        target=incident,
        unit=incident.unit,
        after={"report": tip.reference, "copied": bool(summary)},
    )
    return link


# A detection between these local hours (20:00 → 05:00, the wards' night watch) is handed on as high priority.
NIGHT_FROM_HOUR, NIGHT_TO_HOUR = 20, 5


def _camera_alert_priority(alert: Alert) -> int:
    """High for a detection at night (local time of the detection), normal otherwise (a daytime detection,
    a recorder gone offline or back)."""
    if alert.kind != AlertKind.DETECTION or alert.event is None:
        return Priority.NORMAL
    hour = timezone.localtime(alert.event.started_at).hour
    return Priority.HIGH if hour >= NIGHT_FROM_HOUR or hour < NIGHT_TO_HOUR else Priority.NORMAL


def _camera_alert_description(alert: Alert, note: str, language: str) -> str:
    """What happened, in the language of the officer who handed the alert on: the detection (object, score,
    camera, local time) or the recorder's state, then the officer's note."""
    with translation.override(language):
        camera, event = alert.camera, alert.event
        if event is not None and camera is not None:
            line = gettext(
                "Camera alert #%(alert)d: %(object)s detected by camera %(code)s (%(name)s), "
                "confidence %(score)d%%, at %(time)s."
            ) % {
                "alert": alert.pk,
                "object": event.label_display,
                "code": camera.code,
                "name": camera.name,
                "score": round(event.score * 100),
                "time": format_datetime(event.started_at),
            }
        else:
            place = camera.code if camera is not None else (alert.recorder.name if alert.recorder else "")
            line = gettext("Camera alert #%(alert)d: %(kind)s (%(place)s) at %(time)s.") % {
                "alert": alert.pk,
                "kind": AlertKind(alert.kind).label,
                "place": place,
                "time": format_datetime(alert.raised_at),
            }
        if note:
            line += "\n" + gettext("Duty officer's note: %(note)s") % {"note": note}
    return line[:MAX_TEXT]


@transaction.atomic
def incident_from_camera_alert(*, actor: Actor, alert: Alert, note: str = "") -> Incident:
    """A camera alert handed on from the duty console: a new incident (source "camera alert", the alert's
    ward, received now, happened when the camera saw it, at the camera's point and zone, described in the
    officer's language, high priority at night) and its link to the alert. Idempotent: an alert already
    handed on answers with its incident. Runs inside `cameras.services.alert_hand_on()`'s transaction
    (receivers.py), so a refusal here undoes the hand-on too."""
    if not can_record_incident(actor, alert.unit):
        raise PermissionDenied(_("You cannot record incidents for this unit."))
    existing = IncidentCameraAlert.objects.select_related("incident").filter(alert_number=alert.pk).first()
    if existing is not None:
        return existing.incident
    now = timezone.now()
    camera, event = alert.camera, alert.event
    occurred_at = event.started_at if event is not None else alert.raised_at
    if occurred_at > now:  # a recorder whose clock runs ahead
        occurred_at = min(alert.raised_at, now)
    note = note.strip()
    user = events.person(actor)
    incident = incident_record(
        actor=actor,
        data=NewIncident(
            unit=alert.unit,
            source=Source.CAMERA_ALERT,
            description=_camera_alert_description(alert, note, user.language if user else settings.LANGUAGE_CODE),
            classification=Classification.OTHER,  # the officer classifies it once it is verified
            priority=_camera_alert_priority(alert),
            occurred_at=occurred_at,
            received_at=now,
            address=(camera.zone or camera.name)[:255] if camera is not None else "",
            latitude=camera.latitude if camera is not None else None,
            longitude=camera.longitude if camera is not None else None,
        ),
    )
    link = IncidentCameraAlert.objects.create(
        incident=incident,
        alert=alert,
        alert_number=alert.pk,
        camera_code=camera.code if camera is not None else "",
        camera_name=camera.name if camera is not None else (alert.recorder.name if alert.recorder else ""),
        event_label=event.label if event is not None else "",
        event_score=event.score if event is not None else None,
        detected_at=event.started_at if event is not None else None,
        note=note[:MAX_TEXT],
        linked_at=now,
        linked_by=user,
    )
    events.camera_alert_linked_event(incident, actor=actor, alert_number=alert.pk, camera_code=link.camera_code)
    audit_record(
        actor=actor,
        action="incidents.camera_alert_link",
        target=incident,
        unit=incident.unit,
        after={"alert": alert.pk, "camera": link.camera_code, "kind": alert.kind},
    )
    return incident


@transaction.atomic
def base_figure_set(*, actor: Actor, unit: Unit, year: int, crime_group: str, count: int) -> BaseFigure:
    """Record how many crimes of a group a ward counted in a year before the system (the base period the
    statistics compare against, e.g. 2016–2020). Setting it again replaces the count; audited."""
    if not can_set_base_figures(actor, unit):
        raise PermissionDenied()
    errors: Errors = {}
    if crime_group not in penal_code.group_codes():
        errors.setdefault("crime_group", []).append(_("Choose one of the listed values."))
    if not 1990 <= year <= timezone.localdate().year:
        errors.setdefault("year", []).append(_("Enter a year between 1990 and this year."))
    if count < 0:
        errors.setdefault("count", []).append(_("A count cannot be negative."))
    if errors:
        raise ValidationFailed(errors)
    before = BaseFigure.objects.filter(unit=unit, year=year, crime_group=crime_group).values_list("count", flat=True)
    previous = before.first()
    figure, _created = BaseFigure.objects.update_or_create(
        unit=unit, year=year, crime_group=crime_group, defaults={"count": count, "unit_path": unit.path}
    )
    audit_record(
        actor=actor,
        action="incidents.base_figure_set",
        target=figure,
        unit=unit,
        before={"count": previous} if previous is not None else None,
        after={"year": year, "crime_group": crime_group, "count": count},
    )
    return figure
