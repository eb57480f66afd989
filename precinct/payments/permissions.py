from typing import Any

from precinct.payments.models import PaymentRequest, RequestStatus


def can_pay(actor: Any, request: PaymentRequest) -> bool:
    """The applicant pays an unpaid request of a dossier that is still open."""
    return (
        getattr(actor, "is_authenticated", False)
        and actor.pk == request.dossier.applicant_id
        and request.status == RequestStatus.UNPAID
        and not request.dossier.is_closed
    )
