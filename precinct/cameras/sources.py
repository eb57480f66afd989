"""What the ingest's record functions share: the refusal type, the topic's shape (which recorder prefix and
which Frigate topic), the camera a message names, and its times. No I/O beyond the camera look-up."""

import contextlib
import datetime
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, NamedTuple

from precinct.cameras.models import Camera, CameraStatus, Consent
from precinct.core.errors import DomainError


class Refused(DomainError):
    """An inbox message that cannot become a record; `code` is the reason counted."""

    def __init__(self, code: str) -> None:
        super().__init__(code, code, status=422)


class Topic(NamedTuple):
    """A Frigate topic taken apart: `prefix` (the recorder's), `kind` (events, reviews, available, status) and,
    for `<prefix>/<camera>/status/<role>`, the camera's name and the role (detect, record, audio)."""

    prefix: str
    kind: str
    camera: str = ""
    role: str = ""


TOPIC_KINDS = ("events", "reviews", "available")


def topic_parse(topic: str) -> Topic | None:
    parts = topic.split("/")
    if len(parts) >= 4 and parts[-2] == "status":
        return Topic("/".join(parts[:-3]), "status", parts[-3], parts[-1])
    if len(parts) >= 2 and parts[-1] in TOPIC_KINDS:
        return Topic("/".join(parts[:-1]), parts[-1])
    return None


# The worker's batch reads each camera (and its consent) once: one batch is one transaction, so a consent
# withdrawn while it runs is seen by the next batch either way.
_batch: ContextVar[dict | None] = ContextVar("cameras_batch", default=None)


@contextlib.contextmanager
def batch_cache() -> Iterator[None]:
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


def camera_for(recorder_id: int | None, name: Any, *, consent: bool = True) -> Camera:
    """The registered camera called `name` on the recorder; refused when unknown, and (with `consent`) when
    suspended, retired, or without a consent in force."""
    if recorder_id is None or not name:
        raise Refused("malformed")
    cache = _batch.get()
    key = (recorder_id, str(name), consent)
    found = cache.get(key) if cache is not None else None
    if found is None:
        try:
            found = _camera_for(recorder_id, str(name), consent=consent)
        except Refused as refused:
            found = refused
        if cache is not None:
            cache[key] = found
    if isinstance(found, Refused):
        raise Refused(found.code)
    return found


def _camera_for(recorder_id: int, name: str, *, consent: bool) -> Camera:
    camera = Camera.objects.select_related("unit", "recorder").filter(recorder_id=recorder_id, source_name=name).first()
    if camera is None:
        raise Refused("unknown_camera")
    if consent:
        if camera.status != CameraStatus.ACTIVE:
            raise Refused("camera_inactive")
        if not Consent.objects.filter(camera=camera, withdrawn_at__isnull=True).exists():
            raise Refused("no_consent")
    return camera


def parse_time(value: Any) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def strings(value: Any, *, limit: int = 20, length: int = 60) -> list[str]:
    """A JSON list of names kept as short strings; anything else is an empty list."""
    return [str(v)[:length] for v in value][:limit] if isinstance(value, list) else []
