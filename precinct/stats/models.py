"""Summary tables of dossiers, so that figures are read from a few thousand rows, never by scanning
all dossiers (docs/adr/0010-dossier-statistics.md).

- `MonthlyStat`: one row per (month, receiving unit, procedure, field, channel) with counters:
  dossiers *received* in that month (and the fees billed and paid on them), and dossiers *closed* in
  that month by outcome.
- `OpenStat`: dossiers not closed yet, per (unit, procedure, field, due date, clock paused): "overdue now"
  and "in progress, not yet due" are sums over due dates before / from today.
- `ResolveDaysStat`: how many resolved dossiers took N working days, per (month, unit, procedure,
  field): the median comes from this histogram.
- `StatDelta`: what a submission or a transition changed, written inside its transaction (insert-only,
  so parallel submissions never wait on one another); `folding.stats_fold()` adds them to the tables above.
- `WorkdayNumber`: the working days on or before each day, so the rebuild counts working days in SQL.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.eservices.models import Channel


def _fk(model: str) -> models.ForeignKey:
    # Plain keys without database constraints: summaries never block deleting or editing the catalogue.
    return models.ForeignKey(model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")


COUNTERS = (
    "received",
    "supplemented",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "returned",
    "withdrawn",
    "resolve_days_total",
    # Fees (payment requests) on the dossiers received in the month: billed and not cancelled, and of
    # those the ones paid online (count, VND); fed by payments' payment_request_changed (see the ADR).
    "billed_count",
    "paid_count",
    "paid_vnd",
    "rating_count",
    "rating_total",
)


class MonthlyStat(models.Model):
    month = models.DateField()  # the first day of the month (local time)
    unit = _fk("organisation.Unit")
    procedure = _fk("eservices.Procedure")
    field = _fk("eservices.ServiceField")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    received = models.IntegerField(default=0)
    supplemented = models.IntegerField(default=0)  # of those received: asked for a supplement at least once
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)  # also counted in resolved_*: a refusal is a decision
    returned = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    resolve_days_total = models.BigIntegerField(default=0)
    billed_count = models.IntegerField(default=0)
    paid_count = models.IntegerField(default=0)
    paid_vnd = models.BigIntegerField(default=0)
    rating_count = models.IntegerField(default=0)
    rating_total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "unit", "procedure", "field", "channel"], name="stats_monthly_key")
        ]
        verbose_name = _("monthly dossier figures")
        verbose_name_plural = _("monthly dossier figures")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} unit {self.unit_id} procedure {self.procedure_id} {self.channel}"


class UnitMonthlyStat(models.Model):
    """`MonthlyStat` summed over procedures and fields: what a dashboard without a field or procedure
    filter reads (about a tenth of the rows)."""

    month = models.DateField()
    unit = _fk("organisation.Unit")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    received = models.IntegerField(default=0)
    supplemented = models.IntegerField(default=0)
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    resolve_days_total = models.BigIntegerField(default=0)
    billed_count = models.IntegerField(default=0)
    paid_count = models.IntegerField(default=0)
    paid_vnd = models.BigIntegerField(default=0)
    rating_count = models.IntegerField(default=0)
    rating_total = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "unit", "channel"], name="stats_unit_monthly_key")]
        indexes = [models.Index(fields=["unit", "month"], name="stats_unit_monthly_by_unit")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} unit {self.unit_id} {self.channel}"


class OpenStat(models.Model):
    unit = _fk("organisation.Unit")
    procedure = _fk("eservices.Procedure")
    field = _fk("eservices.ServiceField")
    due_date = models.DateField()
    paused = models.BooleanField(default=False)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "procedure", "field", "due_date", "paused"], name="stats_open_key")
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_id} due {self.due_date}: {self.n}"


class ResolveDaysStat(models.Model):
    month = models.DateField()
    unit = _fk("organisation.Unit")
    procedure = _fk("eservices.Procedure")
    field = _fk("eservices.ServiceField")
    days = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "unit", "procedure", "field", "days"], name="stats_days_key")
        ]
        indexes = [models.Index(fields=["unit", "month"], name="stats_days_by_unit")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} unit {self.unit_id}: {self.days} days × {self.n}"


class UnitDaysStat(models.Model):
    """`ResolveDaysStat` summed over procedures and fields."""

    month = models.DateField()
    unit = _fk("organisation.Unit")
    days = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "unit", "days"], name="stats_unit_days_key")]
        indexes = [models.Index(fields=["unit", "month"], name="stats_unit_days_by_unit")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} unit {self.unit_id}: {self.days} days × {self.n}"


class DeltaKind(models.IntegerChoices):
    MONTHLY = 1
    OPEN = 2
    DAYS = 3


class StatDelta(models.Model):
    """A change to one row of a summary table, not yet folded in. `day` is the month (MONTHLY, DAYS)
    or the due date (OPEN); `n` is the OPEN/DAYS count."""

    kind = models.PositiveSmallIntegerField(choices=DeltaKind.choices)
    day = models.DateField()
    unit_id = models.IntegerField()
    procedure_id = models.IntegerField()
    field_id = models.IntegerField()
    channel = models.CharField(max_length=16, blank=True)
    paused = models.BooleanField(default=False)
    days = models.IntegerField(default=0)
    n = models.IntegerField(default=0)
    received = models.IntegerField(default=0)
    supplemented = models.IntegerField(default=0)
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    resolve_days_total = models.BigIntegerField(default=0)
    billed_count = models.IntegerField(default=0)
    paid_count = models.IntegerField(default=0)
    paid_vnd = models.BigIntegerField(default=0)
    rating_count = models.IntegerField(default=0)
    rating_total = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"delta {self.pk} kind {self.kind}"


class StatsState(models.Model):
    """One row: when the summaries were last folded and rebuilt (the folder locks it)."""

    folded_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"folded {self.folded_at}, rebuilt {self.rebuilt_at}"


class WorkdayNumber(models.Model):
    """How many working days fall on or before `day` (from the working-day calendar)."""

    day = models.DateField(primary_key=True)
    number = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.day}: {self.number}"
