"""Messages to people (email, SMS), written in the recipient's language when they are queued and
delivered by a task after commit. A message's `key` makes queuing idempotent: a sweep that runs twice
queues nothing twice. The key is held by NotificationKey (one narrow row per recipient, channel and key, never
partitioned, kept after the message's month is archived), because the messages' table is partitioned by month
on PostgreSQL and a unique constraint there could only be unique within a month (docs/adr/0043)."""

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
        # Once per (recipient, channel, key) is NotificationKey's primary key, not a constraint here: this table is
        # partitioned by month of created_at on PostgreSQL (primary key (id, created_at) in the database).
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["recipient", "channel", "key"], name="notification_by_key"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address}: {self.subject}"


class NotificationKey(models.Model):
    """A (recipient, channel, key) that was given its message: written first, with INSERT … ON CONFLICT DO
    NOTHING, by notify() and the compose batch; only a key that is new here makes a Notification row. The rows
    stay when their messages' month is archived, so an archived message is never sent again. Keyed by the key
    first, so "were these keys sent" (notification_keys_known) reads the primary key's index."""

    pk = models.CompositePrimaryKey("key", "recipient", "channel")
    key = models.CharField(max_length=160)
    # No index of its own (the table's one index is the primary key's): a person's keys are only ever looked up
    # with the key, and deleting a person (rare: accounts are deactivated) may scan this table.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.recipient_id}/{self.channel}/{self.key}"


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
