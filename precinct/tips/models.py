"""The crime-reporting portal: reports (tips), their encrypted content, files, messages and history.

What the database holds in clear is what routing, triage, retention and leaders' figures need:
category, the ward named, receiving unit, dates, status, priority and outcome. Everything the
reporter wrote (what happened, address, map point, people, vehicles, contact details, identity of
an identified reporter), every message, note and file is encrypted with the report's own key
(see tips.crypto). That key is stored only sealed: to the receiving unit's public key and to a key
derived from the reporter's receipt. Unit private keys live in a key directory, not here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DRUGS = "drugs", _("Drugs")
    LOAN_SHARKING = "loan_sharking", _("Loan sharking (“black credit”)")
    FRAUD = "fraud", _("Fraud and high-tech crime")
    GAMBLING = "gambling", _("Gambling")
    THEFT = "theft", _("Theft and robbery")
    SMUGGLING = "smuggling", _("Smuggling")
    ENVIRONMENT = "environment", _("Environment")
    TRAFFIC = "traffic", _("Traffic")
    PUBLIC_ORDER = "public_order", _("Public order")
    CORRUPTION = "corruption", _("Corruption")
    OTHER = "other", _("Other")


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGE = "triage", _("In triage")
    INVESTIGATING = "investigating", _("Being investigated")
    REFERRED = "referred", _("Referred to a case")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    VERIFIED = "verified", _("Verified and acted on")
    INSUFFICIENT = "insufficient", _("Insufficient information")
    FALSE = "false", _("False report")
    DUPLICATE = "duplicate", _("Duplicate")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class UnitKey(models.Model):
    """A unit's public key (X25519). The private key is a file `<key_id>.key` in the key directory
    (settings.PRECINCT_TIPS_KEY_DIR). Rotation adds a new active key; old ones stay for reading."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="tip_keys")
    key_id = models.CharField(max_length=32, unique=True)
    public_key = models.BinaryField()
    created_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["unit_id", "-created_at"]
        verbose_name = _("unit key")
        verbose_name_plural = _("unit keys")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_active=True), name="tips_one_active_key_per_unit"
            )
        ]

    def __str__(self) -> str:
        return self.key_id


class TipPolicy(models.Model):
    """The province's settings for reports (one row): the default retention, set by an administrator."""

    retention_days = models.PositiveIntegerField(_("retention (days)"))
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("report policy")
        verbose_name_plural = _("report policy")

    def __str__(self) -> str:
        return f"{self.retention_days}"


class Tip(models.Model):
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    # The ward, commune or special zone the reporter named (None: not named; the province's duty desk).
    place = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="tips"
    )
    unit_path = models.CharField(max_length=255, db_index=True)
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TipStatus.choices, default=TipStatus.NEW, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    identified = models.BooleanField(_("identified reporter"), default=False)
    has_contact = models.BooleanField(_("reporter left contact details"), default=False)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_reporter_activity_at = models.DateTimeField(null=True, blank=True)
    retain_until = models.DateField(_("keep until"), db_index=True)
    purged_at = models.DateTimeField(_("content destroyed at"), null=True, blank=True)

    # --- secrets, all destroyed on expiry -------------------------------------------------------------
    # The content (JSON) encrypted with the report key (XSalsa20-Poly1305, libsodium secretbox).
    content = models.BinaryField(null=True, blank=True)
    # Finding a report from its receipt: HMAC-SHA256 of the receipt under a key in the key directory.
    receipt_index = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # "$argon2id$v=19$m=..,t=..,p=..$<salt>$<first 32 bytes of the 64-byte output>" (see tips.crypto).
    receipt_hash = models.CharField(max_length=200, blank=True)
    # The report key encrypted with the second half of that Argon2id output (the receipt-derived key).
    receipt_sealed_key = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("crime report")
        verbose_name_plural = _("crime reports")

    def __str__(self) -> str:
        return self.reference  # never content: audit rows label reports with this

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None


class TipSeal(models.Model):
    """The report key sealed (libsodium sealed box) to a unit's public key."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="seals")
    unit_key = models.ForeignKey(UnitKey, on_delete=models.PROTECT, related_name="seals")
    sealed_key = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tip", "unit_key"], name="tips_one_seal_per_key")]

    def __str__(self) -> str:
        return f"{self.tip_id}/{self.unit_key_id}"


class TipMarker(models.Model):
    """A blind index of a phone number or a plate mentioned in a report: HMAC under a key from the key
    directory, so officers find reports that mention the same number without anyone storing it."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("phone number")
        PLATE = "plate", _("licence plate")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="markers")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:8]}"


class TipAttachment(models.Model):
    """A file, encrypted with the report key under a random name. `meta` (encrypted JSON) holds the
    name, type, size and SHA-256 of the file as received. A metadata-stripped copy of an image is a
    second attachment pointing at its original."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    original = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="clean_copies")
    from_reporter = models.BooleanField(default=True)
    added_at = models.DateTimeField()
    blob = models.CharField(max_length=100)  # storage name of the ciphertext
    meta = models.BinaryField()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id}/{self.pk}"


class MessageKind(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    OFFICER = "officer", _("Officer")
    NOTE = "note", _("Internal note")


class TipMessage(models.Model):
    """A message between reporter and officers, or an internal note the reporter never sees. The body
    is encrypted with the report key; the author is recorded for officers only."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    body = models.BinaryField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class TipEvent(models.Model):
    """The report's history without content: status changes, reassignments, retention, expiry."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.action

    def describe(self) -> str:
        """The event as a sentence for the history on the report's page."""
        data = self.data or {}
        if self.action == "filed":
            return str(_("Report received (sent to %(unit)s)") % {"unit": data.get("unit", "")})
        if self.action == "reporter_message":
            return str(_("The reporter added information (%(n)s file(s))") % {"n": data.get("files", 0)})
        if self.action == "officer_message":
            return str(_("An officer answered the reporter"))
        if self.action == "note":
            return str(_("Internal note added"))
        if self.action == "status":
            text = str(_("Status: %(status)s") % {"status": TipStatus(data["to"]).label})
            return text + (f" — {Outcome(data['outcome']).label}" if data.get("outcome") else "")
        if self.action == "priority":
            return str(_("Priority: %(priority)s") % {"priority": Priority(data["to"]).label})
        if self.action == "reassign":
            return str(_("Sent from unit %(from)s to unit %(to)s") % {"from": data.get("from"), "to": data.get("to")})
        if self.action == "retention":
            return str(_("Retention extended until %(until)s") % {"until": data.get("until")})
        if self.action == "expired":
            return str(_("Retention ended: content destroyed"))
        return self.action
