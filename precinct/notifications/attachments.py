"""Attachments are named, not stored, when a message is queued ({"kind", "id"}) and rendered when it is
delivered. Apps register a renderer per kind in their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


Renderer = Callable[[int], Attachment | None]
_renderers: dict[str, Renderer] = {}


def register_attachment(kind: str, renderer: Renderer) -> None:
    _renderers[kind] = renderer


def render_attachment(spec: dict[str, object]) -> Attachment | None:
    if not spec:
        return None
    renderer = _renderers.get(str(spec.get("kind")))
    if renderer is None:
        raise LookupError(f"no attachment renderer for {spec.get('kind')!r}")
    return renderer(int(str(spec["id"])))
