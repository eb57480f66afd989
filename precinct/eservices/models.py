"""The one-stop shop: a versioned catalogue of procedures, and the dossiers citizens submit."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from precinct.core.text import fold


class ServiceField(models.Model):
    """A field of procedures (lĩnh vực): residence, identity cards, exit-entry, ..."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") and self.name_en else self.name


class Workflow(models.Model):
    """States, actions and who may take them, as data (see eservices.workflow for the format)."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    definition = models.JSONField(_("definition"))

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    PROVINCE = "province", _("Provincial")
    COMMUNE = "commune", _("Commune")


class Procedure(models.Model):
    """A procedure's stable identity; what it says lives in its versions."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    current = models.ForeignKey(
        "ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current version"),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return f"{self.code} {self.current.display_name if self.current else ''}".strip()


class ProcedureVersion(models.Model):
    """One version of a procedure. Editing a procedure creates a new version; dossiers keep theirs."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    field = models.ForeignKey(
        ServiceField, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("field")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    # Provincial procedures are received by this department (its code within the province, e.g. PC06).
    receiving_department = models.CharField(_("receiving department"), max_length=16, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"))
    fee_vnd = models.PositiveIntegerField(_("fee (VND)"), default=0)
    cutoff = models.TimeField(_("daily cut-off time"), default=datetime.time(17, 0))
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    # What the national portal shows of a procedure besides the above (eservices.guide describes the keys):
    # legal basis, who may apply, steps, the result, where to submit.
    guide = models.JSONField(_("procedure guide"), default=dict, blank=True)
    form_schema = models.JSONField(_("form (JSON Schema)"), default=dict, blank=True)
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="+", verbose_name=_("workflow"))
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Deadline and fee are plausible samples for the operator to verify."),
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["procedure__code", "-number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="unique_procedure_version")]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") and self.name_en else self.name

    def refresh_search_text(self) -> None:
        self.search_text = fold(
            f"{self.procedure.code} {self.name} {self.name_en} {self.field.name} {self.field.name_en}"
        )


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    RETURNED = "returned", _("Returned as incomplete")
    IN_REVIEW = "in_review", _("In review")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    RESULT_ISSUED = "result_issued", _("Result issued")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STATUSES = (DossierStatus.RETURNED, DossierStatus.REFUSED, DossierStatus.DONE, DossierStatus.WITHDRAWN)


_CLOSED = models.Q(completed_at__isnull=False)


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=64, unique=True)
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("procedure")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("applicant")
    )
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("receiving unit")
    )
    unit_path = models.CharField(max_length=255, db_index=True)  # copied from unit: scoped lists need no join
    status = models.CharField(
        _("status"), max_length=24, choices=DossierStatus.choices, default=DossierStatus.SUBMITTED
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    form_data = models.JSONField(_("form"), default=dict)
    # The applicant's name folded (core.text.fold), copied at submission: the inbox finds "nguyen van" in
    # "Nguyễn Văn …" in the scoped list, without a join. Rows written in bulk elsewhere may leave it empty.
    applicant_folded = models.CharField(max_length=150, blank=True, default="", db_default="")
    submitted_at = models.DateTimeField(_("submitted at"))
    received_on = models.DateField(_("counts as received on"))
    due_date = models.DateField(_("due date"), db_index=True)
    # While a supplement is awaited the clock stops: the working days that were left are kept here.
    paused_days_left = models.SmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    decision_note = models.TextField(_("reason / note"), blank=True)
    # The officer who took the dossier in (or last acted on it when nobody did): warned before the due date.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned officer"),
    )
    overdue_on = models.DateField(_("marked overdue on"), null=True, blank=True)  # by the escalation sweep

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["unit_path", "status"]),
            models.Index(fields=["applicant", "-submitted_at"]),
            # The leaders' drill-down lists of closed dossiers, newest first: one for a small scope's rare
            # figures (a ward's late ones), one for the province's, read in completion order. Partial, so a
            # submission's INSERT touches neither.
            models.Index(fields=["unit_path", "completed_at"], condition=_CLOSED, name="dossier_closed_unit"),
            models.Index(fields=["completed_at"], condition=_CLOSED, name="dossier_closed"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class DossierEvent(models.Model):
    """The dossier's history as the citizen and officers see it (the audit log keeps the rest)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True, choices=DossierStatus.choices)
    to_status = models.CharField(max_length=24, choices=DossierStatus.choices)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"


def attachment_path(instance: "DossierAttachment", filename: str) -> str:
    # Stored names carry no user input: the original name is kept in the row.
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"dossiers/{instance.dossier.submitted_at:%Y/%m}/{uuid.uuid4().hex}.{suffix[:8]}"


class DossierAttachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document = models.CharField(_("document"), max_length=200, blank=True)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class DossierCodeSequence(models.Model):
    """The last sequence number a receiving agency gave on a day (dossier codes restart daily)."""

    agency_code = models.CharField(max_length=32)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_code", "day"], name="unique_code_sequence")]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day}: {self.last}"


class DossierRating(models.Model):
    """The citizen's rating of a finished dossier: once, 1–5, with an optional comment. The unit,
    procedure and officer are copied so averages need no join through the dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"
