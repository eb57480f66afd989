"""Attachments: what is accepted (recognised by content, not by the name or the client's claim),
and metadata-free copies of images for officers (the original is kept as received, as evidence)."""

import io

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_FILES = 5
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
ACCEPTED_TEXT = _(
    "Images (JPEG, PNG, WebP, GIF), audio (MP3, M4A, OGG, WAV), video (MP4, WebM), PDF or office documents."
)
STRIPPABLE = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes of a file, or None when it is not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head[4:8] == b"ftyp":
        return "audio/mp4" if head[8:11] == b"M4A" else "video/mp4"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"  # .docx, .xlsx, .odt: office documents are zip containers
    return None


def strip_metadata(data: bytes, content_type: str) -> bytes | None:
    """The image re-encoded from its pixels alone: no EXIF (GPS, camera, time), no XMP, ICC or
    comments. The EXIF orientation is applied first so the copy looks the same. None if the type has
    no stripped copy or the image cannot be decoded."""
    fmt = STRIPPABLE.get(content_type)
    if fmt is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            mode = upright.mode if upright.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
            pixels = upright.convert(mode)
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    out = io.BytesIO()
    clean.save(out, format=fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue()
