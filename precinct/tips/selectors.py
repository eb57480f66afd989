"""Reads of crime reports, already narrowed to what the actor may see: by the recipients' roles alone,
so a superuser or an administrator sees no report. Nothing here decrypts content: reading content is a
recorded act (services.reading.tip_read)."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from precinct.core.actors import Actor
from precinct.core.errors import NotFound, PermissionDenied
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Role, Unit
from precinct.organisation.scoping import restrict_by_role
from precinct.organisation.selectors import commune_level_units, province_root
from precinct.tips.models import Tip, TipPolicy
from precinct.tips.permissions import TIP_ROLES, can_view_tips

EXPIRED = "expired"  # a pseudo-status for the queue: the tombstones of reports whose retention ended


def tip_list(
    *,
    actor: Actor,
    status: str = "",
    category: str = "",
    ward: str = "",
    priority: int | None = None,
    q: str = "",
    include_expired: bool = False,
) -> QuerySet[Tip]:
    tips = restrict_by_role(Tip.objects.select_related("unit", "place"), actor, "unit_path", TIP_ROLES)
    if status == EXPIRED:
        tips, status = tips.filter(purged_at__isnull=False), ""
    elif not include_expired:
        tips = tips.filter(purged_at__isnull=True)
    if status:
        tips = tips.filter(status=status)
    if category:
        tips = tips.filter(category=category)
    if ward:
        tips = tips.filter(place__code=ward)
    if priority:
        tips = tips.filter(priority=priority)
    if q:
        tips = tips.filter(reference__iexact=q.strip().replace("-", ""))
    return tips.order_by("-priority", "filed_at")


def tip_get(*, actor: Actor, tip_id: int) -> Tip:
    if not can_view_tips(actor):
        raise PermissionDenied()  # not a recipient (a citizen, an administrator, a superuser): refused outright
    tip = tip_list(actor=actor, include_expired=True).filter(pk=tip_id).first()
    if tip is None:
        raise NotFound()  # outside the reach looks exactly like absent
    return tip


def wards() -> QuerySet[Unit]:
    """Where a report can be sent: the active police of every ward, commune and special zone."""
    return commune_level_units()


def wards_in_reach(*, actor: Actor) -> QuerySet[Unit]:
    """The wards a recipient's queue can be filtered by: those their recipient roles reach (a ward officer
    sees their own ward, a provincial leader every ward)."""
    return restrict_by_role(wards(), actor, "path", TIP_ROLES)


def ward_for(code: str) -> Unit | None:
    """The police of a ward, commune or special zone, by the division's official code or the unit's code."""
    code = (code or "").strip()
    if not code:
        return None
    units = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True)
    return units.filter(division_code=code).first() or units.filter(code=code).first()


def retention_days() -> int:
    """The default retention of new reports: the administrator's policy, else the setting."""
    policy = TipPolicy.objects.first()
    return policy.retention_days if policy else int(settings.PRECINCT_TIPS_RETENTION_DAYS)


def reassign_targets(tip: Tip) -> list[Unit]:
    return [province_root(), *wards().exclude(pk=tip.unit_id)]


def tip_figures(*, actor: Actor, since: datetime.date | None = None) -> dict[str, Any]:
    """Leaders' figures over the reports in their reach (expired ones included: their tombstones keep the
    category, ward, dates and outcome). No content is opened."""
    tips = restrict_by_role(Tip.objects.all(), actor, "unit_path", (Role.LEADER,))
    if since:
        tips = tips.filter(filed_at__date__gte=since)
    response = ExpressionWrapper(F("first_response_at") - F("filed_at"), output_field=DurationField())
    average = tips.filter(first_response_at__isnull=False).aggregate(avg=Avg(response))["avg"]
    by_month = (
        tips.annotate(month=TruncMonth("filed_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    return {
        "total": tips.count(),
        "by_category": list(tips.values("category").annotate(n=Count("id")).order_by("-n", "category")),
        "by_unit": list(tips.values("unit__code", "unit__name").annotate(n=Count("id")).order_by("-n", "unit__code")),
        "by_ward": list(tips.values("place__code", "place__name").annotate(n=Count("id")).order_by("-n")),
        "by_month": [{"month": row["month"].strftime("%Y-%m"), "n": row["n"]} for row in by_month],
        "by_status": list(tips.values("status").annotate(n=Count("id")).order_by("status")),
        "by_outcome": list(tips.exclude(outcome="").values("outcome").annotate(n=Count("id")).order_by("-n")),
        "awaiting_first_response": tips.filter(first_response_at__isnull=True, purged_at__isnull=True).count(),
        "average_first_response_hours": round(average.total_seconds() / 3600, 1) if average else None,
        "expired": tips.filter(purged_at__isnull=False).count(),
    }
