from precinct.core.actors import Actor
from precinct.payments.models import PaymentRequest, RequestStatus


def can_pay(actor: Actor, request: PaymentRequest) -> bool:
    """The applicant pays an unpaid request of a dossier that is still open."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.pk == request.dossier.applicant_id
        and request.status == RequestStatus.UNPAID
        and not request.dossier.is_closed
    )
