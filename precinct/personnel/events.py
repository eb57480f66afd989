"""A transfer's history, one helper per kind of event, whoever triggers it (a person, the daily sweep)."""

from precinct.accounts.actors import as_user
from precinct.core.actors import Actor
from precinct.personnel.models import Transfer, TransferEvent


def _event(transfer: Transfer, kind: str, actor: Actor, note: str = "") -> TransferEvent:
    return TransferEvent.objects.create(transfer=transfer, kind=kind, actor=as_user(actor), note=note[:300])


def proposed_event(transfer: Transfer, actor: Actor) -> TransferEvent:
    return _event(transfer, "proposed", actor)


def approved_event(transfer: Transfer, actor: Actor, step: str) -> TransferEvent:
    return _event(transfer, step, actor)


def applied_event(transfer: Transfer, actor: Actor) -> TransferEvent:
    return _event(transfer, "applied", actor)


def cancelled_event(transfer: Transfer, actor: Actor, reason: str) -> TransferEvent:
    return _event(transfer, "cancelled", actor, reason)


def step_done_event(transfer: Transfer, actor: Actor, title: str) -> TransferEvent:
    return _event(transfer, "handover_step", actor, title)
