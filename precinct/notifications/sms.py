"""SMS providers. The console provider prints messages (development, demos); a real gateway implements
`SmsProvider` and is named in the `PRECINCT_SMS_PROVIDER` setting (a dotted path)."""

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, *, phone: str, text: str) -> str:
        """Send one message; return the provider's message id. Raise on failure (the task retries)."""


class ConsoleSmsProvider:
    """Writes each message to the log (stdout under `make run`) instead of sending it."""

    sent: list[tuple[str, str]] = []  # what this process "sent": the tests read it

    def send(self, *, phone: str, text: str) -> str:
        self.sent.append((phone, text))
        logger.info("SMS to %s: %s", phone, text)
        return f"console-{len(self.sent)}"


@cache
def sms_provider() -> SmsProvider:
    provider: SmsProvider = import_string(settings.PRECINCT_SMS_PROVIDER)()
    return provider
