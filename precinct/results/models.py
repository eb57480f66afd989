"""Signed results: the key each unit signs with (the key itself stays in a file, never here) and the
signed PDF issued for a dossier, with the hash that proves a copy is exactly the one issued."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """A unit's signing certificate. `key_file` (PKCS#12, or a PEM private key with `cert_file`) is a
    path relative to PRECINCT_SIGNING_DIR; its passphrase comes from the environment. Rotating a key
    adds a new row and retires the old one, which stays for the results it signed."""

    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="signing_keys", verbose_name=_("unit")
    )
    key_file = models.CharField(_("key file"), max_length=255)
    cert_file = models.CharField(_("certificate file"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "-created_at"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(is_active=True), name="one_active_key_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.fingerprint[:16]}"


def result_path(instance: "ResultDocument", filename: str) -> str:
    return f"results/{instance.signed_at:%Y/%m}/{uuid.uuid4().hex}.pdf"


class ResultDocument(models.Model):
    """The signed result of a dossier, stored as issued: its SHA-256 tells a copy from a forgery."""

    dossier = models.OneToOneField(
        "eservices.Dossier", on_delete=models.PROTECT, related_name="result", verbose_name=_("dossier")
    )
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit")
    )
    unit_path = models.CharField(max_length=255, db_index=True)
    file = models.FileField(upload_to=result_path)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="results")
    signer_subject = models.CharField(_("signer"), max_length=500)
    signed_at = models.DateTimeField(_("signed at"))
    # The document's number and symbol (Decree 30/2020: "Số: 12/KQ-07168"), numbered per unit and year.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    # Who signed for the unit, as printed: the officer who issued the result.
    signer_name = models.CharField(_("signatory"), max_length=150, blank=True)
    signer_position = models.CharField(_("signatory's position"), max_length=150, blank=True)
    # What the QR code carries: unguessable, so /verify/<token> shows a result only to someone holding it.
    # Results issued before it existed have none and are checked by uploading the file.
    token = models.CharField(max_length=43, unique=True, null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("signed result")
        verbose_name_plural = _("signed results")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.sha256[:12]}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
