"""Frigate reviews (`<prefix>/reviews`) and the one-alert-per-situation rule (ADR 0035).

A review is Frigate's grouping of one camera's detections (`data.detections`: event ids) into one situation,
graded `alert` or `detection`. Its new/update/end messages update one Review row. Between a review and its
events at most one alert is raised, whichever arrives first:
- an event whose review already has an alert raises none (it is linked to that alert if the alert has no event);
- a review one of whose events already has an alert takes that alert;
- a review of severity `alert` whose events raised nothing (not arrived yet, or none matched) raises the alert
  itself when a rule of the ward matches one of its objects in its zones; the score checked is the best of its
  known events, or none (Frigate's own thresholds graded it `alert`) when none is known yet.
Both paths lock the camera row first, so two workers cannot both decide to raise."""

from decimal import Decimal

from precinct.cameras.models import (
    Alert,
    AlertKind,
    AlertRule,
    Camera,
    CameraEvent,
    InboxMessage,
    Review,
    ReviewDetection,
    ReviewSeverity,
)
from precinct.cameras.partitions import events_by_id_q, id_moment
from precinct.cameras.services import alert_raise, rule_matches
from precinct.cameras.sources import Refused, camera_for, parse_time, strings


def lock_camera(camera: Camera) -> None:
    """The camera's row lock: every writer of its events, reviews and alerts takes it first."""
    Camera.objects.select_for_update().filter(pk=camera.pk).values_list("pk", flat=True).first()


def _rules(camera: Camera) -> list[AlertRule]:
    return list(AlertRule.objects.filter(unit_path=camera.unit_path, is_active=True).order_by("id"))


def event_alert(camera: Camera, event: CameraEvent, *, created: bool = True) -> Alert | None:
    """After an event is recorded: link it to the reviews naming it (when it is new: a review arriving later
    links it itself), and raise its alert unless it (or a review naming it) already has one. Answers the alert
    raised, if any."""
    if not created and Alert.objects.filter(event=event).exists():
        return None  # an update or end of an event that has its alert: nothing to decide, no lock
    lock_camera(camera)
    if created:
        ReviewDetection.objects.filter(camera=camera, external_id=event.external_id, event__isnull=True).update(
            event=event
        )
    elif Alert.objects.filter(event=event).exists():
        return None
    review = (
        Review.objects.filter(camera=camera, alert__isnull=False, detections__external_id=event.external_id)
        .order_by("id")
        .first()
    )
    if review is not None:
        # The situation already has its alert (raised by the review): give it this event if it has none.
        Alert.objects.filter(pk=review.alert_id or 0, event__isnull=True).update(event=event)
        return None
    for rule in _rules(camera):
        if rule_matches(rule, event):
            return alert_raise(kind=AlertKind.DETECTION, unit=camera.unit, camera=camera, event=event, rule=rule)
    return None


def review_record(*, row: InboxMessage) -> Review:
    """Record one `reviews` message (created by `new`, updated by `update`/`end`) and apply the rule above.
    Refused like an event: unknown, inactive camera, or no consent in force; malformed without id or severity."""
    after = row.payload.get("after")
    if not isinstance(after, dict) or not after.get("id"):
        raise Refused("malformed")
    severity = str(after.get("severity") or "")
    if severity not in ReviewSeverity.values:
        raise Refused("malformed")
    camera = camera_for(row.recorder_id, after.get("camera"))
    data: dict = after["data"] if isinstance(after.get("data"), dict) else {}
    detections = strings(data.get("detections"), limit=100, length=80)
    values = {
        "unit_path": camera.unit_path,
        "severity": severity,
        "objects_seen": strings(data.get("objects")),
        "zones": strings(data.get("zones")),
        "ended_at": parse_time(after.get("end_time")),
    }
    started = parse_time(after.get("start_time")) or row.received_at
    review, created = Review.objects.select_for_update().get_or_create(
        camera=camera, external_id=str(after["id"])[:80], defaults={**values, "started_at": started}
    )
    if not created:
        # Frigate may grade a detection up to an alert while it lasts, never down.
        if review.severity == ReviewSeverity.ALERT:
            values["severity"] = ReviewSeverity.ALERT
        for field, value in values.items():
            setattr(review, field, value)
        review.save()
    lock_camera(camera)
    ReviewDetection.objects.bulk_create(
        [ReviewDetection(review=review, camera=camera, external_id=x) for x in detections], ignore_conflicts=True
    )
    # The review's events started within its time; each id also carries its own (partitions.py).
    moments = [review.started_at, *(id_moment(x) for x in detections)]
    events = list(CameraEvent.objects.filter(events_by_id_q([camera.pk], detections, moments)).order_by("pk"))
    for event in events:
        ReviewDetection.objects.filter(review=review, external_id=event.external_id, event__isnull=True).update(
            event=event
        )
    if review.alert_id is None:
        _review_alert(camera, review, events)
    return review


def _review_alert(camera: Camera, review: Review, events: list[CameraEvent]) -> None:
    existing = Alert.objects.filter(event__in=events).order_by("id").first() if events else None
    if existing is None and review.severity != ReviewSeverity.ALERT:
        return
    if existing is None:
        existing = _raise_for_review(camera, review, events)
    if existing is not None:
        review.alert = existing
        review.save(update_fields=["alert"])


def _raise_for_review(camera: Camera, review: Review, events: list[CameraEvent]) -> Alert | None:
    labels = review.objects_seen or sorted({e.label for e in events})
    # No known event: Frigate's own thresholds graded this an alert, so a rule's minimum score is met.
    score = max((e.score for e in events), default=Decimal(1))
    rules = _rules(camera)
    for label in labels:
        probe = CameraEvent(camera=camera, label=label, zones=review.zones, score=score, started_at=review.started_at)
        for rule in rules:
            if rule_matches(rule, probe):
                event = next((e for e in events if e.label == label), None)
                note = f"Frigate review {review.external_id}"
                return alert_raise(
                    kind=AlertKind.DETECTION, unit=camera.unit, camera=camera, event=event, rule=rule, note=note
                )
    return None
