"""The outbox: one row per dossier event the national public-service portal must hear about.

Rows are written in the transaction of the dossier change (so an event exists exactly when its change
committed) and delivered later by `delivery.sync_pass()`, oldest first and one at a time per dossier.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Failed (dead letter)")
    DISCARDED = "discarded", _("Discarded")


# States that still hold back the dossier's later events (per-dossier order is never broken).
BLOCKING_STATES = (OutboxState.PENDING, OutboxState.DEAD)


class OutboxEvent(models.Model):
    # The idempotency key: the receiver keeps the first copy of each key and ignores repeats.
    key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    # No foreign-key index of its own: the partial (dossier, id) index below serves every look-up.
    dossier = models.ForeignKey(
        "eservices.Dossier", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("dossier")
    )
    dossier_event_id = models.BigIntegerField()  # the DossierEvent this row reports
    dossier_code = models.CharField(_("dossier code"), max_length=64)
    unit_path = models.CharField(max_length=255)  # the receiving unit's path: scoped lists need no join
    action = models.CharField(_("action"), max_length=40)
    status = models.CharField(_("status"), max_length=24)  # the dossier's own status after the event
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=12, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_http_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("portal sync event")
        verbose_name_plural = _("portal sync events")
        indexes = [
            # The worker's scan: pending rows, oldest first.
            models.Index(fields=["id"], condition=Q(state="pending"), name="portalsync_pending"),
            # "Has this dossier an earlier event still waiting or dead?" (per-dossier order).
            models.Index(fields=["dossier", "id"], condition=Q(state__in=["pending", "dead"]), name="portalsync_open"),
            # The dead-letter lists, scoped by unit path.
            models.Index(fields=["unit_path"], condition=Q(state="dead"), name="portalsync_dead"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_code} {self.action} ({self.state})"
