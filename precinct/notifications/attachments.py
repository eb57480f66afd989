"""Attachments are named, not stored, when a message is queued ({"kind", "id"}) and rendered when it is
delivered. Apps register a renderer per kind in their AppConfig.ready()."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from precinct.notifications.registry import BatchedRegistry


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


Renderer = Callable[[int], Attachment | None]
ManyRenderer = Callable[[Sequence[int]], Mapping[int, Attachment | None]]
_renderers: BatchedRegistry[Attachment | None] = BatchedRegistry()


def register_attachment(kind: str, renderer: Renderer, *, many: ManyRenderer | None = None) -> None:
    """`renderer(id)` renders one; `many(ids)`, when given, renders a worker's batch with one look-up (an id it
    leaves out is rendered by `renderer`)."""
    _renderers.register(kind, renderer, many)


def render_attachment(spec: dict[str, object]) -> Attachment | None:
    """One attachment, by its kind's renderer for one (a delivery, a retry: never the batch's twin)."""
    if not spec:
        return None
    return _renderer(spec)(_id(spec))


def render_attachments(specs: Sequence[dict[str, object]]) -> list[Attachment | None]:
    """`render_attachment` of each spec, in order, with one call per kind that renders many at once."""
    for spec in specs:
        if spec:
            _renderer(spec)  # an unknown kind fails here, as it would one by one
    made = iter(_renderers.each([(str(spec["kind"]), _id(spec)) for spec in specs if spec]))
    return [next(made) if spec else None for spec in specs]


def _renderer(spec: dict[str, object]) -> Renderer:
    renderer = _renderers.get(str(spec.get("kind")))
    if renderer is None:
        raise LookupError(f"no attachment renderer for {spec.get('kind')!r}")
    return renderer


def _id(spec: dict[str, object]) -> int:
    return int(str(spec["id"]))
