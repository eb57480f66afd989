"""Writes for signed results: issuing (render + sign + store, inside the issuing transition's
transaction), revoking, and registering or issuing a unit's signing key."""

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.pdf import Signatory
from precinct.eservices.models import Dossier
from precinct.eservices.services import sequence_next
from precinct.organisation.models import Officer, Unit
from precinct.results import keys
from precinct.results.models import ResultDocument, SigningKey
from precinct.results.permissions import can_manage_signing_keys, can_revoke_result
from precinct.results.render import Issue, result_pdf
from precinct.results.signing import sign_pdf


class SigningUnavailable(DomainError):
    status = 409

    def __init__(self, unit: Unit) -> None:
        super().__init__(
            "signing_unavailable",
            _("%(unit)s has no usable signing key, so the result cannot be issued. An administrator must set one up.")
            % {"unit": unit.display_name},
        )


def signer_for(unit: Unit) -> tuple[SigningKey, keys.UnitSigner]:
    """The unit's active key, opened (refused with a clear error when it is missing or will not open)."""
    key = SigningKey.objects.filter(unit=unit, is_active=True).first()
    if key is None or key.not_after <= timezone.now():
        raise SigningUnavailable(unit)
    try:
        signer = keys.signer_load(
            key_file=key.key_file, cert_file=key.cert_file, unit_code=unit.code, fingerprint_hint=key.fingerprint
        )
    except keys.KeyMaterialError as exc:
        raise SigningUnavailable(unit) from exc
    return key, signer


def signatory_of(actor: Actor, unit: Unit) -> Signatory:
    """Who signs for the unit, as the document prints it: the issuing officer's position, and rank and full
    name ("Đại úy Trần Văn Bình"), from their officer record; the account's name when there is none."""
    user = as_user(actor)
    officer = Officer.objects.filter(user=user, is_active=True).first() if user is not None else None
    if officer is not None:
        with translation.override("vi"):  # documents are in the language of the administration
            rank = str(officer.get_rank_display())
        return Signatory(
            position=officer.position or "Cán bộ",
            name=f"{rank} {officer.full_name}",
            note="(Đã ký số)",
        )
    return Signatory(position="Cán bộ", name=user.full_name if user else unit.name, note="(Đã ký số)")


@transaction.atomic
def result_issue(*, actor: Actor, dossier: Dossier) -> ResultDocument:
    """Render the dossier's result, sign it with the issuing unit's key and keep it with its hash.
    Runs inside the `issue_result` transition's transaction: if anything fails, the dossier is not issued."""
    key, signer = signer_for(dossier.unit)
    signed_at = timezone.now()
    year = timezone.localtime(signed_at).date().replace(month=1, day=1)
    symbol = f"KQ-{dossier.unit.code}"
    number = sequence_next(symbol[:32], year)  # numbered per issuing unit and year (Decree 30)
    issue = Issue(
        number=f"{number}/{symbol}",
        token=secrets.token_urlsafe(24),
        signatory=signatory_of(actor, dossier.unit),
        issued_at=signed_at,
    )
    pdf = sign_pdf(
        result_pdf(dossier, issue=issue),
        signer,
        reason=f"Kết quả giải quyết hồ sơ {dossier.code}",
        location=dossier.unit.name,
    )
    document = ResultDocument(
        dossier=dossier,
        unit=dossier.unit,
        unit_path=dossier.unit.path,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        signing_key=key,
        signer_subject=key.subject,
        signed_at=signed_at,
        number=number,
        symbol=symbol,
        signer_name=issue.signatory.name,
        signer_position=issue.signatory.position,
        token=issue.token,
    )
    document.file.save(f"{dossier.code}.pdf", ContentFile(pdf), save=False)
    try:
        document.save()
        audit_record(
            actor=actor,
            action="results.result_issue",
            target=document,
            unit=dossier.unit,
            after={"dossier": dossier.code, "sha256": document.sha256, "key": key.fingerprint, "size": len(pdf)},
        )
    except Exception:
        document.file.delete(save=False)  # no file without its row
        raise
    return document


@transaction.atomic
def result_revoke(*, actor: Actor, document: ResultDocument, reason: str) -> ResultDocument:
    """A leader of the issuing unit withdraws a result; verification then reports it as revoked."""
    document = (  # the document's row only, not its unit and dossier
        ResultDocument.objects.select_for_update(of=("self",)).select_related("unit", "dossier").get(pk=document.pk)
    )
    if not can_revoke_result(actor, document):
        raise PermissionDenied(_("Only a leader of the issuing unit can revoke a result."))
    if document.is_revoked:
        raise DomainError("already_revoked", _("This result is already revoked."), status=409)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason for revoking the result.")]})
    document.revoked_at = timezone.now()
    document.revoked_reason = reason[:2000]
    document.revoked_by = as_user(actor)
    document.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit_record(
        actor=actor,
        action="results.result_revoke",
        target=document,
        unit=document.unit,
        before={"revoked": False},
        after={"revoked": True, "reason": document.revoked_reason, "dossier": document.dossier.code},
    )
    return document


@transaction.atomic
def signing_key_register(*, actor: Actor, unit: Unit, key_file: str, cert_file: str = "") -> SigningKey:
    """Make a key file under PRECINCT_SIGNING_DIR the unit's signing key (retiring the previous one).
    Refused unless the key opens with the configured passphrase and its certificate chains to a trust root."""
    if not can_manage_signing_keys(actor, unit):
        raise PermissionDenied()
    try:
        material = keys.material_load(key_file=key_file, cert_file=cert_file, unit_code=unit.code)
    except keys.KeyMaterialError as exc:
        raise ValidationFailed({"key_file": [_("The key cannot be opened: %(error)s") % {"error": exc}]}) from exc
    if not keys.chain_is_trusted(material):
        raise ValidationFailed({"key_file": [_("The certificate does not chain to a configured trust root.")]})
    fingerprint = keys.fingerprint(material.cert)
    existing = SigningKey.objects.filter(fingerprint=fingerprint).first()
    if existing is not None:
        if existing.unit_id != unit.pk:
            raise ValidationFailed({"key_file": [_("This certificate is already registered for another unit.")]})
        if existing.is_active:
            return existing  # registering the same key again changes nothing
    now = timezone.now()
    previous = list(SigningKey.objects.select_for_update().filter(unit=unit, is_active=True))
    SigningKey.objects.filter(pk__in=[k.pk for k in previous]).update(is_active=False, retired_at=now)
    if existing is not None:
        existing.is_active, existing.retired_at = True, None
        existing.save(update_fields=["is_active", "retired_at"])
        key = existing
    else:
        key = SigningKey.objects.create(
            unit=unit,
            key_file=key_file,
            cert_file=cert_file,
            subject=keys.subject_text(material.cert),
            issuer=material.cert.issuer.rfc4514_string()[:500],
            fingerprint=fingerprint,
            not_before=material.cert.not_valid_before_utc,
            not_after=material.cert.not_valid_after_utc,
        )
    audit_record(
        actor=actor,
        action="results.signing_key_register",
        target=key,
        unit=unit,
        before={"keys": [k.fingerprint for k in previous]},
        after={"fingerprint": fingerprint, "subject": key.subject, "not_after": key.not_after, "file": key_file},
    )
    transaction.on_commit(keys.forget_key_material)
    return key


def signing_key_issue(*, actor: Actor, unit: Unit, file_format: str = "p12", days: int = 730) -> SigningKey:
    """Generate a new key for the unit, certified by the local CA, and make it the unit's key (rotation).
    The files are written first; a refused registration leaves them unused in the unit's folder."""
    if not can_manage_signing_keys(actor, unit):
        raise PermissionDenied()
    authority = keys.ca_load()
    if authority is None:
        raise DomainError("no_local_ca", _("There is no local certificate authority (manage.py signing_key ca)."))
    root = unit
    while root.parent_id is not None and root.parent is not None:
        root = root.parent
    key_file, cert_file = keys.unit_key_write(
        authority,
        unit_code=unit.code,
        common_name=unit.name,
        organisation=root.name,
        file_format=file_format,
        days=days,
    )
    return signing_key_register(actor=actor, unit=unit, key_file=key_file, cert_file=cert_file)
