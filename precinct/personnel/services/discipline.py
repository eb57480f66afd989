"""Discipline: recording a decision (a suspension or discharge ends the officer's roles and blocks sign-in for its
duration), and reading records, each read audited. The audit rows name the record and the officer only, never the
kind or the violation: administrators read audit rows, and discipline is not theirs to see."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.accounts.models import User
from precinct.accounts.services import sign_in_block, sign_in_unblock
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.organisation.models import Officer
from precinct.organisation.selectors import role_assignments_of, unit_by_code
from precinct.organisation.services import officer_save, role_grant, role_revoke
from precinct.personnel.models import BLOCKING_KINDS, DisciplineKind, DisciplineRecord
from precinct.personnel.permissions import can_record_discipline


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _end_roles(record: DisciplineRecord, user: User) -> None:
    ended = []
    for assignment in role_assignments_of(user_id=user.pk):
        ended.append({"unit": assignment.unit.code, "role": assignment.role})
        role_revoke(actor=None, assignment=assignment)
    record.ended_roles = ended
    record.save(update_fields=["ended_roles"])


@transaction.atomic
def discipline_record(
    *,
    actor: Actor,
    officer: Officer,
    kind: str,
    violation: str,
    decided_on: datetime.date,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
) -> DisciplineRecord:
    if actor is not None and not can_record_discipline(actor, officer):
        raise PermissionDenied()
    errors: dict[str, list[Any]] = {}
    today = timezone.localdate()
    starts_on = starts_on or decided_on
    if kind not in DisciplineKind.values:
        errors["kind"] = [_("Choose one of the listed kinds of discipline.")]
    if not violation.strip():
        errors["violation"] = [_("Describe the violation.")]
    if decided_on > today:
        errors["decided_on"] = [_("This date is in the future.")]
    if not decision_number.strip():
        errors["decision_number"] = [_("Give the number of the decision.")]
    if kind == DisciplineKind.SUSPENSION and ends_on is None:
        errors["ends_on"] = [_("A suspension needs its end date.")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The end must come after the start.")]
    if errors:
        raise ValidationFailed(errors)
    record = DisciplineRecord.objects.create(
        officer=officer,
        unit_path=officer.unit.path,
        kind=kind,
        violation=violation.strip(),
        decided_on=decided_on,
        starts_on=starts_on,
        ends_on=ends_on if kind != DisciplineKind.DISCHARGE else None,
        decision_number=decision_number.strip(),
        decision_date=decision_date or decided_on,
        recorded_by=as_user(actor),
    )
    audit_record(
        actor=actor,
        action="personnel.discipline_record",
        target=record,
        target_label=f"discipline #{record.pk}",
        unit=officer.unit,
        after={"officer": officer.pk},
    )
    if kind in BLOCKING_KINDS:
        user = User.objects.filter(pk=officer.user_id).first() if officer.user_id else None
        if user is not None:
            end = _midnight(record.ends_on + datetime.timedelta(days=1)) if record.ends_on else None
            sign_in_block(
                actor=actor, user=user, start=_midnight(starts_on), end=end, reason=f"discipline #{record.pk}"
            )
            if starts_on <= today:
                _end_roles(record, user)
        if kind == DisciplineKind.DISCHARGE and starts_on <= today:
            officer_save(actor=None, officer=officer, is_active=False)
    return record


@transaction.atomic
def discipline_read_audit(*, actor: Actor, records: list[DisciplineRecord], where: str) -> None:
    """Every read of discipline writes a row: which records, by whom, from where (page, API)."""
    if not records:
        return
    audit_record(
        actor=actor,
        action="personnel.discipline_read",
        target=records[0] if len(records) == 1 else None,
        target_label=f"discipline #{records[0].pk}" if len(records) == 1 else f"{len(records)} discipline records",
        unit=unit_by_code(records[0].unit_path.rstrip("/").rsplit("/", 1)[-1]),
        after={"records": [r.pk for r in records][:500], "where": where},
    )


def discipline_sweep(*, today: datetime.date | None = None) -> int:
    """The daily sweep's part: start what begins today (roles end, discharge leaves service) and give a
    suspension's roles back when it is over (the sign-in block ends by itself at its recorded end)."""
    today = today or timezone.localdate()
    changed = 0
    starting = DisciplineRecord.objects.filter(
        kind__in=BLOCKING_KINDS, starts_on__lte=today, ended_roles=[], lifted_at__isnull=True
    ).select_related("officer")
    for record in starting:
        if record.ends_on is not None and record.ends_on < today:
            continue
        with transaction.atomic():
            user = User.objects.filter(pk=record.officer.user_id).first() if record.officer.user_id else None
            if user is not None and role_assignments_of(user_id=user.pk):
                _end_roles(record, user)
                changed += 1
            if record.kind == DisciplineKind.DISCHARGE and record.officer.is_active:
                officer_save(actor=None, officer=record.officer, is_active=False)
                changed += 1
    over = DisciplineRecord.objects.filter(kind=DisciplineKind.SUSPENSION, ends_on__lt=today, lifted_at__isnull=True)
    for record in over.select_related("officer"):
        with transaction.atomic():
            user = User.objects.filter(pk=record.officer.user_id).first() if record.officer.user_id else None
            if user is not None:
                for held in record.ended_roles:
                    unit = unit_by_code(held["unit"])
                    if unit is not None:
                        role_grant(actor=None, user=user, unit=unit, role=held["role"])
                if user.sign_in_blocked_from is not None and not user.sign_in_blocked_at():
                    sign_in_unblock(actor=None, user=user, reason=f"discipline #{record.pk} over")
            record.lifted_at = timezone.now()
            record.save(update_fields=["lifted_at"])
            audit_record(
                actor=None,
                action="personnel.suspension_over",
                target=record,
                target_label=f"discipline #{record.pk}",
                after={"roles": len(record.ended_roles)},
            )
            changed += 1
    return changed
