"""Encryption at rest for reports (libsodium through PyNaCl) and the receipt's Argon2id hash.

Per report:
- a random 32-byte report key encrypts the content, every message, note and file (secretbox:
  XSalsa20-Poly1305, a fresh random nonce each time);
- the report key is stored only sealed: to the receiving unit's X25519 public key (sealed box; the
  private key is a file in the key directory, outside the database) and with the receipt-derived key.

The receipt (16 random digits, about 53 bits) is stretched once with Argon2id into 64 bytes:
the first 32 are stored as the receipt's hash (a verifier), the other 32 are the receipt-derived key
that opens the report key. Neither half tells anything about the other (one BLAKE2b-512 output), so
one Argon2id computation per submission or follow-up both checks the receipt and opens the report.

Finding the report from a receipt without trying every hash: `receipt_index` is HMAC-SHA256 of the
receipt under a secret from the key directory, stored in a unique column. Without the key directory
the index cannot be tested against guessed receipts; with it, an attacker could already open every
report through the unit keys, so the index gives nothing more away.
"""

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import Type
from argon2.low_level import hash_secret_raw
from django.conf import settings
from django.utils import timezone
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random as random_bytes

from precinct.core.memo import Memo

RECEIPT_DIGITS = 16
Blob = bytes | memoryview  # what BinaryField gives back
INDEX_SECRET_FILE = "index.secret"  # noqa: S105 (a file name)


# --- the key directory ---------------------------------------------------------------------------


def key_dir() -> Path:
    path = Path(settings.PRECINCT_TIPS_KEY_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _write_secret(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, atomically, never overwriting an existing one."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)  # fails if the file exists: a key is never replaced
    finally:
        tmp.unlink()


_secrets_memo = Memo(ttl=3600.0)


def _index_secret() -> bytes:
    def load() -> bytes:
        path = key_dir() / INDEX_SECRET_FILE
        if not path.exists():
            with contextlib.suppress(FileExistsError):  # another process made it first
                _write_secret(path, secrets.token_hex(32).encode())
        return bytes.fromhex(path.read_text().strip())

    value: bytes = _secrets_memo.get((str(settings.PRECINCT_TIPS_KEY_DIR), "index"), load)
    return value


def _subkey(purpose: bytes) -> bytes:
    return hashlib.blake2b(_index_secret(), digest_size=32, person=purpose.ljust(16, b"\0")).digest()


# --- unit key pairs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewKeyPair:
    key_id: str
    public_key: bytes


def key_pair_create(*, unit_code: str) -> NewKeyPair:
    """A new X25519 key pair; the private key is written to `<key dir>/<key id>.key` (mode 0600)."""
    private = PrivateKey.generate()
    public = bytes(private.public_key)
    key_id = hashlib.blake2b(public, digest_size=12).hexdigest()
    record = {
        "unit": unit_code,
        "created_at": timezone.now().isoformat(),
        "public_key": public.hex(),
        "private_key": bytes(private).hex(),
    }
    _write_secret(key_dir() / f"{key_id}.key", json.dumps(record, indent=1).encode())
    return NewKeyPair(key_id, public)


_private_keys = Memo(ttl=3600.0)


class MissingPrivateKey(Exception):
    pass


def private_key(key_id: str) -> PrivateKey:
    def load() -> PrivateKey:
        path = key_dir() / f"{key_id}.key"
        try:
            record = json.loads(path.read_text())
        except FileNotFoundError as exc:
            raise MissingPrivateKey(key_id) from exc
        return PrivateKey(bytes.fromhex(record["private_key"]))

    key: PrivateKey = _private_keys.get((str(settings.PRECINCT_TIPS_KEY_DIR), key_id), load)
    return key


def seal(public_key: bytes, report_key: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(report_key))


def unseal(key_id: str, sealed: Blob) -> bytes:
    return bytes(SealedBox(private_key(key_id)).decrypt(bytes(sealed)))


# --- report keys and content ---------------------------------------------------------------------


def new_report_key() -> bytes:
    return bytes(random_bytes(SecretBox.KEY_SIZE))


def encrypt(key: bytes, data: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(data))


def decrypt(key: bytes, data: Blob | None) -> bytes:
    if data is None:
        raise ValueError("nothing to decrypt")
    return bytes(SecretBox(key).decrypt(bytes(data)))


def encrypt_json(key: bytes, value: Any) -> bytes:
    return encrypt(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def decrypt_json(key: bytes, data: Blob | None) -> Any:
    return json.loads(decrypt(key, data))


# --- receipts ------------------------------------------------------------------------------------


def new_receipt() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise_receipt(text: str) -> str | None:
    """Digits only ("1234 5678-9012 3456" is fine); None unless exactly 16 digits."""
    digits = "".join(c for c in str(text) if not c.isspace() and c != "-")
    return digits if len(digits) == RECEIPT_DIGITS and digits.isascii() and digits.isdigit() else None


def format_receipt(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def receipt_index(receipt: str) -> str:
    return hmac.new(_subkey(b"receipt-index"), receipt.encode(), hashlib.sha256).hexdigest()


def marker_digest(kind: str, value: str) -> str:
    return hmac.new(_subkey(b"marker"), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def argon2_parameters() -> dict[str, int]:
    """At or above OWASP's recommendation (Argon2id, 19 MiB, 2 passes, 1 lane); see settings."""
    return dict(settings.PRECINCT_TIPS_ARGON2)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _stretch(receipt: str, salt: bytes, params: dict[str, int]) -> tuple[bytes, bytes]:
    out = hash_secret_raw(
        secret=receipt.encode(),
        salt=salt,
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=64,
        type=Type.ID,
    )
    return out[:32], out[32:]


def receipt_protect(receipt: str, report_key: bytes) -> tuple[str, bytes]:
    """(the stored hash, the report key sealed with the receipt-derived key)."""
    params = argon2_parameters()
    salt = secrets.token_bytes(16)
    verifier, derived = _stretch(receipt, salt, params)
    encoded = (
        f"$argon2id$v=19$m={params['memory_cost']},t={params['time_cost']},p={params['parallelism']}"
        f"${_b64(salt)}${_b64(verifier)}"
    )
    return encoded, encrypt(derived, report_key)


def _parse(encoded: str) -> tuple[dict[str, int], bytes, bytes]:
    _, algorithm, _version, params_text, salt, verifier = encoded.split("$")
    if algorithm != "argon2id":
        raise ValueError("not an argon2id hash")
    names = {"m": "memory_cost", "t": "time_cost", "p": "parallelism"}
    params = {names[k]: int(v) for k, v in (item.split("=") for item in params_text.split(","))}
    return params, _unb64(salt), _unb64(verifier)


def receipt_open(receipt: str, encoded: str, sealed_key: bytes) -> bytes | None:
    """The report key when `receipt` matches the stored hash, else None."""
    params, salt, expected = _parse(encoded)
    verifier, derived = _stretch(receipt, salt, params)
    if not hmac.compare_digest(verifier, expected):
        return None
    return decrypt(derived, sealed_key)


def receipt_burn(receipt: str) -> None:
    """Spend the same work as a real check, so a wrong receipt takes as long as a right one."""
    _stretch(receipt, b"\0" * 16, argon2_parameters())
