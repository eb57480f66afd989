"""Key material for signed results: a local certificate authority (demo or in-house), unit keys as files
under PRECINCT_SIGNING_DIR, loading them into a pyHanko signer, and the trust roots verification uses.

Layout of PRECINCT_SIGNING_DIR (outside the database; back it up separately and keep it private):

    ca/ca.key.pem      the local CA's private key (encrypted with the passphrase), when this installation
                       issues its own unit certificates (`manage.py signing_key ca`, or the demo data)
    ca/ca.cert.pem     its certificate
    trust/*.pem        certificates of the authorities results must chain to (the local CA is copied here;
                       add a national CA's root to trust certificates it issued)
    units/<code>/*.p12 unit keys with their certificate chain (or *.key.pem + *.cert.pem)
"""

import asyncio
import concurrent.futures
import datetime
import hashlib
import os
import re
import unicodedata
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from precinct.core.memo import Memo

CA_KEY = Path("ca") / "ca.key.pem"
CA_CERT = Path("ca") / "ca.cert.pem"
TRUST_DIR = "trust"
LOCAL_CA_TRUST = Path(TRUST_DIR) / "local-ca.pem"
_signers = Memo(ttl=300)
_roots = Memo(ttl=60)


def run_sync[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one of pyHanko's coroutines from synchronous code. pyHanko's own sync wrappers call asyncio.run(),
    which fails in a thread that already runs an event loop (an async caller, Playwright in tests): there the
    coroutine runs in a helper thread with its own loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class KeyMaterialError(Exception):
    """The key files are missing, unreadable, or the passphrase does not open them."""


def signing_dir() -> Path:
    return Path(settings.PRECINCT_SIGNING_DIR)


def passphrase_for(unit_code: str = "") -> bytes | None:
    """The passphrase of a unit's key: PRECINCT_SIGNING_PASSPHRASE_<CODE> if set, else the common one."""
    specific = os.environ.get("PRECINCT_SIGNING_PASSPHRASE_" + re.sub(r"[^A-Z0-9]", "_", unit_code.upper()))
    value = specific if specific else settings.PRECINCT_SIGNING_PASSPHRASE
    return value.encode() if value else None


def _encryption(passphrase: bytes | None) -> serialization.KeySerializationEncryption:
    if passphrase is None and settings.PRODUCTION:
        raise KeyMaterialError("set PRECINCT_SIGNING_PASSPHRASE: production never writes an unencrypted key")
    return serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def subject_text(cert: x509.Certificate) -> str:
    """The certificate's subject as people read it: common name first."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    rest = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    parts = [str(a.value) for a in names] + [str(a.value) for a in rest]
    return ", ".join(parts) or cert.subject.rfc4514_string()


def _fit(text: str) -> str:
    """X.509 limits names to 64 bytes (Vietnamese letters take 2-3): cut at a word boundary."""
    text = unicodedata.normalize("NFC", text.strip())
    while len(text.encode()) > 64:
        text = text.rsplit(" ", 1)[0] if " " in text else text.encode()[:64].decode(errors="ignore")
    return text or "-"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)


# --- the local certificate authority ---------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def ca_load() -> Authority | None:
    base = signing_dir()
    if not (base / CA_KEY).exists() or not (base / CA_CERT).exists():
        return None
    try:
        key = serialization.load_pem_private_key((base / CA_KEY).read_bytes(), passphrase_for())
        cert = x509.load_pem_x509_certificate((base / CA_CERT).read_bytes())
    except (ValueError, TypeError) as exc:
        raise KeyMaterialError(f"cannot open the local CA in {base / 'ca'}: {exc}") from exc
    assert isinstance(key, rsa.RSAPrivateKey)
    return Authority(cert, key)


def ca_create(*, name: str, organisation: str, years: int = 10) -> Authority:
    """Create the local CA (RSA-3072, self-signed) and trust it. Refuses to overwrite an existing one."""
    base = signing_dir()
    if (base / CA_KEY).exists():
        raise KeyMaterialError(f"a local CA already exists in {base / 'ca'}")
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    now = timezone.now()
    subject = _name(name, organisation)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    _write(
        base / CA_KEY,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(passphrase_for())),
    )
    _write(base / CA_CERT, pem)
    _write(base / LOCAL_CA_TRUST, pem)
    forget_key_material()
    return Authority(cert, key)


def certificate_issue(
    authority: Authority,
    *,
    common_name: str,
    organisation: str,
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    days: int,
) -> x509.Certificate:
    """A signing certificate for a unit: digital signature and non-repudiation, not a CA."""
    now = timezone.now()
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(authority.cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(min(now + datetime.timedelta(days=days), authority.cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(authority.key, hashes.SHA256())
    )


def unit_key_write(
    authority: Authority,
    *,
    unit_code: str,
    common_name: str,
    organisation: str,
    file_format: str = "p12",
    days: int = 730,
    filename: str = "",
) -> tuple[str, str]:
    """Generate an RSA-2048 key for a unit, certify it by the local CA and write it under units/<code>/.
    Returns (key_file, cert_file) relative to PRECINCT_SIGNING_DIR (cert_file is empty for PKCS#12)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = certificate_issue(
        authority, common_name=common_name, organisation=organisation, public_key=key.public_key(), days=days
    )
    stem = filename or timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = Path("units") / re.sub(r"[^A-Za-z0-9_-]", "_", unit_code)
    secret = passphrase_for(unit_code)
    if file_format == "p12":
        key_file = folder / f"{stem}.p12"
        data = pkcs12.serialize_key_and_certificates(
            unit_code.encode(), key, cert, [authority.cert], _encryption(secret)
        )
        _write(signing_dir() / key_file, data)
        return str(key_file), ""
    key_file, cert_file = folder / f"{stem}.key.pem", folder / f"{stem}.cert.pem"
    _write(
        signing_dir() / key_file,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(secret)),
    )
    chain = cert.public_bytes(serialization.Encoding.PEM) + authority.cert.public_bytes(serialization.Encoding.PEM)
    _write(signing_dir() / cert_file, chain)
    return str(key_file), str(cert_file)


# --- loading a unit's key into a signer --------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    chain: list[x509.Certificate]


def _resolve(relative: str) -> Path:
    base = signing_dir().resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base):
        raise KeyMaterialError(f"{relative!r} is outside PRECINCT_SIGNING_DIR")
    return path


def material_load(*, key_file: str, cert_file: str = "", unit_code: str = "") -> Material:
    """Open a unit's key: a PKCS#12 file (.p12/.pfx), or a PEM key with a PEM certificate (+ chain)."""
    secret = passphrase_for(unit_code)
    try:
        data = _resolve(key_file).read_bytes()
        if key_file.lower().endswith((".p12", ".pfx")):
            key, cert, extra = pkcs12.load_key_and_certificates(data, secret)
            chain = list(extra)
        else:
            key = serialization.load_pem_private_key(data, secret)
            certs = x509.load_pem_x509_certificates(_resolve(cert_file).read_bytes()) if cert_file else []
            cert, chain = (certs[0], certs[1:]) if certs else (None, [])
    except (OSError, ValueError, TypeError) as exc:
        raise KeyMaterialError(f"cannot open {key_file}: {exc}") from exc
    if cert is None or key is None:
        raise KeyMaterialError(f"{key_file} holds no certificate or no private key")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyMaterialError("only RSA and ECDSA keys are supported")
    if cert.public_key() != key.public_key():
        raise KeyMaterialError("the certificate does not belong to this private key")
    return Material(cert=cert, key=key, chain=chain)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class UnitSigner(SimpleSigner):
    """pyHanko's SimpleSigner, keeping the private key loaded.

    SimpleSigner.sign_raw() re-parses the DER private key for every signature; for RSA, OpenSSL then
    checks the key (~40 ms on our machine), which made signing 9 PDFs/s. We parse once, here.
    """

    def __init__(self, material: Material) -> None:
        key_info = asn1_keys.PrivateKeyInfo.load(
            material.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        super().__init__(
            signing_cert=_asn1(material.cert),
            signing_key=key_info,
            cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in material.chain]),
            embed_roots=False,  # verifiers hold the root already; 1-2 KB less to embed and to parse
        )
        self._private_key = material.key
        # Room for the signature container (hex-encoded), from one dry run now, with 1 KB of margin. Giving it
        # saves pyHanko a complete dry-run signature per document, and a tight container is faster to verify
        # (pyHanko reads the hex string a token at a time).
        container = run_sync(self.async_sign(bytes(32), "sha256", dry_run=True, use_pades=True))
        self.bytes_reserved = 2 * (len(container.dump()) + 1024)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)["algorithm"].native
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._private_key, rsa.RSAPrivateKey) and mechanism in ("rsassa_pkcs1v15", "sha256_rsa"):
            return self._private_key.sign(data, padding.PKCS1v15(), digest)
        if isinstance(self._private_key, ec.EllipticCurvePrivateKey) and mechanism.endswith("ecdsa"):
            return self._private_key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)


def signer_load(*, key_file: str, cert_file: str = "", unit_code: str = "", fingerprint_hint: str = "") -> UnitSigner:
    """A ready signer for a key, kept per process for five minutes (keys are opened once, not per PDF)."""
    return _signers.get(
        (key_file, cert_file, unit_code, fingerprint_hint),
        lambda: UnitSigner(material_load(key_file=key_file, cert_file=cert_file, unit_code=unit_code)),
    )


# --- trust ------------------------------------------------------------------------------------------


def _load_roots() -> list[asn1_x509.Certificate]:
    paths = [Path(p) for p in settings.PRECINCT_SIGNING_TRUST_ROOTS] or sorted(
        (signing_dir() / TRUST_DIR).glob("*.pem")
    )
    roots: list[asn1_x509.Certificate] = []
    for path in paths:
        try:
            roots += [_asn1(c) for c in x509.load_pem_x509_certificates(path.read_bytes())]
        except (OSError, ValueError):
            continue  # an unreadable root trusts nothing; verification then reports "not trusted"
    return roots


def trust_roots() -> list[asn1_x509.Certificate]:
    return _roots.get((str(signing_dir()), tuple(settings.PRECINCT_SIGNING_TRUST_ROOTS)), _load_roots)


def validation_context(extra: list[asn1_x509.Certificate] | None = None) -> ValidationContext:
    # No network: revocation of certificates is not fetched (results are revoked in Precinct itself).
    return ValidationContext(
        trust_roots=trust_roots(), other_certs=extra or [], allow_fetching=False, revocation_mode="soft-fail"
    )


def chain_is_trusted(material: Material) -> bool:
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    validator = CertificateValidator(
        _asn1(material.cert),
        intermediate_certs=[_asn1(c) for c in material.chain],
        validation_context=validation_context(),
    )
    try:
        run_sync(validator.async_validate_usage({"digital_signature"}))
    except (PathBuildingError, PathValidationError, ValueError):
        return False
    return True


def forget_key_material() -> None:
    _signers.forget()
    _roots.forget()
