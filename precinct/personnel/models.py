"""The force's own records around organisation.Officer (rank, position, unit): careers, staffing, transfers under
Resolution 40, discipline, training, emulation and dialogue.

History is the record: career rows are only ever added. A mistake is put right by a new row that names the one it
corrects (`corrects`); readers skip corrected rows. Every row reaches a unit path through its officer
(`officer__unit__path`) or carries one (`unit_path`), so selectors scope with organisation.scoping.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.organisation.models import Officer, Rank, Unit

RANK_ORDER = {value: i for i, value in enumerate(Rank.values)}


class Level(models.TextChoices):
    """Where a unit sits after the 2025 reform: the province (its command and departments) or a commune-level
    police (ward, commune, special zone)."""

    PROVINCE = "province", _("Province level")
    COMMUNE = "commune", _("Commune level")


class EducationLevel(models.IntegerChoices):
    INTERMEDIATE = 1, _("Intermediate")
    COLLEGE = 2, _("College")
    UNIVERSITY = 3, _("University")
    MASTER = 4, _("Master")
    DOCTORATE = 5, _("Doctorate")


class PoliticalTheory(models.IntegerChoices):
    NONE = 0, _("None")
    ELEMENTARY = 1, _("Elementary")
    INTERMEDIATE = 2, _("Intermediate")
    ADVANCED = 3, _("Advanced")


class Rating(models.IntegerChoices):
    """A year's evaluation of an officer, worst first."""

    NOT_COMPLETED = 1, _("Did not complete duties")
    COMPLETED = 2, _("Completed duties")
    GOOD = 3, _("Completed duties well")
    EXCELLENT = 4, _("Completed duties excellently")


class Decided(models.Model):
    """A row that rests on a decision: its number, date and (optionally) the signed file."""

    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_file = models.FileField(_("decision file"), upload_to="personnel/decisions/%Y/", blank=True)

    class Meta:
        abstract = True


class CareerRow(Decided):
    """One dated fact of an officer's career, never changed after it is written."""

    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+")
    corrects = models.ForeignKey(
        "self", verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.model_name} #{self.pk} of officer {self.officer_id}"


class Profile(models.Model):
    """What is known of an officer beyond organisation.Officer: date of birth, date of joining, sex.
    The current rank, position and unit stay on Officer (every app reads them); their history is below."""

    officer = models.OneToOneField(Officer, on_delete=models.CASCADE, related_name="profile")
    date_of_birth = models.DateField(_("date of birth"))
    joined_on = models.DateField(_("date of joining"))
    sex = models.CharField(_("sex"), max_length=8, blank=True)
    # The highest level among the officer's live Education rows: a copy kept by career_add in the same transaction
    # (the rows stay the record), so the leaders' figures count degrees without a subquery per officer.
    education_level = models.PositiveSmallIntegerField(_("highest education"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("personnel profile")

    def __str__(self) -> str:
        return f"profile of officer {self.officer_id}"


class RankRecord(CareerRow):
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices)
    effective_on = models.DateField(_("effective on"))

    class Meta:
        indexes = [models.Index(fields=["officer", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.get_rank_display()} ({self.effective_on:%d/%m/%Y})"


class Posting(CareerRow):
    """A posting: unit and position from a date; it lasts until the officer's next posting starts (so a transfer
    adds a row and never edits the previous one)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    position = models.CharField(_("position"), max_length=150, blank=True)
    start_on = models.DateField(_("from"))

    class Meta:
        indexes = [models.Index(fields=["officer", "start_on"])]

    def __str__(self) -> str:
        return f"posting #{self.pk} from {self.start_on:%d/%m/%Y}"


class Education(CareerRow):
    level = models.PositiveSmallIntegerField(_("level"), choices=EducationLevel.choices)
    field = models.CharField(_("field"), max_length=150)
    institution = models.CharField(_("institution"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        indexes = [models.Index(fields=["level", "officer"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.field}"


class TheoryRecord(CareerRow):
    level = models.PositiveSmallIntegerField(_("political-theory level"), choices=PoliticalTheory.choices)
    awarded_on = models.DateField(_("awarded on"))

    def __str__(self) -> str:
        return str(self.get_level_display())


class CertificateKind(models.TextChoices):
    TRAINING = "training", _("Professional training")
    LICENCE = "licence", _("Licence")
    CERTIFICATE = "certificate", _("Certificate")


class Certificate(CareerRow):
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    def __str__(self) -> str:
        return self.title


class Commendation(CareerRow):
    title = models.CharField(_("title"), max_length=200)
    awarded_on = models.DateField(_("awarded on"))

    def __str__(self) -> str:
        return self.title


class Evaluation(CareerRow):
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)

    class Meta:
        indexes = [models.Index(fields=["officer", "year"])]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_rating_display()}"


# --- staffing ---------------------------------------------------------------------------------------------


class StaffPosition(models.Model):
    """A title a unit should have filled, and how many of it ("perfecting the titles and positions")."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=150)
    count = models.PositiveSmallIntegerField(_("how many"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "title"], name="personnel_position_unique")]

    def __str__(self) -> str:
        return f"{self.title} × {self.count}"


# --- transfers under Resolution 40 --------------------------------------------------------------------------


class Direction(models.TextChoices):
    TO_PROVINCE = "to_province", _("Commune level → province")
    TO_COMMUNE = "to_commune", _("Province → commune level")


class TransferCriteria(models.Model):
    """The standards of Resolution 40 for one direction, as data (the personnel department edits them)."""

    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices, unique=True)
    min_years_at_level = models.PositiveSmallIntegerField(_("years at the current level, at least"), default=5)
    max_age = models.PositiveSmallIntegerField(_("age, at most"), null=True, blank=True)
    min_rank = models.CharField(_("rank, at least"), max_length=16, choices=Rank.choices, blank=True)
    min_education = models.PositiveSmallIntegerField(
        _("education, at least"), choices=EducationLevel.choices, null=True, blank=True
    )
    discipline_free_years = models.PositiveSmallIntegerField(_("years without discipline"), default=0)
    min_rating = models.PositiveSmallIntegerField(_("rating, at least"), choices=Rating.choices, null=True, blank=True)
    rating_years = models.PositiveSmallIntegerField(_("over the last years"), default=0)

    def __str__(self) -> str:
        return str(self.get_direction_display())


class TransferRound(models.Model):
    title = models.CharField(_("title"), max_length=200)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("criteria counted on"))
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    UNIT_APPROVED = "unit_approved", _("Approved by the unit leader")
    DEPARTMENT_APPROVED = "department_approved", _("Approved by the personnel department")
    APPROVED = "approved", _("Approved by the director")
    APPLIED = "applied", _("In effect")
    CANCELLED = "cancelled", _("Cancelled")


class Transfer(Decided):
    round = models.ForeignKey(TransferRound, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers")
    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    from_unit = models.ForeignKey(Unit, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    from_position = models.CharField(max_length=150, blank=True)
    to_unit = models.ForeignKey(Unit, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+")
    to_position = models.CharField(_("new position"), max_length=150)
    new_roles = models.JSONField(_("roles at the new unit"), default=list)
    effective_on = models.DateField(_("effective on"))
    status = models.CharField(_("status"), max_length=24, choices=TransferStatus.choices, db_index=True)
    unit_path = models.CharField(max_length=255, db_index=True)  # the old unit's path: who may see it
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    ended_roles = models.JSONField(default=list)  # what applying ended: [{"unit": code, "role": role}]

    def __str__(self) -> str:
        return f"transfer #{self.pk}"


class TransferEvent(models.Model):
    """The transfer's history (events.py): proposed, each approval, applied, cancelled, a checklist step."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class HandoverStep(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("step"), max_length=200)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


# --- discipline ---------------------------------------------------------------------------------------------


class DisciplineKind(models.TextChoices):
    REPRIMAND = "reprimand", _("Reprimand")
    WARNING = "warning", _("Warning")
    DEMOTION = "demotion", _("Demotion")
    DISMISSAL = "dismissal", _("Dismissal from post")
    SUSPENSION = "suspension", _("Suspension from duty")
    DISCHARGE = "discharge", _("Discharge from the force")


BLOCKING_KINDS = (DisciplineKind.SUSPENSION, DisciplineKind.DISCHARGE)


class DisciplineRecord(Decided):
    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)  # the officer's unit when decided
    kind = models.CharField(_("kind"), max_length=16, choices=DisciplineKind.choices)
    violation = models.TextField(_("violation"))
    decided_on = models.DateField(_("decided on"), db_index=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    ended_roles = models.JSONField(default=list)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)  # a suspension's roles given back

    class Meta:
        indexes = [models.Index(fields=["decided_on", "officer"])]

    def __str__(self) -> str:
        return f"discipline #{self.pk}"  # neutral: it labels audit rows


# --- training -----------------------------------------------------------------------------------------------


class CourseKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    TOPIC = "topic", _("Topic")
    POLITICAL = "political", _("Political")


class MandatoryFor(models.TextChoices):
    NOBODY = "", _("Nobody")
    EVERYONE = "everyone", _("Every officer")
    COMMUNE = "commune", _("Commune-level officers")
    PROVINCE = "province", _("Province-level officers")


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices)
    organiser = models.ForeignKey(Unit, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    capacity = models.PositiveIntegerField(_("capacity"))
    mandatory_for = models.CharField(_("mandatory for"), max_length=16, choices=MandatoryFor.choices, blank=True)

    def __str__(self) -> str:
        return self.title


class EnrolmentResult(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Enrolment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=EnrolmentResult.choices, default="enrolled")
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    sessions_attended = models.PositiveSmallIntegerField(_("sessions attended"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "officer"], name="personnel_enrolment_unique")]

    def __str__(self) -> str:
        return f"enrolment #{self.pk}"


class CourseSession(models.Model):
    """One session of a course (a day, a topic); attendance is recorded per session."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    """An enrolled officer was present at a session (absence is no row). Enrolment.sessions_attended is their count,
    kept by services.training.attendance_set."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="personnel_attendance_unique")]

    def __str__(self) -> str:
        return f"attendance #{self.pk}"


# --- emulation, political activities, dialogue ----------------------------------------------------------------


class ActivityKind(models.TextChoices):
    EMULATION = "emulation", _("Emulation movement")
    POLITICAL = "political", _("Political activity")
    DIALOGUE = "dialogue", _("Dialogue session")


class Activity(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    held_on = models.DateField(_("date"))
    participants = models.PositiveIntegerField(_("participants"), default=0)
    awards = models.PositiveIntegerField(_("awards"), default=0)
    issues_raised = models.PositiveIntegerField(_("issues raised"), default=0)
    issues_resolved = models.PositiveIntegerField(_("issues resolved"), default=0)

    def __str__(self) -> str:
        return self.title


# --- summaries for the leaders' figures (summary.py) ----------------------------------------------------------


class UnitStrength(models.Model):
    """A unit's officers in service now: how many, how many with a college degree or higher, and its planned
    positions (StaffPosition) with how many of them nobody holds. Recounted for the units a write touches, in the
    writer's transaction (`summary.units_refresh`), so the figures for the whole force read 3,600 rows instead of
    100,000 officers and 11,000 positions."""

    unit = models.OneToOneField(Unit, primary_key=True, on_delete=models.CASCADE, related_name="+")
    headcount = models.PositiveIntegerField(default=0)
    degree = models.PositiveIntegerField(default=0)
    positions = models.PositiveIntegerField(default=0)
    vacancies = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"strength of unit {self.unit_id}"


class CourseUnitResult(models.Model):
    """Enrolments in a course of the officers now in a unit, and how many of them passed: the training coverage
    per unit without reading the enrolments. Recounted with UnitStrength (summary.py)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    enrolled = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "unit"], name="personnel_course_unit_unique")]

    def __str__(self) -> str:
        return f"course {self.course_id} in unit {self.unit_id}"
