"""The proof of filing: a PDF that shows a report was filed and when, and nothing of its content.

It carries the report's reference, the time of filing and a verification code (an HMAC of both under
the server's secret) that the police can check; not the receipt, not the category, not the ward.
The download is authorised by a short-lived signed token given with the receipt, so no receipt needs
to travel again and nothing is stored to produce it.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from precinct.core.errors import ValidationFailed
from precinct.core.formats import format_datetime, local
from precinct.core.pdf import Letterhead, OfficialDocument, place_name
from precinct.organisation.selectors import province_root_or_none
from precinct.tips.models import Tip

TOKEN_SALT = "precinct.tips.proof"  # noqa: S105 (a signing salt, not a secret)
TOKEN_MAX_AGE = 24 * 3600


def proof_token(tip: Tip) -> str:
    return signing.dumps({"r": tip.reference, "t": tip.filed_at.isoformat()}, salt=TOKEN_SALT, compress=True)


def verification_code(reference: str, filed_at: str) -> str:
    key = hashlib.sha256(("precinct.tips.proof-code:" + settings.SECRET_KEY).encode()).digest()
    digest = hmac.new(key, f"{reference}|{filed_at}".encode(), hashlib.sha256).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def proof_from_token(token: str) -> tuple[str, datetime.datetime]:
    try:
        data = signing.loads(str(token), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationFailed({"token": [_("This link has expired. The proof can be downloaded for a day.")]}) from exc
    return data["r"], datetime.datetime.fromisoformat(data["t"])


def proof_pdf(reference: str, filed_at: datetime.datetime) -> bytes:
    doc = OfficialDocument()
    doc.set_title(_("Proof of filing"))
    root = province_root_or_none()
    issuer = root.display_name if root is not None else str(_("PROVINCIAL POLICE — CRIME-REPORTING PORTAL"))
    day = local(filed_at).date()
    doc.letterhead(Letterhead(issuer=issuer, place=place_name(root.name if root is not None else issuer), day=day))
    doc.title_block(_("PROOF OF FILING"), _("Crime-reporting portal"))
    doc.row(_("Report reference"), f"{reference[:4]}-{reference[4:]}")
    doc.row(_("Filed at"), format_datetime(filed_at))
    doc.row(_("Verification code"), verification_code(reference, filed_at.isoformat()))
    doc.ln(4)
    doc.paragraph(
        _(
            "This document proves that a report was filed with the police at the time above. It contains "
            "nothing of what the report says. Keep your 16-digit receipt separately: it is the only way to "
            "follow the report up, and it is not printed here."
        ),
    )
    return doc.bytes()
