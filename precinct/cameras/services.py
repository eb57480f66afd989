"""Writes of the camera registry, consent and the duty console. Each is one transaction with its audit row.

Ingest (the inbox and the events made from it) is in `ingest.py`; offline detection in `health.py`."""

import datetime
import secrets
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from precinct.accounts.models import User
from precinct.audit.services import audit_record
from precinct.cameras import events, evidence
from precinct.cameras.models import (
    OPEN_ALERT_STATES,
    Alert,
    AlertKind,
    AlertOutcome,
    AlertRule,
    AlertStatus,
    Camera,
    CameraEvent,
    CameraStatus,
    Consent,
    ConsentScope,
    Dispatch,
    Recorder,
)
from precinct.cameras.permissions import can_act_on_alert, can_manage_cameras_of, can_withdraw_consent
from precinct.cameras.signals import AlertHandedOn, camera_alert_handed_on
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.notifications.services import Message, notification_key, notify
from precinct.organisation.models import Officer, Role, Unit
from precinct.organisation.selectors import role_holders_nearest

MAX_RETENTION_DAYS = 365


def _require_manager(actor: Actor, unit: Unit) -> None:
    if actor is not None and not can_manage_cameras_of(actor, unit):
        raise PermissionDenied()


@transaction.atomic
def recorder_register(
    *,
    actor: Actor,
    unit: Unit,
    name: str,
    owner_name: str = "",
    owner: User | None = None,
    mqtt_prefix: str = "",
    http_base_url: str = "",
) -> Recorder:
    """A household's recorder. A webhook secret is drawn for recorders that post instead of publishing."""
    _require_manager(actor, unit)
    errors: dict[str, list] = {}
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    prefix = mqtt_prefix.strip().strip("/")
    if prefix and (any(c in prefix for c in "#+ ") or Recorder.objects.filter(mqtt_prefix=prefix).exists()):
        errors["mqtt_prefix"] = [_("This topic prefix is invalid or already used by another recorder.")]
    if errors:
        raise ValidationFailed(errors)
    recorder = Recorder.objects.create(
        name=name.strip(),
        owner=owner,
        owner_name=owner_name.strip(),
        unit=unit,
        unit_path=unit.path,
        mqtt_prefix=prefix or None,
        http_base_url=http_base_url.strip(),
        webhook_secret=secrets.token_hex(32),
    )
    audit_record(actor=actor, action="cameras.recorder_register", target=recorder, unit=unit, after={"name": name})
    return recorder


@transaction.atomic
def camera_register(
    *,
    actor: Actor,
    unit: Unit,
    code: str,
    name: str,
    owner_name: str,
    latitude: Decimal,
    longitude: Decimal,
    source_name: str,
    recorder: Recorder | None = None,
    owner: User | None = None,
    owner_phone: str = "",
    zone: str = "",
) -> Camera:
    """Register a household's camera with its ward police. Events are accepted once a consent is recorded."""
    _require_manager(actor, unit)
    errors: dict[str, list] = {}
    code = code.strip().upper()
    for field, value in (("code", code), ("name", name), ("owner_name", owner_name), ("source_name", source_name)):
        if not str(value).strip():
            errors[field] = [_("This field is required.")]
    if code and Camera.objects.filter(code=code).exists():
        errors["code"] = [_("A camera with this code is already registered.")]
    if not Decimal(-90) <= Decimal(latitude) <= Decimal(90):
        errors["latitude"] = [_("A latitude lies between -90 and 90.")]
    if not Decimal(-180) <= Decimal(longitude) <= Decimal(180):
        errors["longitude"] = [_("A longitude lies between -180 and 180.")]
    if recorder is not None and recorder.unit_id != unit.pk:
        errors["recorder"] = [_("The recorder belongs to another ward.")]
    if recorder is not None and Camera.objects.filter(recorder=recorder, source_name=source_name.strip()).exists():
        errors["source_name"] = [_("This recorder already has a camera of this name.")]
    if errors:
        raise ValidationFailed(errors)
    camera = Camera.objects.create(
        code=code,
        name=name.strip(),
        owner=owner,
        owner_name=owner_name.strip(),
        owner_phone=owner_phone.strip(),
        latitude=latitude,
        longitude=longitude,
        zone=zone.strip(),
        unit=unit,
        unit_path=unit.path,
        recorder=recorder,
        source_name=source_name.strip(),
        created_at=timezone.now(),
    )
    audit_record(actor=actor, action="cameras.camera_register", target=camera, unit=unit, after={"code": code})
    return camera


@transaction.atomic
def camera_set_status(*, actor: Actor, camera: Camera, status: str) -> Camera:
    _require_manager(actor, camera.unit)
    if status not in CameraStatus.values:
        raise ValidationFailed({"status": [_("Choose one of the listed values.")]})
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if camera.status == CameraStatus.RETIRED and status != CameraStatus.RETIRED:
        raise DomainError(
            "camera_retired", _("A retired camera cannot be brought back; register it again."), status=409
        )
    before = camera.status
    camera.status = status
    camera.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="cameras.camera_status",
        target=camera,
        unit=camera.unit,
        before={"status": before},
        after={"status": status},
    )
    return camera


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    camera: Camera,
    signed_on: datetime.date,
    scope: str = ConsentScope.EVENTS,
    retention_days: int = 30,
    form_file: UploadedFile | None = None,
) -> Consent:
    """Record the household's signed consent (replacing none: one in force at a time)."""
    _require_manager(actor, camera.unit)
    errors: dict[str, list] = {}
    if scope not in ConsentScope.values:
        errors["scope"] = [_("Choose one of the listed values.")]
    if not 1 <= retention_days <= MAX_RETENTION_DAYS:
        errors["retention_days"] = [_("Keep snapshots between 1 and 365 days.")]
    if signed_on > timezone.localdate():
        errors["signed_on"] = [_("The form cannot be signed in the future.")]
    if Consent.objects.filter(camera=camera, withdrawn_at__isnull=True).exists():
        errors["camera"] = [_("This camera already has a consent in force.")]
    if errors:
        raise ValidationFailed(errors)
    consent = Consent(
        camera=camera,
        unit_path=camera.unit_path,
        signed_on=signed_on,
        scope=scope,
        retention_days=retention_days,
        recorded_at=timezone.now(),
    )
    if form_file is not None:
        consent.form_file.save(f"{camera.code}-{signed_on:%Y%m%d}.pdf", form_file, save=False)
    consent.save()
    audit_record(
        actor=actor,
        action="cameras.consent_record",
        target=consent,
        unit=camera.unit,
        after={"camera": camera.code, "scope": scope, "retention_days": retention_days},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent) -> Consent:
    """The owner withdraws online: from now on the camera's events are refused."""
    consent = Consent.objects.select_for_update().select_related("camera", "camera__unit").get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise DomainError("consent_withdrawn", _("This consent was already withdrawn."), status=409)
    if not can_withdraw_consent(actor, consent):
        raise PermissionDenied()
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit_record(actor=actor, action="cameras.consent_withdraw", target=consent, unit=consent.camera.unit)
    return consent


@transaction.atomic
def alert_rule_create(
    *,
    actor: Actor,
    unit: Unit,
    name: str,
    labels: list[str],
    min_score: Decimal = Decimal(0),
    start_hour: int = 0,
    end_hour: int = 24,
    zone: str = "",
    camera: Camera | None = None,
) -> AlertRule:
    """A rule of the ward: events of these objects (any if empty), at least this score, between these local
    hours (20 → 5 crosses midnight), in this zone or on this camera, become alerts."""
    _require_manager(actor, unit)
    errors: dict[str, list] = {}
    if not (0 <= start_hour <= 23 and 1 <= end_hour <= 24 and start_hour != end_hour):
        errors["start_hour"] = [_("Give hours between 0 and 24, start and end different.")]
    if not Decimal(0) <= Decimal(min_score) <= Decimal(1):
        errors["min_score"] = [_("A score lies between 0 and 1.")]
    if camera is not None and camera.unit_id != unit.pk:
        errors["camera"] = [_("The camera belongs to another ward.")]
    if errors:
        raise ValidationFailed(errors)
    rule = AlertRule.objects.create(
        unit=unit,
        unit_path=unit.path,
        name=name.strip() or "rule",
        labels=sorted({label.strip().lower() for label in labels if label.strip()}),
        min_score=min_score,
        start_hour=start_hour,
        end_hour=end_hour,
        zone=zone.strip(),
        camera=camera,
    )
    audit_record(actor=actor, action="cameras.rule_create", target=rule, unit=unit, after={"labels": rule.labels})
    return rule


def rule_matches(rule: AlertRule, event: CameraEvent) -> bool:
    camera = event.camera
    if rule.camera_id is not None and rule.camera_id != camera.pk:
        return False
    if rule.zone and rule.zone != camera.zone and rule.zone not in event.zones:
        return False
    if rule.labels and event.label.lower() not in rule.labels:
        return False
    if event.score < rule.min_score:
        return False
    hour = timezone.localtime(event.started_at).hour
    if rule.start_hour < rule.end_hour:
        return rule.start_hour <= hour < rule.end_hour
    return hour >= rule.start_hour or hour < rule.end_hour  # the window crosses midnight


def _tell_duty_officers(alert: Alert) -> None:
    place = alert.camera.code if alert.camera else (alert.recorder.name if alert.recorder else "")

    def compose() -> Message:
        kind = str(AlertKind(alert.kind).label)
        line = gettext("Camera alert: %(kind)s at %(place)s. Open the duty console.") % {"kind": kind, "place": place}
        return Message(subject=line, body=f"{line}\n/cameras/console/", sms=line)

    for officer in role_holders_nearest(unit_path=alert.unit_path, role=Role.DUTY_OFFICER):
        notify(recipient=officer, key=notification_key("camera_alert", alert.pk), compose=compose)


def alert_raise(
    *,
    kind: str,
    unit: Unit,
    camera: Camera | None = None,
    recorder: Recorder | None = None,
    event: CameraEvent | None = None,
    rule: AlertRule | None = None,
    note: str = "",
) -> Alert:
    """Raise an alert on the ward's console (the system acts) and tell its duty officers. Called inside the
    transaction of the ingest or the health sweep."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("alert_raise() must run inside the transaction that decided it")
    alert = Alert.objects.create(
        kind=kind,
        unit=unit,
        unit_path=unit.path,
        camera=camera,
        recorder=recorder,
        event=event,
        rule=rule,
        raised_at=timezone.now(),
        note=note,
    )
    audit_record(actor=None, action="cameras.alert_raise", target=alert, unit=unit, after={"kind": kind})
    events.raised(alert)
    evidence.snapshot_request(alert)
    _tell_duty_officers(alert)
    return alert


def _lock_open_alert(actor: Actor, alert: Alert) -> Alert:
    alert = Alert.objects.select_for_update().select_related("unit").get(pk=alert.pk)
    if not can_act_on_alert(actor, alert):
        raise PermissionDenied()
    if alert.status not in OPEN_ALERT_STATES:
        raise DomainError("alert_closed", _("This alert is already closed."), status=409)
    return alert


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: Alert) -> Alert:
    alert = _lock_open_alert(actor, alert)
    if alert.status != AlertStatus.NEW:
        raise DomainError("alert_acknowledged", _("This alert is already acknowledged."), status=409)
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by_id = actor.pk if actor is not None else None
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    events.acknowledged(alert, actor)
    audit_record(actor=actor, action="cameras.alert_acknowledge", target=alert, unit=alert.unit)
    return alert


MAX_TEXT = 300
MAX_NOTE = 2000


@transaction.atomic
def alert_dispatch(
    *,
    actor: Actor,
    alert: Alert,
    officer_ids: list[int],
    commander_id: int | None,
    means: str,
    logistics: str = "",
) -> Dispatch:
    """ "4 on-site": send officers of the alert's ward (on-site forces) with these means, under this commander,
    with these logistics. Dispatching a new alert acknowledges it; a closed one refuses. A second dispatch
    (reinforcement) adds to the first."""
    alert = _lock_open_alert(actor, alert)
    errors: dict[str, list] = {}
    ward_officers = Officer.objects.filter(unit__path__startswith=alert.unit_path, is_active=True)
    ids = sorted(set(officer_ids))
    officers = list(ward_officers.filter(pk__in=ids))
    if not ids:
        errors["officer_ids"] = [_("Choose the officers who go on site.")]
    elif len(officers) != len(ids):
        errors["officer_ids"] = [_("Only officers in service in the alert's ward can be dispatched.")]
    commander = ward_officers.filter(pk=commander_id).first() if commander_id else None
    if commander is None:
        errors["commander_id"] = [_("Choose who commands on site, an officer in service in the alert's ward.")]
    if not means.strip():
        errors["means"] = [_("Say with what means the forces go (boat, vehicle, equipment).")]
    if len(means) > MAX_TEXT:
        errors["means"] = [_("Keep this under 300 characters.")]
    if len(logistics) > MAX_TEXT:
        errors["logistics"] = [_("Keep this under 300 characters.")]
    if errors:
        raise ValidationFailed(errors)
    assert commander is not None
    now = timezone.now()
    if alert.status == AlertStatus.NEW:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by_id = actor.pk if actor is not None else None
        alert.acknowledged_at = now
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        events.acknowledged(alert, actor)
    dispatch = Dispatch.objects.create(
        alert=alert,
        unit_path=alert.unit_path,
        commander=commander,
        means=means.strip(),
        logistics=logistics.strip(),
        dispatched_by_id=actor.pk if actor is not None else None,
        dispatched_at=now,
    )
    dispatch.officers.set(officers)
    names = ", ".join(officer.full_name for officer in officers)
    events.dispatched(
        alert,
        actor,
        gettext("Forces: %(names)s. Means: %(means)s. Command: %(commander)s. Logistics: %(logistics)s.")
        % {
            "names": names,
            "means": dispatch.means,
            "commander": commander.full_name,
            "logistics": dispatch.logistics or "–",
        },
    )
    audit_record(
        actor=actor,
        action="cameras.alert_dispatch",
        target=alert,
        unit=alert.unit,
        after={"officers": ids, "commander": commander.pk, "means": dispatch.means, "logistics": dispatch.logistics},
    )
    return dispatch


@transaction.atomic
def alert_note_add(*, actor: Actor, alert: Alert, text: str) -> Alert:
    """Append a note to the alert's timeline (open or closed); notes are never edited."""
    alert = Alert.objects.select_for_update().select_related("unit").get(pk=alert.pk)
    if not can_act_on_alert(actor, alert):
        raise PermissionDenied()
    if not text.strip():
        raise ValidationFailed({"text": [_("Write the note.")]})
    if len(text) > MAX_NOTE:
        raise ValidationFailed({"text": [_("Keep a note under 2,000 characters.")]})
    events.noted(alert, actor, text.strip())
    audit_record(actor=actor, action="cameras.alert_note", target=alert, unit=alert.unit, after={"text": text.strip()})
    return alert


OUTCOME_STATUS = {
    AlertOutcome.FALSE_ALARM: AlertStatus.DISMISSED,
    AlertOutcome.RESOLVED: AlertStatus.RESOLVED,
    AlertOutcome.INCIDENT: AlertStatus.HANDED_ON,
    AlertOutcome.CRIME_REPORT: AlertStatus.HANDED_ON,
}


@transaction.atomic
def alert_close(*, actor: Actor, alert: Alert, outcome: str, note: str = "", crime_report_ref: str = "") -> Alert:
    """Close an open alert with its outcome: a false alarm (a note says why), resolved on site (forces were
    dispatched), handed on as an incident (`camera_alert_handed_on` is sent in this transaction, so a
    receiver's rows commit with it and a receiver may refuse it) or as a crime report (its reference)."""
    alert = _lock_open_alert(actor, alert)
    note, crime_report_ref = note.strip(), crime_report_ref.strip()
    if outcome not in AlertOutcome.values:
        raise ValidationFailed({"outcome": [_("Choose one of the listed values.")]})
    if len(note) > MAX_NOTE:
        raise ValidationFailed({"note": [_("Keep a note under 2,000 characters.")]})
    if outcome == AlertOutcome.FALSE_ALARM and not note:
        raise ValidationFailed({"note": [_("Say why the alert is dismissed.")]})
    if outcome == AlertOutcome.CRIME_REPORT and not 3 <= len(crime_report_ref) <= 60:
        raise ValidationFailed({"crime_report_ref": [_("Give the crime report's reference.")]})
    if outcome == AlertOutcome.RESOLVED and not alert.dispatches.exists():
        raise DomainError(
            "not_dispatched",
            _("No forces were dispatched to this alert: it cannot be resolved on site. Dispatch first."),
            status=409,
        )
    alert.status = OUTCOME_STATUS[AlertOutcome(outcome)]
    alert.outcome = outcome
    alert.crime_report_ref = crime_report_ref if outcome == AlertOutcome.CRIME_REPORT else ""
    alert.closed_by_id = actor.pk if actor is not None else None
    alert.closed_at = timezone.now()
    if note:
        alert.note = (alert.note + "\n" + note).strip()
    alert.save(update_fields=["status", "outcome", "crime_report_ref", "closed_by", "closed_at", "note"])
    if outcome == AlertOutcome.INCIDENT:
        camera_alert_handed_on.send(sender=Alert, handed_on=AlertHandedOn(alert=alert, actor=actor, note=note))
    label = str(AlertOutcome(outcome).label)
    text = " · ".join(
        part for part in (label, crime_report_ref if outcome == AlertOutcome.CRIME_REPORT else "", note) if part
    )
    events.closed(alert, actor, text)
    audit_record(
        actor=actor,
        action="cameras.alert_close",
        target=alert,
        unit=alert.unit,
        after={"outcome": outcome, "note": note, "crime_report_ref": alert.crime_report_ref},
    )
    return alert


def alert_hand_on(*, actor: Actor, alert: Alert, note: str = "") -> Alert:
    """Hand the alert on as an incident (the console's button): `alert_close(outcome=incident)`."""
    return alert_close(actor=actor, alert=alert, outcome=AlertOutcome.INCIDENT, note=note)


def alert_dismiss(*, actor: Actor, alert: Alert, note: str = "") -> Alert:
    """A false alarm: a note says why (`alert_close(outcome=false_alarm)`)."""
    return alert_close(actor=actor, alert=alert, outcome=AlertOutcome.FALSE_ALARM, note=note)
