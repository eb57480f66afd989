"""The population register: persons, households at an address, residence records with their legal basis and
history, accommodation establishments and their guests' stays (an inbox of raw notices, then stays)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class PersonStatus(models.TextChoices):
    LIVING = "living", _("Living")
    DECEASED = "deceased", _("Deceased")
    MISSING = "missing", _("Missing")


class SexChoices(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Person(models.Model):
    """A resident, held by the ward whose police keep the record (`unit_path`: scoped reads)."""

    personal_id = models.CharField(_("personal identification number"), max_length=12, blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, default="")  # accent-free, for matching
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=SexChoices.choices, blank=True)
    place_of_origin = models.CharField(_("place of origin"), max_length=200, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="VN")
    status = models.CharField(_("status"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.LIVING)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("ward"))
    unit_path = models.CharField(max_length=255, db_index=True)
    verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"], condition=~Q(personal_id=""), name="residence_person_personal_id_unique"
            )
        ]
        indexes = [
            models.Index(fields=["unit_path", "date_of_birth"]),
            models.Index(fields=["date_of_birth"], name="residence_person_birth"),  # the incremental check
        ]

    def __str__(self) -> str:
        return self.full_name


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")


class Household(models.Model):
    """A household at an address in a ward: a head and members with their relation to the head."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("ward"))
    unit_path = models.CharField(max_length=255, db_index=True)
    street = models.CharField(_("street / hamlet"), max_length=200)
    number = models.CharField(_("house number"), max_length=30, blank=True)
    head = models.ForeignKey(
        Person, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("head of household")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        ordering = ["street", "number", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.street}".strip()


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(_("relation to the head"), max_length=12, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="residence_member_once"),
            models.UniqueConstraint(
                fields=["household"], condition=Q(relation="head"), name="residence_one_head_per_household"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in household {self.household_id} ({self.relation})"


class ResidenceKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent residence")
    TEMPORARY = "temporary", _("Temporary residence")
    ABSENCE = "absence", _("Temporary absence")


class Basis(models.TextChoices):
    DOSSIER = "dossier", _("Dossier")
    IMPORT = "import", _("Import")


class ResidenceRecord(models.Model):
    """One residence (or declared absence) of a person in a ward, with its legal basis. `is_current` turns
    False when it ends; the database allows one current permanent residence per person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("kind"), max_length=10, choices=ResidenceKind.choices)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("ward"))
    unit_path = models.CharField(max_length=255, db_index=True)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="records")
    address = models.CharField(_("address"), max_length=300)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    basis = models.CharField(_("legal basis"), max_length=10, choices=Basis.choices)
    dossier = models.ForeignKey("eservices.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("residence record")
        ordering = ["-start", "-pk"]
        constraints = [
            # A partial unique index: SQLite and PostgreSQL both enforce it, whatever code writes the row.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="permanent", is_current=True),
                name="residence_one_current_permanent",
            ),
            models.CheckConstraint(
                condition=~Q(kind="temporary") | Q(end__isnull=False), name="residence_temporary_has_end"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="residence_dates"
            ),
            models.CheckConstraint(
                condition=~Q(basis="dossier") | Q(dossier__isnull=False), name="residence_dossier_basis_has_dossier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.address}"


class ResidenceEvent(models.Model):
    """The history of a residence record (written only through residence/events.py)."""

    record = models.ForeignKey(ResidenceRecord, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20)
    data = models.JSONField(default=dict, blank=True)
    dossier = models.ForeignKey(  # the dossier whose result made this change, if any
        "eservices.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} of record {self.record_id}"


class NotDuplicate(models.Model):
    """Two persons an officer confirmed are different people: the pair is no longer shown as a duplicate."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="residence_not_duplicate_once"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="residence_not_duplicate_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class EstablishmentKind(models.TextChoices):
    HOTEL = "hotel", _("Hotel")
    HOMESTAY = "homestay", _("Homestay")


class Establishment(models.Model):
    """A hotel or homestay registered to a ward; it reports guests' stays with its key (only a hash is kept)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=EstablishmentKind.choices)
    owner_name = models.CharField(_("owner"), max_length=150)
    address = models.CharField(_("address"), max_length=300)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("ward"))
    unit_path = models.CharField(max_length=255, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("establishment")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StayNotice(models.Model):
    """The inbox: one raw notice as the establishment sent it, keyed by its own stay id and the event
    (arrival / departure), so a repeat is ignored. A worker turns it into a Stay."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="notices")
    key = models.CharField(max_length=120)
    payload = models.JSONField()
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["establishment", "key"], name="residence_notice_once")]
        indexes = [models.Index(fields=["processed_at", "id"])]

    def __str__(self) -> str:
        return self.key


class Stay(models.Model):
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="stays")
    unit_path = models.CharField(max_length=255, db_index=True)
    stay_id = models.CharField(_("establishment's stay id"), max_length=100)
    guest_name = models.CharField(_("guest"), max_length=150)
    personal_id = models.CharField(_("personal identification number"), max_length=12, blank=True)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    arrival = models.DateTimeField(_("arrival"))
    expected_departure = models.DateField(_("expected departure"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)

    class Meta:
        ordering = ["-arrival", "pk"]
        # Partitioned by month of `arrival` on PostgreSQL (ADR 0039), whose keys must hold the partition column:
        # the key is (establishment, stay id, arrival). A stay reported twice is still one stay because its
        # notice is stored once in the inbox (residence_notice_once), and only a new notice makes a stay.
        constraints = [
            models.UniqueConstraint(fields=["establishment", "stay_id", "arrival"], name="residence_stay_once")
        ]

    def __str__(self) -> str:
        return f"{self.guest_name} ({self.stay_id})"


class StayFlag(models.Model):
    """A stay whose guest the incidents register flags (ADR 0039): written once per stay by the incidents
    app's receiver through services.stays.stay_flag, shown on the stays page to the ward's officers. The
    stay is named by id and arrival, not by a foreign key, because stays are partitioned by month on
    PostgreSQL and a reference to them would have to carry the arrival too."""

    stay_ref = models.BigIntegerField(unique=True)
    arrival = models.DateTimeField()
    unit_path = models.CharField(max_length=255, db_index=True)
    reason = models.CharField(max_length=40)  # a code of the flagging app, never the incident's details
    flagged_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"stay {self.stay_ref} ({self.reason})"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second officer")
    APPROVED = "approved", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")


class CorrectionRequest(models.Model):
    """A manual correction of a person's record: asked by one officer with a reason, applied only when a second
    officer approves (four eyes: the database refuses a decision by the officer who asked)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="corrections")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("ward"))
    unit_path = models.CharField(max_length=255, db_index=True)
    changes = models.JSONField()  # {field: {"before": …, "after": …}}, values as the form gives them (ISO dates)
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("correction request")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="residence_correction_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False)),
                name="residence_correction_decided_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"correction {self.pk} of person {self.person_id}"


class ImportStatus(models.TextChoices):
    REFUSED = "refused", _("Refused: nothing imported")
    APPLIED = "applied", _("Imported")


class ImportBatch(models.Model):
    """One upload of an existing register (CSV/XLSX) into a ward: what was found wrong row by row (the
    downloadable error report), what was written. A file already applied to the ward is not applied again."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("ward"))
    unit_path = models.CharField(max_length=255, db_index=True)
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    only_valid = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"row": n, "column": name, "message": text}]
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "file_sha256"], condition=Q(status="applied"), name="residence_import_file_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.unit_id} ({self.status})"


class QualitySnapshot(models.Model):
    """A ward's quality figures for a month (the latest scan of that month): the trend by month."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    month = models.DateField()  # the first day of the month
    persons = models.PositiveIntegerField()
    completeness = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    validity = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    uniqueness = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    timeliness = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    consistency = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    duplicate_count = models.PositiveIntegerField()
    expired_count = models.PositiveIntegerField()
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="residence_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month}"


class Dimension(models.TextChoices):
    VALIDITY = "validity", _("Validity")
    COMPLETENESS = "completeness", _("Completeness")
    UNIQUENESS = "uniqueness", _("Uniqueness")
    CONSISTENCY = "consistency", _("Consistency")
    TIMELINESS = "timeliness", _("Timeliness")


class Subject(models.TextChoices):
    PERSON = "person", _("Person")
    HOUSEHOLD = "household", _("Household")
    RECORD = "record", _("Residence record")


class QualityRule(models.Model):
    """One data-quality rule as data (ADR 0038): its dimension, what it applies to, its parameters and whether the
    scan runs it. The code names the check in rules.py; the rows are written by a data migration, then changed
    only by rules.rule_update (validated, audited)."""

    code = models.CharField(max_length=40, unique=True)
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    applies_to = models.CharField(_("applies to"), max_length=10, choices=Subject.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    label_vi = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["dimension", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_vi if (get_language() or "vi").startswith("vi") else self.label_en


class IssueState(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed")
    CONFIRMED = "confirmed", _("Confirmed correct")
    NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")


class QualityIssue(models.Model):
    """One finding of a rule in a ward's work queue. `key` names the finding (rule, subject, other record of a
    pair); at most one open row per key. The scans open new findings and close as fixed those that no longer
    hold; an officer closes one as confirmed correct or not a duplicate (with a reason), and such a finding is
    not opened again."""

    rule = models.ForeignKey(QualityRule, on_delete=models.PROTECT, related_name="issues")
    key = models.CharField(max_length=80)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(ResidenceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    detail = models.CharField(max_length=300, blank=True)  # in Vietnamese, the site's first language
    detail_en = models.CharField(max_length=300, blank=True)  # the same in English ("" for rows before 0008)
    state = models.CharField(_("state"), max_length=14, choices=IssueState.choices, default=IssueState.OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(state="open"), name="residence_issue_open_once"),
        ]
        indexes = [
            models.Index(fields=["unit_path", "state"]),
            models.Index(fields=["key"], name="residence_issue_key"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def detail_text(self) -> str:
        """The finding in the reader's language (English rows written before 0008 fall back to `detail`)."""
        if translation.get_language() == "en" and self.detail_en:
            return self.detail_en
        return self.detail
