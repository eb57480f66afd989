"""An e-mail backend for benchmarks: each message is built to its final MIME bytes (what SMTP would carry,
attachments base64-encoded) and counted, then dropped. One message in CHECK_EVERY has its receipt read back
(pypdf): the dossier code in the file name must be in the PDF's text, else the send fails (and the bench's
exactly-once check then reports the message as not sent)."""

import io
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

CHECK_EVERY = 100


class RenderingNullBackend(BaseEmailBackend):
    count = 0

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for message in email_messages:
            message.message().as_bytes()
            RenderingNullBackend.count += 1
            if RenderingNullBackend.count % CHECK_EVERY == 0:
                for attachment in message.attachments:
                    _check_receipt(attachment)
        return len(email_messages)


def _check_receipt(attachment: Any) -> None:
    from pypdf import PdfReader

    filename, content = attachment.filename, attachment.content
    code = filename.removesuffix(".pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if code not in text:
        raise AssertionError(f"the receipt {filename} does not carry its dossier's code")
