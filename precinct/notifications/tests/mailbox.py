"""A mail backend and an SMS provider that append what they send to files, for tests that run real worker
processes (the test's own process reads the files). The mail backend can stop before sending its Nth
message and wait there, so a test kills the worker at a known point in the middle of a batch."""

import json
import os
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


def mailbox_dir() -> Path:
    return Path(os.environ["MAILBOX_DIR"])


def _append(name: str, record: dict[str, Any]) -> None:
    with (mailbox_dir() / name).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def read(name: str, directory: Path | None = None) -> list[dict[str, Any]]:
    path = (directory or mailbox_dir()) / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _send(record: dict[str, Any]) -> None:
    """Append to `sent.jsonl`; with MAILBOX_PAUSE_AFTER=N, the first process to find N messages sent writes
    `paused` and waits there (for the test's SIGKILL) before sending the next one."""
    pause_after = int(os.environ.get("MAILBOX_PAUSE_AFTER", "0"))
    if pause_after and len(read("sent.jsonl")) >= pause_after and not (mailbox_dir() / "paused").exists():
        (mailbox_dir() / "paused").write_text(str(os.getpid()))
        time.sleep(300)  # the test kills this process here
    _append("sent.jsonl", record)


class PausingFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            _send({"channel": "email", "to": message.to, "id": message.extra_headers["Message-ID"]})
        return len(email_messages)


class FileSmsProvider:
    def send(self, *, phone: str, text: str) -> str:
        _send({"channel": "sms", "phone": phone, "text": text})
        return "file"
