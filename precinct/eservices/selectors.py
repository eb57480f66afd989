"""Reads of the one-stop shop, already narrowed to what the actor may see."""

import datetime
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from precinct.accounts.models import User
from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.core.memo import Memo
from precinct.core.text import fold
from precinct.eservices.models import (
    CLOSED_STATUSES,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierRating,
    Procedure,
    ServiceField,
)
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Role
from precinct.organisation.permissions import STAFF_ROLES
from precinct.organisation.scoping import restrict


def procedure_list(*, q: str = "", field: str = "", level: str = "") -> QuerySet[Procedure]:
    """The public catalogue: offered procedures, searchable without accents ('cu tru' finds 'cư trú')."""
    procedures = Procedure.objects.filter(is_active=True, current__isnull=False).select_related(
        "current__field", "current__workflow"
    )
    for word in fold(q).split():
        procedures = procedures.filter(current__search_text__contains=word)
    if field:
        procedures = procedures.filter(current__field__code=field)
    if level:
        procedures = procedures.filter(current__level=level)
    return procedures.order_by("current__field__position", "code")


def procedure_get(*, code: str) -> Procedure:
    procedure = next(iter(procedure_list().filter(code=code).order_by()[:1]), None)
    if procedure is None:
        raise NotFound()
    return procedure


def field_list() -> QuerySet[ServiceField]:
    return ServiceField.objects.all()


def dossier_list(
    *,
    actor: Actor,
    status: str = "",
    procedure: str = "",
    field: str = "",
    due_within: int | None = None,
    overdue: bool = False,
    q: str = "",
) -> QuerySet[Dossier]:
    """Officers: dossiers of units in their reach. Citizens: their own. Anyone else: none."""
    dossiers = Dossier.objects.select_related("version__procedure", "version__field", "unit", "applicant")
    if isinstance(actor, User) and actor.is_citizen:
        dossiers = dossiers.filter(applicant=actor)
    else:
        dossiers = restrict(dossiers, actor, "unit_path", STAFF_ROLES)
    if status:
        dossiers = dossiers.filter(status=status)
    if procedure:
        dossiers = dossiers.filter(version__procedure__code=procedure)
    if field:
        dossiers = dossiers.filter(version__field__code=field)
    today = timezone.localdate()
    if overdue:
        dossiers = dossiers.exclude(status__in=CLOSED_STATUSES).filter(
            due_date__lt=today, paused_days_left__isnull=True
        )
    if due_within is not None:
        dossiers = dossiers.exclude(status__in=CLOSED_STATUSES).filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=due_within)
        )
    if q:
        dossiers = dossiers.filter(_search(q))
    return dossiers


def _search(q: str) -> Q:
    """A dossier code (or part of it), the applicant's 12-digit personal ID, or words of the applicant's
    name typed with or without accents ("nguyen van" finds "Nguyễn Văn An")."""
    q = q.strip()
    if len(q) == 12 and q.isdigit():
        return Q(applicant__personal_id=q)
    phrase = " ".join(fold(q).split())
    return Q(code__icontains=q) | Q(applicant_folded__contains=phrase) if phrase else Q(pk__in=[])


def dossier_attachment_get(*, actor: Actor, code: str, attachment_id: int) -> DossierAttachment:
    """A file of a dossier in the actor's reach (one query; outside the reach looks absent)."""
    in_reach = dossier_list(actor=actor).filter(code=code).values("pk")
    attachment = DossierAttachment.objects.filter(pk=attachment_id, dossier__in=in_reach).first()
    if attachment is None:
        raise NotFound()
    return attachment


# A dossier's history starts at its submission; the bound is named a day early (clocks of several app servers,
# a submission dated by its caller) and lets PostgreSQL skip the older months of the partitioned history.
HISTORY_MARGIN = datetime.timedelta(days=1)


def dossier_get(*, actor: Actor, code: str) -> Dossier:
    found = (
        dossier_list(actor=actor)
        .select_related("version__workflow")
        .prefetch_related("attachments")
        .filter(code=code)
        .order_by()[:1]  # the code is unique: no sort (first() would add one), so the code's index serves
    )
    dossier = next(iter(found), None)
    if dossier is None:
        raise NotFound()  # outside the actor's reach looks exactly like absent
    # The history once the dossier (and so its submission time) is known: `at >= submitted_at` prunes the
    # partitions of the months before it (ADR 0030, docs/SCALE.md), one query as before.
    since = dossier.submitted_at - HISTORY_MARGIN
    history = DossierEvent.objects.select_related("actor").filter(at__gte=since)
    prefetch_related_objects([dossier], Prefetch("events", history))
    return dossier


RATING_GROUPS = {
    "unit": ("unit__code", "unit__name"),
    "procedure": ("procedure__code", "procedure__current__name"),
    "officer": ("officer__username", "officer__full_name"),
}


def rating_averages(*, actor: Actor, by: str) -> list[dict[str, Any]]:
    """Average rating per unit, procedure or officer, over the ratings of units the actor leads
    (leaders and administrators see their subtree; others see nothing)."""
    key, name = RATING_GROUPS[by]
    ratings = restrict(DossierRating.objects.all(), actor, "unit_path", (Role.LEADER, Role.ADMINISTRATOR))
    rows = (
        ratings.exclude(**{f"{key}__isnull": True})
        .values(key, name)
        .annotate(average=Avg("score"), count=Count("id"))
        .order_by("-average", "-count", key)
    )
    return [
        {"key": row[key], "name": row[name], "average": round(float(row["average"]), 2), "count": row["count"]}
        for row in rows
    ]


def citizen_home_unit(*, actor: Actor) -> str:
    """The code of the ward, commune or special-zone police a citizen last submitted a dossier to (the
    submission form chooses it for them), or "" when none is known. The citizen's own dossiers only."""
    if not isinstance(actor, User) or not actor.is_citizen:
        return ""
    unit_code = (
        Dossier.objects.filter(applicant=actor, unit__kind__in=COMMUNE_LEVEL_KINDS, unit__is_active=True)
        .order_by("-submitted_at")
        .values_list("unit__code", flat=True)
        .first()
    )
    return unit_code or ""


# The home page's "most used procedures": counted over the last year, remembered for ten minutes per process
# (a count over every dossier is too dear for each visit to the home page).
_POPULAR = Memo(ttl=600)


def procedure_popular(*, limit: int = 6) -> list[Procedure]:
    """The offered procedures with the most dossiers in the last 365 days, most used first; the catalogue's
    first ones when nothing was submitted yet."""

    def load() -> list[int]:
        since = timezone.now() - datetime.timedelta(days=365)
        counts = (
            Dossier.objects.filter(submitted_at__gte=since)
            .values("version__procedure_id")
            .annotate(n=Count("id"))
            .order_by("-n", "version__procedure_id")[: limit * 2]
        )
        return [row["version__procedure_id"] for row in counts]

    ids = _POPULAR.get(limit, load)
    offered = {p.pk: p for p in procedure_list().filter(pk__in=ids)}
    popular = [offered[i] for i in ids if i in offered][:limit]
    if len(popular) < limit:
        popular += list(procedure_list().exclude(pk__in=[p.pk for p in popular])[: limit - len(popular)])
    return popular


# What the applicant has to do now, by status (the citizen's home page).
NEEDS_FROM_APPLICANT = {
    "supplement_requested": "supplement",
    "result_issued": "result",
    "returned": "returned",
}


def dossier_needs(*, actor: Actor, limit: int = 8) -> list[tuple[Dossier, str]]:
    """The citizen's open and recent dossiers, those waiting for them first, each with what it needs from
    them now: "supplement", "result" (ready to download), "returned", or "" (nothing: being handled)."""
    if not (isinstance(actor, User) and actor.is_citizen):
        return []
    dossiers = dossier_list(actor=actor).order_by("-submitted_at")[:50]
    rows = [(d, NEEDS_FROM_APPLICANT.get(d.status, "")) for d in dossiers]
    rows.sort(key=lambda row: (row[1] == "", row[1] == "returned"))
    return rows[:limit]
