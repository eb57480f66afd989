"""An append-only, tamper-evident record of every write.

Each row carries the hash of the previous row and its own hash over its content, so altering or
removing a row breaks the chain at that row; `manage.py audit_verify` finds the first break.
Rows refer to users and units by id without database constraints, so that deleting a user never
has to touch (and so break) the audit chain.
"""

import functools
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The unit's tree path at the time, so scoped reads need no join and survive unit moves.
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=100, blank=True)
    target_label = models.CharField(_("target"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only")

    def content(self) -> dict[str, Any]:
        """Everything the hash covers (all fields but the id and the hash itself)."""
        return {
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "unit_id": self.unit_id,
            "unit_path": self.unit_path,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }

    def canonical_parts(self) -> tuple[str, str]:
        """The canonical JSON of the content split around the previous hash: `before + prev_hash + after`
        is exactly `json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`. The
        split lets PostgreSQL finish the hash once it has read the previous row under the chain's lock."""
        content = self.content()
        del content["prev_hash"]
        below = {k: v for k, v in content.items() if k < "prev_hash"}
        above = {k: v for k, v in content.items() if k > "prev_hash"}
        dump = functools.partial(json.dumps, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return "{" + dump(below)[1:-1] + ',"prev_hash":"', '",' + dump(above)[1:-1] + "}"

    def compute_hash(self) -> str:
        before, after = self.canonical_parts()
        return hashlib.sha256(f"{before}{self.prev_hash}{after}".encode()).hexdigest()


class ChainHead(models.Model):
    """The chain's newest row (its id and hash), one row kept by every append under the chain's lock (ADR 0045).

    The append reads the previous hash here instead of the newest row of the (partitioned) audit table, and
    `audit_verify` checks the table's last row against it: removing the newest rows, or rewriting and re-hashing
    them, no longer leaves a chain that verifies. Missing (a database older than audit 0005, or one just
    flushed), the next append rebuilds it from the table."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_id} {self.hash[:12]}"
