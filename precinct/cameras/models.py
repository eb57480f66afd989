"""Household cameras registered with the ward police: recorders, cameras, consent, the inbox of raw recorder
messages, the events made from them, alert rules and alerts. Precinct records no video: recorders do."""

from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Recorder(models.Model):
    """A household's video recorder (Frigate NVR): publishes on MQTT under `mqtt_prefix`, or posts to the
    webhook signed with `webhook_secret`."""

    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField(_("owner's name"), max_length=120, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("ward police"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(max_length=255, db_index=True)
    mqtt_prefix = models.CharField(_("MQTT topic prefix"), max_length=80, unique=True, null=True, blank=True)
    http_base_url = models.URLField(_("HTTP base URL"), blank=True)
    # The webhook's HMAC key: kept in clear because verifying an HMAC needs it (like the recorder does).
    webhook_secret = models.CharField(_("webhook secret"), max_length=64, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    reported_offline_at = models.DateTimeField(_("reported offline at"), null=True, blank=True)  # last will
    offline_alerted = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("recorder")
        verbose_name_plural = _("recorders")

    def __str__(self) -> str:
        return self.name


class CameraStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class Camera(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField(_("owner's name"), max_length=120)
    owner_phone = models.CharField(_("owner's phone"), max_length=20, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    zone = models.CharField(_("zone"), max_length=120, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("ward police"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(max_length=255, db_index=True)
    recorder = models.ForeignKey(
        Recorder, verbose_name=_("recorder"), null=True, blank=True, on_delete=models.PROTECT, related_name="cameras"
    )
    source_name = models.CharField(_("camera name on the recorder"), max_length=80)
    status = models.CharField(_("status"), max_length=12, choices=CameraStatus.choices, default=CameraStatus.ACTIVE)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        constraints = [
            models.UniqueConstraint(fields=["recorder", "source_name"], name="cameras_camera_source_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ConsentScope(models.TextChoices):
    EVENTS = "events", _("Events and snapshots")
    EVENTS_LIVE = "events_live", _("Events, snapshots and a live view link")


class Consent(models.Model):
    """The household's signed consent for one camera. Events are accepted only while one is in force."""

    camera = models.ForeignKey(Camera, verbose_name=_("camera"), on_delete=models.CASCADE, related_name="consents")
    unit_path = models.CharField(max_length=255, db_index=True)
    signed_on = models.DateField(_("signed on"))
    scope = models.CharField(_("scope"), max_length=16, choices=ConsentScope.choices, default=ConsentScope.EVENTS)
    retention_days = models.PositiveSmallIntegerField(_("retention (days)"), default=30)
    form_file = models.FileField(_("signed form"), upload_to="cameras/consents/", blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            # At most one consent in force per camera.
            models.UniqueConstraint(
                fields=["camera"], condition=Q(withdrawn_at__isnull=True), name="cameras_one_consent_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camera.code} {self.signed_on}"


class InboxState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Processed")
    REFUSED = "refused", _("Refused (not ingested)")


class InboxMessage(models.Model):
    """A raw message from a recorder, stored as received (MQTT or webhook). `key` is built from the sender's
    own id (Frigate's event id and message type, plus a digest of the body), so a repeat is ignored."""

    key = models.CharField(max_length=200, unique=True)
    recorder = models.ForeignKey(Recorder, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    unit_path = models.CharField(max_length=255, blank=True)
    topic = models.CharField(max_length=200)
    payload = models.JSONField()
    received_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=InboxState.choices, default=InboxState.PENDING)
    reason = models.CharField(max_length=40, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=Q(state="pending"), name="cameras_inbox_pending")]

    def __str__(self) -> str:
        return self.key


# Frigate's object labels the wards' rules use, for people to read (others are shown as they come).
LABELS = {
    "person": _("person"),
    "boat": _("boat"),
    "car": _("car"),
    "motorcycle": _("motorcycle"),
    "bicycle": _("bicycle"),
    "dog": _("dog"),
}


class Detection(models.Model):
    """What a recorder saw, as people read it on an alert: a camera event has it, and so does the copy an alert
    keeps once its event is archived (ArchivedDetection)."""

    external_id = models.CharField(max_length=80)
    label = models.CharField(_("object"), max_length=40)
    sub_label = models.CharField(max_length=80, blank=True)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=3)
    zones = models.JSONField(default=list)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def label_display(self) -> str:
        return str(LABELS.get(self.label, self.label))


class CameraEvent(Detection):
    """One detection on a camera (a Frigate event): its new/update/end messages update the same row. On
    PostgreSQL the table is partitioned by month of `started_at` (ADR 0044): the key is (camera, Frigate id,
    start), and the code finds an event by its id within a window of time (`partitions.py`)."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="events")
    unit_path = models.CharField(max_length=255, db_index=True)
    has_snapshot = models.BooleanField(default=False)
    has_clip = models.BooleanField(default=False)

    class Meta(Detection.Meta):
        ordering = ["-started_at"]
        constraints = [
            # The partition column must be in every unique key; (camera, external_id) alone is kept by the
            # writers, which lock the camera and look the id up first (partitions.py).
            models.UniqueConstraint(fields=["camera", "external_id", "started_at"], name="cameras_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.camera.code} {self.label} {self.external_id}"


class AlertRule(models.Model):
    """Which events become alerts: a ward's rule, narrowed to a zone or one camera, by object label, minimum
    score and local hours (a window may cross midnight: 20 → 5)."""

    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("ward police"), on_delete=models.CASCADE, related_name="+"
    )
    unit_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    camera = models.ForeignKey(Camera, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(_("zone"), max_length=120, blank=True)
    labels = models.JSONField(_("objects"), default=list)
    min_score = models.DecimalField(_("minimum score"), max_digits=4, decimal_places=3, default=0)
    start_hour = models.PositiveSmallIntegerField(_("from hour"), default=0)
    end_hour = models.PositiveSmallIntegerField(_("to hour"), default=24)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class AlertKind(models.TextChoices):
    DETECTION = "detection", _("Detection")
    OFFLINE = "offline", _("Recorder offline")
    ONLINE = "online", _("Recorder back online")
    CAMERA_OFFLINE = "cam_offline", _("Camera offline")
    CAMERA_ONLINE = "cam_online", _("Camera back online")


class AlertStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    HANDED_ON = "handed_on", _("Handed on")
    DISMISSED = "dismissed", _("Dismissed")
    CLOSED = "closed", _("Closed (recovered)")
    RESOLVED = "resolved", _("Resolved on site")


OPEN_ALERT_STATES = (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED)


class AlertOutcome(models.TextChoices):
    FALSE_ALARM = "false_alarm", _("False alarm")
    RESOLVED = "resolved", _("Resolved on site")
    INCIDENT = "incident", _("Handed on as an incident")
    CRIME_REPORT = "crime_report", _("Handed on as a crime report")


# Outcomes whose evidence is kept past the retention period (a case needs it).
EVIDENCE_OUTCOMES = (AlertOutcome.INCIDENT, AlertOutcome.CRIME_REPORT)


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=AlertKind.choices)
    status = models.CharField(_("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.NEW)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    camera = models.ForeignKey(Camera, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    recorder = models.ForeignKey(Recorder, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    # No database constraint: a partitioned table's key includes its month (ADR 0044). Deletions through the ORM
    # still cascade; retention clears the link of an archived event.
    event = models.OneToOneField(
        CameraEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="alert", db_constraint=False
    )
    rule = models.ForeignKey(AlertRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=AlertOutcome.choices, blank=True)
    crime_report_ref = models.CharField(_("crime report reference"), max_length=60, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the leader at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["unit_path", "status"], name="cameras_alert_console")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def detection(self) -> Detection | None:
        """What was detected: the event, or once its month is archived, the copy the alert kept of it."""
        if self.event_id is not None:
            return self.event
        try:
            return self.archived_detection
        except ArchivedDetection.DoesNotExist:
            return None

    @property
    def clip_url(self) -> str:
        """The clip on the recorder, as Frigate serves it (Precinct keeps no video)."""
        event, recorder = self.event, self.camera.recorder if self.camera else None
        if event is None or not event.has_clip or recorder is None or not recorder.http_base_url:
            return ""
        return f"{recorder.http_base_url.rstrip('/')}/api/events/{quote(event.external_id, safe='')}/clip.mp4"


class ArchivedDetection(Detection):
    """What an alert showed of its event, kept when the event's month is archived (`partitions._release`): the
    archive holds the event, the alert keeps what people read on it. Written only by retention."""

    alert = models.OneToOneField(Alert, primary_key=True, on_delete=models.CASCADE, related_name="archived_detection")

    def __str__(self) -> str:
        return f"{self.label} {self.external_id}"


class SnapshotState(models.TextChoices):
    PENDING = "pending", _("Being fetched")
    STORED = "stored", _("Stored")
    FAILED = "failed", _("Could not be fetched")
    DELETED = "deleted", _("Deleted after its retention")


class Snapshot(models.Model):
    """The still the recorder took of an alert's event, fetched once and kept as evidence: its SHA-256, size,
    type and time stay when the file is deleted after its retention (`retention.py`)."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="snapshot")
    unit_path = models.CharField(max_length=255, db_index=True)
    source_url = models.URLField(max_length=500)
    state = models.CharField(max_length=10, choices=SnapshotState.choices, default=SnapshotState.PENDING)
    file = models.FileField(upload_to="cameras/snapshots/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="cameras_snapshot_due")]

    def __str__(self) -> str:
        return f"snapshot of alert #{self.alert_id}"


class Dispatch(models.Model):
    """ "4 on-site": who goes (on-site forces), with what (means), who commands, and the logistics."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="dispatches")
    unit_path = models.CharField(max_length=255, db_index=True)
    officers = models.ManyToManyField("organisation.Officer", verbose_name=_("on-site forces"), related_name="+")
    commander = models.ForeignKey(
        "organisation.Officer", verbose_name=_("on-site command"), on_delete=models.PROTECT, related_name="+"
    )
    means = models.CharField(_("on-site means"), max_length=300)
    logistics = models.CharField(_("on-site logistics"), max_length=300, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("dispatched at"))

    class Meta:
        ordering = ["dispatched_at", "id"]

    def __str__(self) -> str:
        return f"dispatch for alert #{self.alert_id}"


class AlertEntryKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    SNAPSHOT = "snapshot", _("Snapshot")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ESCALATED = "escalated", _("Sent to the ward's leader")
    DISPATCHED = "dispatched", _("Forces dispatched")
    NOTE = "note", _("Note")
    CLOSED = "closed", _("Closed")


class AlertEntry(models.Model):
    """One line of an alert's timeline, written by `events.py`; appended, never edited (notes included)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=14, choices=AlertEntryKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.alert_id}"


class ReviewSeverity(models.TextChoices):
    ALERT = "alert", _("Alert")
    DETECTION = "detection", _("Detection")


class Review(models.Model):
    """A Frigate review item (`<prefix>/reviews`): Frigate's grouping of one camera's detections into one
    situation, graded `alert` or `detection`. Its new/update/end messages update the same row. It raises an
    alert only when none of its events did (ADR 0035), and links the alert either way."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="reviews")
    unit_path = models.CharField(max_length=255, db_index=True)
    external_id = models.CharField(max_length=80)
    severity = models.CharField(_("severity"), max_length=10, choices=ReviewSeverity.choices)
    objects_seen = models.JSONField(_("objects"), default=list)
    zones = models.JSONField(_("zones"), default=list)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["camera", "external_id"], name="cameras_review_unique")]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.severity} {self.external_id}"


class ReviewDetection(models.Model):
    """One Frigate event id a review names (`data.detections`); `event` is filled once that event is known,
    whichever of the two arrives first."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="detections")
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=80)
    event = models.ForeignKey(
        CameraEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )  # no database constraint (ADR 0044), like Alert.event

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "external_id"], name="cameras_review_detection_unique")
        ]
        indexes = [models.Index(fields=["camera", "external_id"], name="cameras_review_det_event")]

    def __str__(self) -> str:
        return self.external_id


class OutageCause(models.TextChoices):
    CAMERA_STATUS = "status", _("Camera stream offline")
    LAST_WILL = "last_will", _("Recorder offline (last will)")
    SILENCE = "silence", _("Recorder silent")


class OutageAlert(models.TextChoices):
    NONE = "none", _("Not alerted (within the grace period)")
    RAISED = "raised", _("Offline alert raised")
    CLOSED = "closed", _("Recovery told")


class Outage(models.Model):
    """An interval in which a camera (its own status topic) or a recorder (last will, silence) was down, from
    the moment it went down. The health sweep raises the offline alert once it has lasted the grace period and
    tells the recovery; uptime is computed from these intervals (ADR 0035)."""

    camera = models.ForeignKey(Camera, null=True, blank=True, on_delete=models.CASCADE, related_name="outages")
    recorder = models.ForeignKey(Recorder, null=True, blank=True, on_delete=models.CASCADE, related_name="outages")
    unit_path = models.CharField(max_length=255, db_index=True)
    cause = models.CharField(_("cause"), max_length=10, choices=OutageCause.choices)
    roles = models.JSONField(default=list)  # the camera's roles (detect, record, audio) reported offline
    started_at = models.DateTimeField(_("down since"))
    ended_at = models.DateTimeField(_("back at"), null=True, blank=True)
    alert_state = models.CharField(max_length=8, choices=OutageAlert.choices, default=OutageAlert.NONE)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(camera__isnull=False) | Q(recorder__isnull=False), name="cameras_outage_has_subject"
            ),
            # At most one open outage per camera and per recorder.
            models.UniqueConstraint(
                fields=["camera"],
                condition=Q(ended_at__isnull=True, camera__isnull=False),
                name="cameras_outage_one_open_camera",
            ),
            models.UniqueConstraint(
                fields=["recorder"],
                condition=Q(ended_at__isnull=True, recorder__isnull=False),
                name="cameras_outage_one_open_recorder",
            ),
        ]
        indexes = [
            models.Index(fields=["alert_state", "started_at"], name="cameras_outage_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.cause} {self.started_at:%Y-%m-%d %H:%M}"
