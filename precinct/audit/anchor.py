"""The audit chain's head, signed and kept outside the database (ADR 0025).

The hash chain (ADR 0002) shows any altered or removed row that has a successor; removing the newest rows
leaves a shorter chain that is just as valid. So, periodically (the `audit.anchor` job), the head — the last
row's id and hash — is signed with the installation's Ed25519 key and appended as one JSON line to
`anchors.jsonl` in `PRECINCT_AUDIT_ANCHOR_DIR`: a file, not a table, so whoever rewrites the database does not
rewrite it too. `audit_verify` then checks every anchored row is still there with the anchored hash: rows
removed (or the chain rewritten) up to the last anchor are reported; rows written after it are not covered
yet (the window is the job's period).

The key (`anchor.key`, 32 random bytes, mode 0600 in a 0700 directory) is created on first use, or by
`manage.py audit_anchor --init`; `audit_anchor --public-key` prints the key to keep elsewhere. Lines are
signed over their canonical JSON without the signature; a line that does not verify is reported, never
trusted.
"""

import datetime
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from precinct.audit.models import AuditEvent, ChainHead

logger = logging.getLogger(__name__)

KEY_FILE = "anchor.key"
ANCHORS_FILE = "anchors.jsonl"


@dataclass(frozen=True)
class Anchor:
    line: int  # 1-based line number in the file
    row_id: int
    hash: str
    at: str


@dataclass
class AnchorFile:
    anchors: list[Anchor]
    problems: list[str]  # lines that are not signed anchors of this installation


def anchor_dir() -> Path:
    return Path(settings.PRECINCT_AUDIT_ANCHOR_DIR)


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def anchor_key(*, create: bool = True) -> SigningKey | None:
    """The installation's anchor key; made (once, atomically) when missing and `create` is set."""
    directory = anchor_dir()
    path = directory / KEY_FILE
    if not path.exists():
        if not create:
            return None
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        seed = SigningKey.generate().encode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it a moment ago: use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(seed)
            logger.warning("Created the audit anchor key %s: back it up apart from the database", path)
    return SigningKey(path.read_bytes())


def public_key_hex() -> str:
    key = anchor_key()
    assert key is not None
    return key.verify_key.encode().hex()


def anchors_read() -> AnchorFile:
    """Every anchor in the file whose signature verifies with this installation's key, and what is wrong
    with the other lines."""
    path = anchor_dir() / ANCHORS_FILE
    result = AnchorFile(anchors=[], problems=[])
    if not path.exists():
        return result
    key = anchor_key(create=False)
    if key is None:
        result.problems.append(f"{path} exists but the key {KEY_FILE} to check it is missing")
        return result
    verify_key: VerifyKey = key.verify_key
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            try:
                fields = json.loads(text)
                signature = bytes.fromhex(fields.pop("sig"))
                verify_key.verify(_canonical(fields), signature)
                result.anchors.append(
                    Anchor(line=number, row_id=int(fields["id"]), hash=str(fields["hash"]), at=str(fields["at"]))
                )
            except (ValueError, KeyError, TypeError, AttributeError, BadSignatureError):
                result.problems.append(f"line {number} of {path.name} is not an anchor signed by this installation")
    return result


@dataclass(frozen=True)
class AnchorWritten:
    written: bool
    row_id: int | None
    reason: str


def audit_anchor_write(*, now: datetime.datetime | None = None) -> AnchorWritten:
    """Append the signed head to the anchor file, unless it has not moved since the last anchor, or the table
    no longer holds the head's row or the last anchor's (anchoring a shortened chain would bless the removal:
    that is logged as an error and left for `audit_verify` to report).

    The head is the chain's (`audit_chainhead`, ADR 0045), not the table's newest row: rows removed from the end
    since the last anchor leave the head naming a row that is gone."""
    head = _head()
    if head is None:
        return AnchorWritten(False, None, "the audit log is empty")
    held = AuditEvent.objects.filter(pk=head[0]).values_list("hash", flat=True).first()
    if held != head[1]:
        logger.error("Audit row %s, the chain's head, is missing or altered: no new anchor written", head[0])
        return AnchorWritten(False, head[0], f"row {head[0]}, the chain's head, is missing or altered")
    existing = anchors_read()
    if existing.anchors:
        last = existing.anchors[-1]
        if (last.row_id, last.hash) == head:
            return AnchorWritten(False, head[0], "the head has not moved since the last anchor")
        anchored = AuditEvent.objects.filter(pk=last.row_id).values_list("hash", flat=True).first()
        if anchored != last.hash:
            logger.error(
                "Audit row %s, anchored at %s, is missing or altered: no new anchor written", last.row_id, last.at
            )
            return AnchorWritten(False, head[0], f"row {last.row_id} anchored at {last.at} is missing or altered")
    key = anchor_key()
    assert key is not None
    fields = {
        "v": 1,
        "id": head[0],
        "hash": head[1],
        "at": (now or timezone.now()).isoformat(timespec="seconds"),
    }
    line = json.dumps({**fields, "sig": key.sign(_canonical(fields)).signature.hex()}, sort_keys=True) + "\n"
    # O_APPEND: each line lands at the end whoever else writes; one write() of a short line is not interleaved.
    fd = os.open(anchor_dir() / ANCHORS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return AnchorWritten(True, head[0], "anchored")


def _head() -> tuple[int, str] | None:
    """The chain's head; the newest row when a database has none yet (older than audit 0005, or just flushed:
    the next append writes it)."""
    kept = ChainHead.objects.filter(pk=1).values_list("last_id", "hash").first()
    return kept or AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
