"""The payment receipt (biên lai): who paid what for which dossier, when, through which provider."""

from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.core.calendar import LOCAL_TZ
from precinct.core.formats import format_datetime
from precinct.core.pdf import Document
from precinct.eservices.receipt import lookup_url
from precinct.payments.fees import vnd
from precinct.payments.models import Payment

PROVIDER_NAMES = {"vnpay": "VNPay", "sandbox": "Sandbox"}


def payment_receipt_pdf(payment: Payment) -> bytes:
    request = payment.request
    dossier = request.dossier
    doc = Document()
    doc.set_title(_("Payment receipt %(ref)s") % {"ref": payment.txn_ref})
    doc.set_font("body", "", 10)
    doc.cell(0, 6, dossier.unit.display_name.upper(), new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.heading(_("RECEIPT OF PAYMENT"), size=16)
    doc.qr(lookup_url(dossier), x=doc.w - doc.r_margin - 34, y=18)
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
    doc.ln(6)
    doc.multi_cell(
        0,
        6,
        _("This receipt was issued electronically when the payment provider confirmed the payment."),
    )
    return doc.bytes()
