"""An e-mail backend for benchmarks: each message is built to its final MIME bytes (what SMTP would carry,
attachments base64-encoded) and counted, then dropped."""

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class RenderingNullBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for message in email_messages:
            message.message().as_bytes()
        return len(email_messages)
