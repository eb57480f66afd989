"""Transfers under Resolution 40: criteria, rounds, proposals, the three approvals, applying on the effective date
(one transaction: unit, position, roles, history, audit) and cancelling."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.models import User
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Rank, Role
from precinct.organisation.selectors import province_root, role_assignments_of, unit_by_code
from precinct.organisation.services import officer_save, role_grant, role_revoke
from precinct.personnel import events
from precinct.personnel.models import (
    Direction,
    EducationLevel,
    HandoverStep,
    Rating,
    Transfer,
    TransferCriteria,
    TransferRound,
    TransferStatus,
)
from precinct.personnel.permissions import (
    can_approve_as_director,
    can_approve_as_unit_leader,
    can_run_transfers,
)
from precinct.personnel.services.career import posting_write

HANDOVER_STEPS = (
    _("Hand over files, cases and dossiers in progress"),
    _("Hand over weapons, support tools and equipment"),
    _("Hand over the work account's open tasks"),
    _("Report to the new unit"),
)
CRITERIA_FIELDS = (
    "min_years_at_level",
    "max_age",
    "min_rank",
    "min_education",
    "discipline_free_years",
    "min_rating",
    "rating_years",
)
STEPS = {
    TransferStatus.PROPOSED: (TransferStatus.UNIT_APPROVED, "unit_approved"),
    TransferStatus.UNIT_APPROVED: (TransferStatus.DEPARTMENT_APPROVED, "department_approved"),
    TransferStatus.DEPARTMENT_APPROVED: (TransferStatus.APPROVED, "director_approved"),
}


@transaction.atomic
def criteria_save(*, actor: Actor, direction: str, values: dict[str, Any]) -> TransferCriteria:
    root = province_root()
    if actor is not None and not can_run_transfers(actor, root):
        raise PermissionDenied()
    errors: dict[str, list[Any]] = {}
    if direction not in Direction.values:
        errors["direction"] = [_("Choose one of the listed directions.")]
    clean: dict[str, Any] = {}
    for name in CRITERIA_FIELDS:
        raw = values.get(name)
        if raw in (None, ""):
            clean[name] = (
                "" if name == "min_rank" else (0 if name in ("discipline_free_years", "rating_years") else None)
            )
            if name == "min_years_at_level":
                clean[name] = 0
            continue
        if name == "min_rank":
            if raw not in Rank.values:
                errors[name] = [_("Choose one of the listed ranks.")]
            clean[name] = raw
            continue
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = -1
        allowed = {"min_education": EducationLevel.values, "min_rating": Rating.values}.get(name)
        if number < 0 or number > 80 or (allowed and number not in allowed):
            errors[name] = [_("Enter a whole number in the allowed range.")]
        clean[name] = number
    if errors:
        raise ValidationFailed(errors)
    criteria, _created = TransferCriteria.objects.update_or_create(direction=direction, defaults=clean)
    audit_record(actor=actor, action="personnel.criteria_save", target=criteria, unit=root, after=clean)
    return criteria


@transaction.atomic
def round_open(*, actor: Actor, title: str, direction: str, as_of: datetime.date) -> TransferRound:
    root = province_root()
    if actor is not None and not can_run_transfers(actor, root):
        raise PermissionDenied()
    errors: dict[str, list[Any]] = {}
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    if direction not in Direction.values:
        errors["direction"] = [_("Choose one of the listed directions.")]
    elif not TransferCriteria.objects.filter(direction=direction).exists():
        errors["direction"] = [_("Set the criteria for this direction first.")]
    if errors:
        raise ValidationFailed(errors)
    transfer_round = TransferRound.objects.create(title=title.strip(), direction=direction, unit=root, as_of=as_of)
    audit_record(
        actor=actor,
        action="personnel.round_open",
        target=transfer_round,
        unit=root,
        after={"title": title, "direction": direction, "as_of": as_of},
    )
    return transfer_round


@transaction.atomic
def transfer_propose(
    *,
    actor: Actor,
    officer: Officer,
    to_unit_code: str,
    to_position: str,
    effective_on: datetime.date,
    new_roles: list[str] | None = None,
    transfer_round: TransferRound | None = None,
) -> Transfer:
    if actor is not None and not can_run_transfers(actor, officer.unit):
        raise PermissionDenied()
    errors: dict[str, list[Any]] = {}
    to_unit = unit_by_code(to_unit_code)
    roles = list(new_roles if new_roles is not None else [Role.OFFICER])
    if to_unit is None:
        errors["to_unit"] = [_("There is no active unit with this code.")]
    elif to_unit.pk == officer.unit_id:
        errors["to_unit"] = [_("The officer already serves in this unit.")]
    if not to_position.strip():
        errors["to_position"] = [_("This field is required.")]
    if any(role not in Role.values for role in roles):
        errors["new_roles"] = [_("Choose one of the listed roles.")]
    if effective_on < timezone.localdate():
        errors["effective_on"] = [_("The effective date cannot be in the past.")]
    if not officer.is_active:
        errors["officer"] = [_("This officer is no longer in service.")]
    elif (
        Transfer.objects.filter(officer=officer)
        .exclude(status__in=(TransferStatus.APPLIED, TransferStatus.CANCELLED))
        .exists()
    ):
        errors["officer"] = [_("This officer already has a transfer in progress.")]
    if errors:
        raise ValidationFailed(errors)
    assert to_unit is not None
    from_commune = officer.unit.kind in COMMUNE_LEVEL_KINDS
    to_commune = to_unit.kind in COMMUNE_LEVEL_KINDS
    direction = Direction.TO_PROVINCE if from_commune and not to_commune else Direction.TO_COMMUNE
    if transfer_round is not None and transfer_round.direction != direction:
        raise ValidationFailed({"to_unit": [_("This unit is not in the round's direction.")]})
    transfer = Transfer.objects.create(
        round=transfer_round,
        officer=officer,
        direction=direction,
        from_unit=officer.unit,
        from_position=officer.position,
        to_unit=to_unit,
        to_position=to_position.strip(),
        new_roles=roles,
        effective_on=effective_on,
        status=TransferStatus.PROPOSED,
        unit_path=officer.unit.path,
    )
    HandoverStep.objects.bulk_create(
        HandoverStep(transfer=transfer, position=i, title=str(title)) for i, title in enumerate(HANDOVER_STEPS, 1)
    )
    events.proposed_event(transfer, actor)
    audit_record(
        actor=actor,
        action="personnel.transfer_propose",
        target=transfer,
        unit=officer.unit,
        after={"officer": officer.pk, "from": officer.unit.code, "to": to_unit.code, "effective_on": effective_on},
    )
    return transfer


def can_approve(actor: Actor, transfer: Transfer) -> bool:
    if actor is None:
        return True
    if transfer.status == TransferStatus.PROPOSED:
        return can_approve_as_unit_leader(actor, transfer.from_unit)
    if transfer.status == TransferStatus.UNIT_APPROVED:
        return can_run_transfers(actor, transfer.from_unit)
    if transfer.status == TransferStatus.DEPARTMENT_APPROVED:
        return can_approve_as_director(actor, province_root())
    return False


@transaction.atomic
def transfer_approve(
    *, actor: Actor, transfer: Transfer, decision_number: str = "", decision_date: datetime.date | None = None
) -> Transfer:
    """The next approval: the unit leader, then the personnel department, then the director (with the decision's
    number and date). The director's approval of a transfer effective today applies it at once."""
    transfer = (
        Transfer.objects.select_for_update().select_related("officer__unit", "from_unit", "to_unit").get(pk=transfer.pk)
    )
    if transfer.status not in STEPS:
        raise DomainError("transfer_not_pending", _("This transfer is not waiting for an approval."), status=409)
    if not can_approve(actor, transfer):
        raise PermissionDenied()
    status, step = STEPS[TransferStatus(transfer.status)]
    if status == TransferStatus.APPROVED:
        if not decision_number.strip() or decision_date is None:
            raise ValidationFailed(
                {"decision_number": [_("The director's approval needs the decision's number and date.")]}
            )
        transfer.decision_number, transfer.decision_date = decision_number.strip(), decision_date
    before = transfer.status
    transfer.status = status
    transfer.save(update_fields=["status", "decision_number", "decision_date"])
    events.approved_event(transfer, actor, step)
    audit_record(
        actor=actor,
        action=f"personnel.transfer_{step}",
        target=transfer,
        unit=transfer.from_unit,
        before={"status": before},
        after={"status": status},
    )
    if status == TransferStatus.APPROVED and transfer.effective_on <= timezone.localdate():
        transfer_apply(actor=actor, transfer=transfer)
    return transfer


@transaction.atomic
def transfer_apply(*, actor: Actor, transfer: Transfer, today: datetime.date | None = None) -> Transfer:
    """On the effective date, in one transaction: the officer's unit and position change, the roles held at the
    old unit end and the new unit's start, a posting row is written, the transfer is marked in effect and audited.
    The role and officer writes go through organisation's services as the system: this decision's approvals were
    checked and audited here."""
    transfer = (
        Transfer.objects.select_for_update().select_related("officer__unit", "from_unit", "to_unit").get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.APPROVED:
        raise DomainError("transfer_not_approved", _("Only an approved transfer can take effect."), status=409)
    if transfer.effective_on > (today or timezone.localdate()):
        raise DomainError("transfer_not_due", _("This transfer takes effect on a later date."), status=409)
    officer = transfer.officer
    officer_save(actor=None, officer=officer, unit=transfer.to_unit, position=transfer.to_position)
    posting_write(
        actor=actor,
        officer=officer,
        unit=transfer.to_unit,
        position=transfer.to_position,
        start_on=transfer.effective_on,
        decision={"decision_number": transfer.decision_number, "decision_date": transfer.decision_date},
    )
    ended: list[dict[str, str]] = []
    user = User.objects.filter(pk=officer.user_id).first() if officer.user_id else None
    if user is not None:
        for assignment in role_assignments_of(user_id=user.pk, under_path=transfer.from_unit.path):
            ended.append({"unit": assignment.unit.code, "role": assignment.role})
            role_revoke(actor=None, assignment=assignment)
        for role in transfer.new_roles:
            role_grant(actor=None, user=user, unit=transfer.to_unit, role=role)
    transfer.status = TransferStatus.APPLIED
    transfer.applied_at = timezone.now()
    transfer.ended_roles = ended
    transfer.save(update_fields=["status", "applied_at", "ended_roles"])
    events.applied_event(transfer, actor)
    audit_record(
        actor=actor,
        action="personnel.transfer_apply",
        target=transfer,
        unit=transfer.to_unit,
        before={"unit": transfer.from_unit.code, "position": transfer.from_position, "roles": ended},
        after={"unit": transfer.to_unit.code, "position": transfer.to_position, "roles": transfer.new_roles},
    )
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: Actor, transfer: Transfer, reason: str) -> Transfer:
    """Before it takes effect a transfer is cancelled and nothing else changes; after, only a new decision (a new
    transfer) can move the officer again."""
    transfer = Transfer.objects.select_for_update().select_related("from_unit").get(pk=transfer.pk)
    if actor is not None and not can_run_transfers(actor, transfer.from_unit):
        raise PermissionDenied()
    if transfer.status == TransferStatus.APPLIED:
        raise DomainError(
            "transfer_in_effect",
            _("This transfer is already in effect; undoing it needs a new transfer decision."),
            status=409,
        )
    if transfer.status == TransferStatus.CANCELLED:
        raise DomainError("transfer_cancelled", _("This transfer is already cancelled."), status=409)
    if not reason.strip():
        raise ValidationFailed({"reason": [_("Give the reason for cancelling.")]})
    before = transfer.status
    transfer.status = TransferStatus.CANCELLED
    transfer.save(update_fields=["status"])
    events.cancelled_event(transfer, actor, reason)
    audit_record(
        actor=actor,
        action="personnel.transfer_cancel",
        target=transfer,
        unit=transfer.from_unit,
        before={"status": before},
        after={"status": TransferStatus.CANCELLED, "reason": reason[:200]},
    )
    return transfer


@transaction.atomic
def handover_step_done(*, actor: Actor, step: HandoverStep) -> HandoverStep:
    transfer = step.transfer
    if actor is not None and not (
        can_run_transfers(actor, transfer.from_unit) or can_approve_as_unit_leader(actor, transfer.from_unit)
    ):
        raise PermissionDenied()
    if step.done_at is not None:
        raise DomainError("step_done", _("This step is already done."), status=409)
    step.done_at = timezone.now()
    step.done_by = actor if isinstance(actor, User) else None
    step.save(update_fields=["done_at", "done_by"])
    events.step_done_event(transfer, actor, step.title)
    audit_record(
        actor=actor,
        action="personnel.handover_step_done",
        target=transfer,
        unit=transfer.from_unit,
        after={"step": step.position},
    )
    return step


def transfers_apply_due(*, today: datetime.date | None = None) -> int:
    """The daily sweep: apply every approved transfer whose date has come (each in its own transaction)."""
    today = today or timezone.localdate()
    applied = 0
    for transfer in Transfer.objects.filter(status=TransferStatus.APPROVED, effective_on__lte=today).order_by("pk"):
        transfer_apply(actor=None, transfer=transfer, today=today)
        applied += 1
    return applied
