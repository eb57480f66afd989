"""Officers at work on a report: answering the reporter, internal notes, status, priority, reassignment.
Each write locks the report, checks the actor's reach, and records a history event and an audit row."""

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Unit
from precinct.organisation.selectors import province_root
from precinct.tips import crypto
from precinct.tips.models import MessageKind, Outcome, Priority, Tip, TipEvent, TipMessage, TipSeal, TipStatus
from precinct.tips.permissions import can_handle_tip, can_reassign_tip
from precinct.tips.services.intake import MAX_MESSAGE, clean_text
from precinct.tips.services.keys import report_key, unit_key_for
from precinct.tips.signals import TipReferral, tip_referred

# Which status may follow which; closing needs an outcome.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    TipStatus.NEW: (TipStatus.TRIAGE, TipStatus.INVESTIGATING, TipStatus.CLOSED),
    TipStatus.TRIAGE: (TipStatus.INVESTIGATING, TipStatus.REFERRED, TipStatus.CLOSED),
    TipStatus.INVESTIGATING: (TipStatus.REFERRED, TipStatus.CLOSED),
    TipStatus.REFERRED: (TipStatus.CLOSED,),
    TipStatus.CLOSED: (),
}


def tip_locked(tip: Tip, actor: Actor, check: Callable[[Any, Tip], bool] = can_handle_tip) -> Tip:
    """The report locked for a write (inside the caller's transaction), if `check` lets the actor act on
    it and its content still exists."""
    tip = Tip.objects.select_for_update(of=("self",)).select_related("unit").get(pk=tip.pk)  # not the unit
    if not check(actor, tip):
        raise PermissionDenied()
    if tip.is_purged:
        raise DomainError("expired", _("This report has expired; its content was destroyed."), status=409)
    return tip


def _responded(tip: Tip, now: datetime.datetime) -> None:
    if tip.first_response_at is None:
        tip.first_response_at = now


@transaction.atomic
def tip_message_send(*, actor: Actor, tip: Tip, body: str, internal: bool = False) -> TipMessage:
    """An officer answers the reporter, or (internal=True) writes a note only officers see."""
    tip = tip_locked(tip, actor)
    errors: dict[str, list[Any]] = {}
    body = clean_text(body, "body", MAX_MESSAGE, errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    key = report_key(tip)
    message = TipMessage.objects.create(
        tip=tip,
        kind=MessageKind.NOTE if internal else MessageKind.OFFICER,
        author=as_user(actor),
        at=now,
        body=crypto.encrypt(key, body.encode()),
    )
    if not internal:
        _responded(tip, now)
        tip.save(update_fields=["first_response_at"])
    TipEvent.objects.create(tip=tip, at=now, actor=as_user(actor), action="note" if internal else "officer_message")
    audit_record(
        actor=actor,
        action="tips.note_add" if internal else "tips.officer_message",
        target=tip,
        unit=tip.unit,
        after={"message": message.pk},
    )
    return message


@transaction.atomic
def tip_transition(
    *,
    actor: Actor,
    tip: Tip,
    status: str,
    outcome: str = "",
    note: str = "",
    case_summary: str = "",
    case_reference: str = "",
) -> Tip:
    """Move a report along new → triage → investigating → referred → closed (with an outcome). Referring
    it sends `signals.tip_referred` with what the officer chose to copy into the case (`case_summary`) and
    the case to join (`case_reference`), both only for a referral."""
    tip = tip_locked(tip, actor)
    if status not in TipStatus.values:
        raise ValidationFailed({"status": [_("Choose one of the listed values.")]})
    if status not in TRANSITIONS[tip.status]:
        raise DomainError(
            "transition_not_allowed",
            _("This report cannot go from “%(from)s” to “%(to)s”.")
            % {"from": tip.get_status_display(), "to": TipStatus(status).label},
            status=409,
        )
    if status == TipStatus.CLOSED:
        if outcome not in Outcome.values:
            raise ValidationFailed({"outcome": [_("Choose the outcome to close the report.")]})
    elif outcome:
        raise ValidationFailed({"outcome": [_("An outcome is given only when closing.")]})
    case_summary, case_reference = case_summary.strip(), case_reference.strip()
    if status != TipStatus.REFERRED and (case_summary or case_reference):
        raise ValidationFailed({"case_summary": [_("A case is named only when referring the report to one.")]})
    if len(case_summary) > MAX_MESSAGE:
        raise ValidationFailed(
            {"case_summary": [_("This text is too long (at most %(n)d characters).") % {"n": MAX_MESSAGE}]}
        )
    now = timezone.now()
    before = {"status": tip.status, "outcome": tip.outcome}
    tip.status = status
    if status == TipStatus.CLOSED:
        tip.outcome, tip.closed_at = outcome, now
    _responded(tip, now)
    tip.save(update_fields=["status", "outcome", "closed_at", "first_response_at"])
    if note.strip():
        TipMessage.objects.create(
            tip=tip,
            kind=MessageKind.NOTE,
            author=as_user(actor),
            at=now,
            body=crypto.encrypt(report_key(tip), note.strip()[:MAX_MESSAGE].encode()),
        )
    TipEvent.objects.create(
        tip=tip, at=now, actor=as_user(actor), action="status", data={"to": status, "outcome": outcome}
    )
    if status == TipStatus.REFERRED:
        tip_referred.send(
            sender=Tip,
            referral=TipReferral(tip=tip, actor=actor, summary=case_summary, case_reference=case_reference),
        )
    audit_record(
        actor=actor,
        action="tips.tip_transition",
        target=tip,
        unit=tip.unit,
        before=before,
        after={"status": tip.status, "outcome": tip.outcome},
    )
    return tip


@transaction.atomic
def tip_priority_set(*, actor: Actor, tip: Tip, priority: int) -> Tip:
    tip = tip_locked(tip, actor)
    if priority not in Priority.values:
        raise ValidationFailed({"priority": [_("Choose one of the listed values.")]})
    before = {"priority": tip.priority}
    tip.priority = priority
    tip.save(update_fields=["priority"])
    TipEvent.objects.create(tip=tip, at=timezone.now(), actor=as_user(actor), action="priority", data={"to": priority})
    audit_record(
        actor=actor, action="tips.priority_set", target=tip, unit=tip.unit, before=before, after={"priority": priority}
    )
    return tip


@transaction.atomic
def tip_reassign(*, actor: Actor, tip: Tip, unit: Unit) -> Tip:
    """The duty officer sends the report to another ward's police or to the province's duty desk. The
    report key is sealed to the new unit's key and the old unit's seal is removed."""
    tip = tip_locked(tip, actor, can_reassign_tip)
    root = province_root()
    if not unit.is_active or unit.pk == tip.unit_id or (unit.kind not in COMMUNE_LEVEL_KINDS and unit.pk != root.pk):
        raise ValidationFailed({"unit": [_("Choose another ward, commune or special zone police, or the duty desk.")]})
    key = report_key(tip)
    new_key = unit_key_for(unit)
    before = {"unit": tip.unit.code}
    tip.seals.all().delete()
    TipSeal.objects.create(tip=tip, unit_key=new_key, sealed_key=crypto.seal(bytes(new_key.public_key), key))
    tip.unit, tip.unit_path = unit, unit.path
    tip.save(update_fields=["unit", "unit_path"])
    TipEvent.objects.create(
        tip=tip,
        at=timezone.now(),
        actor=as_user(actor),
        action="reassign",
        data={"from": before["unit"], "to": unit.code},
    )
    audit_record(
        actor=actor, action="tips.tip_reassign", target=tip, unit=unit, before=before, after={"unit": unit.code}
    )
    return tip
