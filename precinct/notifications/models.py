"""Messages to people (email, SMS), written in the recipient's language when they are queued and
delivered by a task after commit. A message's `key` makes queuing idempotent: a sweep that runs twice
queues nothing twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices)
    address = models.CharField(_("address"), max_length=254)  # the email address or phone number used
    key = models.CharField(max_length=160)  # what the message is about; unique per recipient and channel
    language = models.CharField(max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    # {"kind": "<registered renderer>", "id": <object id>}: rendered at delivery, off the request path.
    attachment = models.JSONField(default=dict, blank=True)
    # The attachment as rendered by a failed attempt (with "kept" in `attachment`), sent as is by the retry and
    # dropped once the message is sent: a receipt is rendered once per message.
    attachment_content = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the recipient opened it in the site's inbox (every channel's row of one key is marked together).
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "channel", "key"], name="notification_once_per_key")
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address}: {self.subject}"


class PendingCompose(models.Model):
    """A message the worker is to compose and send (`notify_later`): one narrow row written in the caller's
    transaction, so it exists exactly when the change does; the drain shares them out to compose tasks."""

    composer = models.CharField(max_length=40)
    ref = models.BigIntegerField()
    created_at = models.DateTimeField()
    # When the drain gave it to a compose task (null: not yet); redispatched if still here long after.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.composer}:{self.ref}"
