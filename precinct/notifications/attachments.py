"""Attachments are named, not stored, when a message is queued ({"kind", "id"}) and rendered when it is
delivered. Apps register a renderer per kind in their AppConfig.ready()."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


Renderer = Callable[[int], Attachment | None]
ManyRenderer = Callable[[Sequence[int]], Mapping[int, Attachment | None]]
_renderers: dict[str, Renderer] = {}
_many_renderers: dict[str, ManyRenderer] = {}


def register_attachment(kind: str, renderer: Renderer, *, many: ManyRenderer | None = None) -> None:
    """`renderer(id)` renders one; `many(ids)`, when given, renders a worker's batch with one look-up."""
    _renderers[kind] = renderer
    if many is not None:
        _many_renderers[kind] = many
    else:
        _many_renderers.pop(kind, None)


def render_attachment(spec: dict[str, object]) -> Attachment | None:
    if not spec:
        return None
    return _renderer(spec)(_id(spec))


def render_attachments(specs: Sequence[dict[str, object]]) -> list[Attachment | None]:
    """`render_attachment` of each spec, in order, with one call per kind that renders many at once."""
    kinds: dict[str, list[int]] = {}
    for spec in specs:
        if spec:
            _renderer(spec)  # an unknown kind fails here, as it would one by one
            kinds.setdefault(str(spec["kind"]), []).append(_id(spec))
    made = {
        (kind, key): attachment
        for kind, ids in kinds.items()
        if kind in _many_renderers
        for key, attachment in _many_renderers[kind](ids).items()
    }
    return [None if not spec else made.get((str(spec["kind"]), _id(spec))) or render_attachment(spec) for spec in specs]


def _renderer(spec: dict[str, object]) -> Renderer:
    renderer = _renderers.get(str(spec.get("kind")))
    if renderer is None:
        raise LookupError(f"no attachment renderer for {spec.get('kind')!r}")
    return renderer


def _id(spec: dict[str, object]) -> int:
    return int(str(spec["id"]))
