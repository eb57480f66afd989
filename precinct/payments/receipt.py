"""The payment receipt (biên lai): who paid what for which dossier, when, through which provider."""

from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.core.calendar import LOCAL_TZ
from precinct.core.formats import format_datetime
from precinct.core.pdf import OfficialDocument
from precinct.eservices.documents import unit_letterhead
from precinct.eservices.receipt import lookup_url
from precinct.payments.fees import vnd
from precinct.payments.models import Payment

PROVIDER_NAMES = {"vnpay": "VNPay", "sandbox": "Sandbox"}


def payment_receipt_pdf(payment: Payment) -> bytes:
    request = payment.request
    dossier = request.dossier
    doc = OfficialDocument()
    doc.set_title(_("Payment receipt %(ref)s") % {"ref": payment.txn_ref})
    paid_on = timezone.localtime(payment.completed_at or payment.created_at, LOCAL_TZ).date()
    doc.letterhead(unit_letterhead(dossier.unit, day=paid_on))
    doc.title_block(_("RECEIPT OF PAYMENT"))
    doc.row(_("Receipt number"), payment.txn_ref)
    doc.row(_("Dossier code"), dossier.code)
    doc.row(_("Procedure"), f"{dossier.version.procedure.code} — {dossier.version.display_name}")
    doc.row(_("Payer"), payment.payer.full_name)
    doc.row(_("For"), request.label)
    doc.row(_("Amount"), vnd(payment.amount_vnd))
    paid_at = timezone.localtime(payment.completed_at, LOCAL_TZ) if payment.completed_at else None
    doc.row(_("Paid at"), format_datetime(paid_at))
    doc.row(_("Paid through"), PROVIDER_NAMES.get(payment.provider, payment.provider))
    doc.row(_("Provider's transaction number"), payment.provider_txn_no)
    if payment.bank_code:
        doc.row(_("Bank"), payment.bank_code)
    doc.closing(signatory=None, recipients=[payment.payer.full_name + ";"])
    doc.qr_note(
        lookup_url(dossier),
        _("This receipt was issued electronically when the payment provider confirmed the payment."),
    )
    return doc.bytes()
