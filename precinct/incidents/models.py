"""The incident register: every security-and-order event, whatever brought it in, with its history, the
crime reports and camera alerts it came from, and the base-period counts the crime statistics compare against."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.cameras.models import LABELS
from precinct.core.countries import validate_alpha_2


class Source(models.TextChoices):
    CRIME_REPORT = "crime_report", _("Crime report")
    CAMERA_ALERT = "camera_alert", _("Camera alert")
    PHONE = "phone", _("Phone call (ward / 113)")
    WALK_IN = "walk_in", _("Walk-in")
    PATROL = "patrol", _("Patrol")
    TRANSFERRED = "transferred", _("Transferred from another unit")


class Classification(models.TextChoices):
    CRIME = "crime", _("Crime")
    ADMINISTRATIVE = "administrative", _("Administrative violation")
    TRAFFIC_ACCIDENT = "traffic_accident", _("Traffic accident")
    FIRE_RESCUE = "fire_rescue", _("Fire / rescue")
    OTHER = "other", _("Other")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFYING = "verifying", _("Being verified")
    ADMINISTRATIVE = "administrative", _("Handled as an administrative matter")
    CASE_OPENED = "case_opened", _("Criminal case opened")
    SOLVED = "solved", _("Solved")
    SUSPENDED = "suspended", _("Suspended")
    NOT_A_CRIME = "not_a_crime", _("Closed: not a crime")


OPEN_STATUSES = (Status.RECEIVED, Status.VERIFYING)
CASE_STATUSES = (Status.CASE_OPENED, Status.SOLVED, Status.SUSPENDED)  # a criminal case was opened


class Incident(models.Model):
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="incidents"
    )
    unit_path = models.CharField(max_length=255, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField(_("what happened"))
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    article = models.CharField(_("Penal Code article"), max_length=8, blank=True)
    crime_group = models.CharField(_("crime group"), max_length=24, blank=True)  # from the article's group
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    case_opened_on = models.DateField(_("case opened on"), null=True, blank=True)
    investigating_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("investigating unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investigated_incidents",
    )
    investigating_path = models.CharField(max_length=255, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["classification", "crime_group", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SV-{self.pk:06d}" if self.pk else "SV-?"


class IncidentEvent(models.Model):
    """The history of an incident: one row per change (written by events.py)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class IncidentReport(models.Model):
    """A crime report (tips) an incident came from. Only the report's reference is kept, and what the
    referring officer chose to copy; the report's content stays encrypted in tips."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    tip = models.OneToOneField("tips.Tip", null=True, on_delete=models.SET_NULL, related_name="+")
    tip_reference = models.CharField(_("report reference"), max_length=12)
    summary = models.TextField(_("copied by the officer"), blank=True)
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["linked_at"]

    def __str__(self) -> str:
        return f"{self.incident_id} ← {self.tip_reference}"

    @property
    def display_reference(self) -> str:
        return f"{self.tip_reference[:4]}-{self.tip_reference[4:]}"


class IncidentCameraAlert(models.Model):
    """A camera alert a duty officer handed on, which this incident came from: the alert (while cameras keeps
    it) and what identifies it once it is gone — its number, the camera and the detection. One incident per
    alert: `alert_number` is unique, so handing the same alert on twice never makes two."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="camera_alerts")
    alert = models.OneToOneField("cameras.Alert", null=True, on_delete=models.SET_NULL, related_name="+")
    alert_number = models.PositiveBigIntegerField(_("alert number"), unique=True)
    camera_code = models.CharField(_("camera"), max_length=40, blank=True)
    camera_name = models.CharField(_("camera name"), max_length=120, blank=True)
    event_label = models.CharField(_("object"), max_length=40, blank=True)
    event_score = models.DecimalField(_("score"), max_digits=4, decimal_places=3, null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"), null=True, blank=True)
    note = models.TextField(_("note of the duty officer"), blank=True)
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["linked_at"]

    def __str__(self) -> str:
        return f"{self.incident_id} ← camera alert {self.alert_number}"

    @property
    def event_label_display(self) -> str:
        return str(LABELS.get(self.event_label, self.event_label))

    @property
    def confidence(self) -> int | None:
        """The detection's score as a percentage."""
        return None if self.event_score is None else round(self.event_score * 100)


class BaseFigure(models.Model):
    """Crimes counted before the system (e.g. 2016–2020), per ward, year and group: the base period the
    statistics compare against."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField()
    crime_group = models.CharField(max_length=24)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "crime_group"], name="incidents_one_base_figure")
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.year} {self.crime_group}: {self.count}"


# --- people and exhibits (issue 16, item 3) -------------------------------------------------------------


class PersonRole(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    REPORTER = "reporter", _("Reporter")


class PersonSex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IncidentPerson(models.Model):
    """A person involved in an incident, in one role. Identified by the 12-digit personal ID when it is
    known (the same number in several incidents is the same person); read only by the handling unit, its
    leaders, the investigating unit and the province's investigation departments, every read audited."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="persons")
    role = models.CharField(_("role"), max_length=16, choices=PersonRole.choices)
    full_name = models.CharField(_("full name"), max_length=150)
    personal_id = models.CharField(_("personal identification number"), max_length=12, blank=True, db_index=True)
    # A foreigner (or anyone known by a passport): 6 to 9 letters or digits, upper case, with the issuing
    # country's ISO 3166-1 alpha-2 code; the flagged-guests match of hotels' foreign guests (ADR 0042).
    passport_number = models.CharField(_("passport number"), max_length=9, blank=True, db_index=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True, validators=[validate_alpha_2])
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=PersonSex.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["incident", "role", "pk"]
        verbose_name = _("person involved")
        verbose_name_plural = _("persons involved")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.role} #{self.pk}"  # no name: this string lands in audit rows

    @property
    def in_custody(self) -> bool:
        return any(a.released_on is None for a in self.arrests.all())


class Arrest(models.Model):
    """A person arrested or detained in the incident, and released (or not yet)."""

    person = models.ForeignKey(IncidentPerson, on_delete=models.PROTECT, related_name="arrests")
    arrested_on = models.DateField(_("arrested on"))
    grounds = models.CharField(_("grounds"), max_length=255, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    release_reason = models.CharField(_("reason for release"), max_length=255, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["arrested_on", "pk"]
        indexes = [models.Index(fields=["arrested_on"], name="incidents_arrest_on")]  # the statistics' arrests
        constraints = [
            # At most one open arrest per person: a release closes it before another may start.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(released_on__isnull=True), name="incidents_one_open_arrest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.arrested_on}"


class Exhibit(models.Model):
    """Something seized in an incident. `stored_at` is where it is now: the seizure's store, then the
    receiving side of the last hand-over (written only by the hand-over service)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="exhibits")
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    measure = models.CharField(_("unit of measure"), max_length=20)
    estimated_value = models.PositiveBigIntegerField(_("estimated value (VND)"), null=True, blank=True)
    seized_at = models.DateTimeField(_("seized at"))
    stored_at = models.CharField(_("where it is stored"), max_length=255)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["incident", "pk"]
        verbose_name = _("exhibit")
        verbose_name_plural = _("exhibits")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"VC-{self.pk:06d}" if self.pk else "VC-?"


class AppendOnly(Exception):
    """A past hand-over cannot be changed or removed."""


class HandoverQuerySet(models.QuerySet["ExhibitHandover"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnly("a custody chain is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("a custody chain is append-only")


class ExhibitHandover(models.Model):
    """One link of an exhibit's custody chain: from whom to whom, when and why. Append-only: `save()` only
    inserts, and neither a row nor a queryset can be updated or deleted (a correction is a new hand-over)."""

    exhibit = models.ForeignKey(Exhibit, on_delete=models.PROTECT, related_name="handovers")
    sequence = models.PositiveIntegerField()
    from_holder = models.CharField(_("from"), max_length=255)
    to_holder = models.CharField(_("to"), max_length=255)
    at = models.DateTimeField(_("when"))
    reason = models.CharField(_("why"), max_length=500)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = HandoverQuerySet.as_manager()

    class Meta:
        ordering = ["exhibit", "sequence"]
        constraints = [models.UniqueConstraint(fields=["exhibit", "sequence"], name="incidents_handover_sequence")]

    def __str__(self) -> str:
        return f"{self.exhibit_id} #{self.sequence}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None or kwargs.get("update_fields"):
            raise AppendOnly("a custody chain is append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("a custody chain is append-only")


# --- campaigns (issue 16, item 4) -----------------------------------------------------------------------


class Campaign(models.Model):
    """A campaign ("peak campaign against black credit 2024"): its dates, lead unit, the units taking part,
    its targets; it tags incidents, and its results are counted from them."""

    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    lead_unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(max_length=255, db_index=True)
    targets = models.TextField(_("targets"), blank=True)
    target_rings = models.PositiveIntegerField(_("rings to dismantle"), null=True, blank=True)
    target_arrests = models.PositiveIntegerField(_("persons to arrest"), null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class CampaignUnit(models.Model):
    """A unit taking part in a campaign (its people see the campaign and tag their incidents)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="incidents_campaign_unit")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.unit_path}"


class CampaignIncident(models.Model):
    """An incident counted in a campaign; `ring_dismantled` when it broke up a criminal ring (đường dây,
    ổ nhóm), which the results count."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tags")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="campaign_tags")
    ring_dismantled = models.BooleanField(_("a criminal ring dismantled"), default=False)
    tagged_at = models.DateTimeField()
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "incident"], name="incidents_campaign_incident")]

    def __str__(self) -> str:
        return f"{self.campaign_id} ← {self.incident_id}"


# --- the statistics' summary (ADR 0018, "Speed") ------------------------------------------------------------


class IncidentMonthStat(models.Model):
    """Incidents counted per ward, local month of receipt, crime group and article: what the crime statistics
    read for whole months instead of the register itself. Kept by the services in the writer's transaction
    (summary.py: one upsert per changed key) and rebuilt from the register by `rebuild_incident_summary`."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    month = models.DateField()  # the first day of the local month the incidents were received in
    crime_group = models.CharField(max_length=24, blank=True)
    article = models.CharField(max_length=8, blank=True)
    incidents = models.IntegerField(default=0)
    crimes = models.IntegerField(default=0)  # classified as crimes, criminal case opened
    solved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "crime_group", "article"], name="incidents_one_month_stat")
        ]
        indexes = [models.Index(fields=["month", "unit_path"], name="incidents_monthstat_month")]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.month:%Y-%m} {self.crime_group}/{self.article}: {self.incidents}"
