"""Plans, their time-bound tasks and progress updates, and indicators with baselines and targets.

A task's status is never stored: it is derived from its facts (kind, due date, updates) by `status.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from precinct.organisation.models import Unit


class TaskKind(models.TextChoices):
    DUE = "due", _("Due by a date")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    CONTINUOUS = "continuous", _("Continuous")


RECURRING_KINDS = (TaskKind.MONTHLY, TaskKind.QUARTERLY, TaskKind.YEARLY, TaskKind.CONTINUOUS)


class Plan(models.Model):
    number = models.CharField(_("number and symbol"), max_length=40, unique=True)  # "56/KH-UBND"
    title = models.CharField(_("title"), max_length=400)
    issuer = models.CharField(_("issuer"), max_length=200)
    issued_on = models.DateField(_("date issued"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    document = models.FileField(_("source document"), upload_to="planning/plans/%Y/", blank=True)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit"))
    # Days before a task's due date from which an unfinished task counts as "at risk".
    warn_days = models.PositiveSmallIntegerField(_("at risk within (days)"), default=14)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-issued_on", "number")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order")
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField(_("no."))
    content = models.TextField(_("content"))
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit"))
    coordinating_units = models.ManyToManyField(
        Unit, related_name="+", blank=True, verbose_name=_("coordinating units")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TaskKind.choices)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    expected_output = models.CharField(_("expected output"), max_length=400, blank=True)

    class Meta:
        ordering = ("plan", "position")
        constraints = [
            models.UniqueConstraint(fields=("plan", "position"), name="task_position_unique"),
            models.CheckConstraint(condition=~Q(kind="due") | Q(due_on__isnull=False), name="task_due_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.number} #{self.position}"


class TaskUpdate(models.Model):
    """What the lead unit reports: progress text, per cent, files; `done_on` + evidence closes the task.
    A recurring task gets one update per period (`period_start`)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    period_start = models.DateField(_("period"), null=True, blank=True)
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("per cent done"), null=True, blank=True)
    done_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=400, blank=True)
    reported_on = models.DateField(_("reported on"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("task", "reported_on", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("task", "period_start"), condition=Q(period_start__isnull=False), name="task_update_per_period"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="task_update_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.reported_on}"


class TaskUpdateFile(models.Model):
    update = models.ForeignKey(TaskUpdate, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="planning/updates/%Y/")
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase (higher is better)")
    DECREASE = "decrease", _("Decrease (lower is better)")
    REACH = "reach", _("Reach the target")


class Indicator(models.Model):
    """A target: baseline (value over a base period), target (absolute, or a per cent change of the
    baseline), and values either computed by a registered measure (`measure_key`) or entered per period."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(_("no."))
    name = models.CharField(_("name"), max_length=300)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit"))
    unit_of_measure = models.CharField(_("unit of measure"), max_length=30, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    baseline_label = models.CharField(_("base period"), max_length=40)  # "2016–2020"
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_relative = models.BooleanField(_("target is a per cent change of the baseline"), default=False)
    measure_key = models.CharField(_("computed from"), max_length=80, blank=True)
    # The status rule, as data: on track when progress keeps up with the time elapsed in the plan's
    # period; at risk when it trails by at most this many points; off track beyond.
    at_risk_margin = models.PositiveSmallIntegerField(_("at risk margin (points)"), default=20)

    class Meta:
        ordering = ("plan", "position")
        constraints = [models.UniqueConstraint(fields=("plan", "position"), name="indicator_position_unique")]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """A value entered by hand for one period (indicators without a measure)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    evidence = models.CharField(max_length=400, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("indicator", "period_end")
        constraints = [
            models.UniqueConstraint(fields=("indicator", "period_start", "period_end"), name="indicator_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.period_end}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    PERIOD_MISSING = "period_missing", _("Period not reported")
    LATE = "late", _("Late")


class TaskReminder(models.Model):
    """A reminder told, once per task, kind and period (a due task's due date, or a recurring task's owed
    period): the sweep inserts it in the transaction that queues the messages, so a second run tells nothing."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    period = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ("-sent_at", "-pk")
        constraints = [models.UniqueConstraint(fields=("task", "kind", "period"), name="task_reminder_once")]

    def __str__(self) -> str:
        return f"{self.task} · {self.kind} · {self.period}"


class ActivityKind(models.TextChoices):
    GUIDING_DOCUMENT = "guiding_document", _("Guiding document issued")
    CONFERENCE = "conference", _("Thematic conference held")
    INSPECTION = "inspection", _("Inspection")
    OTHER = "other", _("Other activity")


class Activity(models.Model):
    """A simple log of what a unit did for a plan (documents issued, conferences held), counted by kind in the
    periodic report."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("plan", "-occurred_on", "-pk")
        indexes = [models.Index(fields=("plan", "occurred_on"), name="planning_activity_day")]

    def __str__(self) -> str:
        return f"{self.plan.number} · {self.kind} · {self.occurred_on}"
