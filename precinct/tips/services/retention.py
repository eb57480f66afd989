"""How long reports are kept: the administrator's default, a leader's extension of one report, and the
expiry that destroys a report's content and leaves a tombstone (dates, category, ward, unit, outcome)."""

import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.tips.models import Tip, TipEvent, TipPolicy
from precinct.tips.permissions import can_extend_retention, can_set_policy
from precinct.tips.services.handling import tip_locked


@transaction.atomic
def tip_retention_extend(*, actor: Actor, tip: Tip, until: datetime.date) -> Tip:
    """A leader keeps a report longer than the default (never shorter)."""
    tip = tip_locked(tip, actor, can_extend_retention)
    if until <= tip.retain_until:
        raise ValidationFailed({"until": [_("Choose a date after the current one.")]})
    if until > tip.filed_at.date() + datetime.timedelta(days=365 * 30):
        raise ValidationFailed({"until": [_("This value is out of range.")]})
    before = {"retain_until": tip.retain_until}
    tip.retain_until = until
    tip.save(update_fields=["retain_until"])
    TipEvent.objects.create(
        tip=tip, at=timezone.now(), actor=as_user(actor), action="retention", data={"until": until.isoformat()}
    )
    audit_record(
        actor=actor,
        action="tips.retention_extend",
        target=tip,
        unit=tip.unit,
        before=before,
        after={"retain_until": until},
    )
    return tip


@transaction.atomic
def policy_set(*, actor: Actor, retention_days: int) -> TipPolicy:
    """The administrator's default retention for new reports (30 days to 30 years)."""
    if not can_set_policy(actor):
        raise PermissionDenied()
    if not 30 <= retention_days <= 365 * 30:
        raise ValidationFailed({"retention_days": [_("Choose between 30 and 10950 days.")]})
    policy = TipPolicy.objects.select_for_update().first()
    before = {"retention_days": policy.retention_days} if policy else None
    if policy is None:
        policy = TipPolicy(retention_days=retention_days)
    policy.retention_days, policy.updated_at = retention_days, timezone.now()
    policy.save()
    audit_record(
        actor=actor, action="tips.policy_set", target=policy, before=before, after={"retention_days": retention_days}
    )
    return policy


@transaction.atomic
def tip_expire(*, tip: Tip, now: datetime.datetime | None = None) -> Tip:
    """Destroy a report's content (keys, text, messages, files, markers); a tombstone stays with the
    dates, category, ward, unit and outcome."""
    now = now or timezone.now()
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if tip.is_purged:
        return tip
    blobs = list(tip.attachments.values_list("blob", flat=True))
    counts = {"messages": tip.messages.count(), "files": len(blobs)}
    tip.attachments.all().delete()
    tip.messages.all().delete()
    tip.markers.all().delete()
    tip.seals.all().delete()
    tip.content = None
    tip.receipt_index = None
    tip.receipt_hash = ""
    tip.receipt_sealed_key = None
    tip.purged_at = now
    tip.save()
    TipEvent.objects.create(tip=tip, at=now, action="expired", data={"retain_until": tip.retain_until.isoformat()})
    audit_record(
        actor=None,
        action="tips.tip_expired",
        target=tip,
        unit=tip.unit,
        after={
            "retain_until": tip.retain_until,
            "category": tip.category,
            "outcome": tip.outcome,
            **counts,
        },
    )

    def remove_files() -> None:
        for blob in blobs:
            default_storage.delete(blob)

    transaction.on_commit(remove_files)
    return tip


def tips_expire_due(*, today: datetime.date | None = None) -> list[str]:
    """Expire every report whose retention ended before today; returns their references."""
    today = today or timezone.localdate()
    done = []
    for tip in Tip.objects.filter(purged_at__isnull=True, retain_until__lt=today).only("pk"):
        done.append(tip_expire(tip=tip).reference)
    return done
