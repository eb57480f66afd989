from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.core.formats import format_date


class ExtraDayOff(models.Model):
    """A day off the national calendar does not know: decided by the province (storms, local events)."""

    province_code = models.CharField(_("province code"), max_length=8, db_index=True)
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extra day off")
        verbose_name_plural = _("extra days off")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["province_code", "day"], name="unique_extra_day_off")]

    def __str__(self) -> str:
        return f"{format_date(self.day)} — {self.reason}"


class ScheduledJob(models.Model):
    """When a periodic job (`core.schedule`) is next due, and the task its last run queued. The scheduler
    claims a run by moving `next_run_at` forward in one conditional UPDATE, so two schedulers never both
    queue it."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_claimed_at = models.DateTimeField(null=True, blank=True)
    last_result_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"


class IdempotencyRecord(models.Model):
    """The first answer to a request sent with an `Idempotency-Key` header (precinct/core/idempotency.py):
    written in the same transaction as the write it answers, so it exists exactly when the write does."""

    scope = models.CharField(max_length=60)  # the operation, e.g. "eservices.dossier_submit"
    # The caller, as the decorator's `caller=` names it: a user's id, or an establishment's for the stays (no
    # foreign key: the kernel names no user model, and callers are of several kinds).
    caller_id = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path, content type and body
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "caller_id", "key"], name="idempotency_once_per_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.caller_id} {self.key}"
