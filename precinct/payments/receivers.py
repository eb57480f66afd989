"""How payments follow dossiers (connected in PaymentsConfig.ready): bill fees when a dossier is submitted
or an action with a fee is taken, cancel what is owed when it closes, and refuse the actions that wait
for an unpaid fee. All of it runs inside the dossier's own transaction."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from precinct.core.errors import DomainError
from precinct.eservices.signals import DossierChange, TransitionCheck
from precinct.payments import fees, selectors, services


def on_dossier_changed(sender: Any, *, change: DossierChange, **kwargs: Any) -> None:
    if change.is_mark:
        return  # an overdue mark bills nothing and closes nothing (and its dossier has no workflow loaded)
    dossier, event, actor = change.dossier, change.event, change.actor
    definition = dossier.version.workflow.definition
    if change.is_submission:
        if dossier.version.fee_vnd > 0:
            services.payment_request_create(
                actor=actor,
                dossier=dossier,
                purpose=fees.PROCEDURE_FEE,
                amount_vnd=dossier.version.fee_vnd,
                required_for=fees.procedure_fee_required_for(definition),
                event=event,
            )
    elif billed := fees.action_fee(definition["actions"].get(event.action, {})):
        amount, required_for = billed
        services.payment_request_create(
            actor=actor,
            dossier=dossier,
            purpose=event.action,
            amount_vnd=amount,
            required_for=required_for,
            event=event,
        )
    if dossier.is_closed:
        services.payment_requests_cancel_unpaid(actor=actor, dossier=dossier, event=event)


def on_transition_checking(sender: Any, *, check: TransitionCheck, **kwargs: Any) -> None:
    blocking = selectors.unpaid_blocking(dossier=check.dossier, action=check.action)
    if blocking:
        total = sum(r.amount_vnd for r in blocking)
        raise DomainError(
            "fee_unpaid",
            _(
                "This action waits for the fee: %(amount)s is not paid yet "
                "(a payment counts once the provider confirms it)."
            )
            % {"amount": fees.vnd(total)},
            status=409,
        )
