"""Fees owed on dossiers (payment requests) and the attempts to pay them (payments) through a provider.

A `PaymentRequest` is what the citizen owes: the procedure's fee when the dossier is submitted, or a fee
an action of the workflow puts on the dossier (see precinct.payments.fees). It names the workflow actions
that stay refused until it is paid. A `Payment` is one attempt through one provider, identified towards
the provider by its unique `txn_ref` (VNPay's vnp_TxnRef); only a verified callback moves it.

`SandboxTransaction` is the ledger of the built-in sandbox provider (the "bank side" of the sandbox), which
reconciliation compares against, as it compares VNPay payments against VNPay's querydr answers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentRequest(models.Model):
    dossier = models.ForeignKey(
        "eservices.Dossier", on_delete=models.PROTECT, related_name="payment_requests", verbose_name=_("dossier")
    )
    # "fee" for the procedure's fee, otherwise the workflow action that put the fee on the dossier.
    purpose = models.CharField(_("purpose"), max_length=40)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    # Workflow actions refused while this request is unpaid.
    required_for = models.JSONField(_("required before"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.UNPAID)
    created_at = models.DateTimeField(_("created at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        constraints = [
            # One request per purpose per dossier: a submission or an action never bills twice.
            models.UniqueConstraint(fields=["dossier", "purpose"], name="unique_payment_request_purpose"),
            models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="payment_request_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.purpose} {self.amount_vnd}"

    @property
    def is_paid(self) -> bool:
        return self.status == RequestStatus.PAID

    @property
    def label(self) -> str:
        from precinct.payments.fees import purpose_label

        return purpose_label(self.purpose)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the provider")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled by the payer")


class Payment(models.Model):
    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=16)
    txn_ref = models.CharField(_("transaction reference"), max_length=40, unique=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("started at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # What the provider said in its verified callback.
    response_code = models.CharField(max_length=8, blank=True)
    provider_txn_no = models.CharField(_("provider transaction number"), max_length=40, blank=True)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    provider_paid_at = models.CharField(max_length=14, blank=True)  # vnp_PayDate, yyyyMMddHHmmss GMT+7

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.txn_ref


class SandboxTransaction(models.Model):
    """The sandbox provider's own record of what the payer did on its page (its 'bank statement')."""

    txn_ref = models.CharField(max_length=40, unique=True)
    amount = models.PositiveBigIntegerField()  # ×100, as the protocol carries it
    response_code = models.CharField(max_length=8)
    transaction_no = models.CharField(max_length=40)
    pay_date = models.CharField(max_length=14)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox transaction")
        verbose_name_plural = _("sandbox transactions")

    def __str__(self) -> str:
        return f"{self.txn_ref} {self.response_code}"


class RefusedCallback(models.Model):
    """Refused payment notifications counted per hour, provider and reason (forgeries cost one counter
    update each, not one audit row each: a flood cannot grow the audit log). The first refusal of each kind
    in an hour is also audited, with its details."""

    period = models.DateTimeField(_("hour"))  # the hour's start, UTC
    provider = models.CharField(_("provider"), max_length=20)
    reason = models.CharField(_("reason"), max_length=40)
    count = models.PositiveIntegerField(_("count"), default=0)
    last_at = models.DateTimeField(_("last"))

    class Meta:
        verbose_name = _("refused payment notifications")
        verbose_name_plural = _("refused payment notifications")
        ordering = ["-period", "provider", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["period", "provider", "reason"], name="refused_callback_once_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m-%d %H}:00 {self.provider} {self.reason}: {self.count}"
