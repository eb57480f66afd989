"""Demo data for payments: nothing to invent (fees come from the catalogue and bills from submissions);
dossiers submitted before this app existed get their procedure fee billed, so the demo shows fees."""

from typing import Any

from django.conf import settings

from precinct.core.demo import DemoAccount
from precinct.eservices.models import Dossier
from precinct.payments import fees, services
from precinct.payments.models import PaymentRequest


def seed(*, stdout: Any) -> list[DemoAccount]:
    billed = 0
    with_fee = Dossier.objects.filter(version__fee_vnd__gt=0).select_related("version__workflow", "unit")
    for dossier in with_fee.exclude(pk__in=PaymentRequest.objects.values("dossier_id")):
        if dossier.is_closed:
            continue
        services.payment_request_create(
            actor=None,
            dossier=dossier,
            purpose=fees.PROCEDURE_FEE,
            amount_vnd=dossier.version.fee_vnd,
            required_for=fees.procedure_fee_required_for(dossier.version.workflow.definition),
        )
        billed += 1
    where = "the local sandbox page" if settings.PAYMENTS_PROVIDER == "sandbox" else "VNPay"
    stdout.write(f"Payments: fees are paid through {where}; {billed} earlier dossiers billed.")
    return []
