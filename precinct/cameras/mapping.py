"""The cameras' map (ADR 0036): the cameras of the viewer's reach as points coloured by state, with what a popup
shows (code, name, zone, household, last event, open alerts). Leaflet draws them (served from npm, never a CDN)
over the base layer the settings name, or over a plain background when none is set."""

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from precinct.cameras import selectors
from precinct.cameras.models import CameraStatus
from precinct.cameras.permissions import can_view_cameras, can_view_console
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied


class MapState:
    """A point's colour, most urgent first: an open alert, an offline recorder, then the camera's status."""

    ALERT = "alert"
    OFFLINE = "offline"
    ACTIVE = CameraStatus.ACTIVE.value
    SUSPENDED = CameraStatus.SUSPENDED.value
    RETIRED = CameraStatus.RETIRED.value


@dataclass(frozen=True)
class MapPoint:
    id: int
    code: str
    name: str
    zone: str
    owner: str
    unit: str
    lat: float
    lon: float
    status: str  # the camera's own status, for people to read
    state: str  # MapState: the colour
    last_event: str
    open_alerts: int


def camera_map_points(*, actor: Actor) -> list[MapPoint]:
    """The cameras in the actor's reach (the registry's selector) with their open alerts counted among the
    alerts the actor may see (the console's selector): two queries whatever the number of cameras."""
    cameras = list(selectors.camera_list(actor=actor))
    open_alerts = {
        row["camera_id"]: row["n"]
        for row in selectors.alert_list(actor=actor)
        .filter(camera_id__in=[c.pk for c in cameras])
        .order_by()
        .values("camera_id")
        .annotate(n=Count("id"))
    }
    points = []
    for camera in cameras:
        n = open_alerts.get(camera.pk, 0)
        recorder = camera.recorder
        offline = recorder is not None and (recorder.offline_alerted or recorder.reported_offline_at is not None)
        if camera.status != CameraStatus.ACTIVE:
            state = camera.status
        elif n:
            state = MapState.ALERT
        elif offline:
            state = MapState.OFFLINE
        else:
            state = MapState.ACTIVE
        last = timezone.localtime(camera.last_event_at) if camera.last_event_at else None
        points.append(
            MapPoint(
                id=camera.pk,
                code=camera.code,
                name=camera.name,
                zone=camera.zone,
                owner=camera.owner_name,
                unit=camera.unit.name,
                lat=float(camera.latitude),
                lon=float(camera.longitude),
                status=str(camera.get_status_display()),
                state=str(state),
                last_event=date_format(last, "SHORT_DATETIME_FORMAT") if last else "",
                open_alerts=n,
            )
        )
    return points


@login_required
def camera_map(request: HttpRequest) -> HttpResponse:
    """`/cameras/map/`: the map page; the points travel in the page as JSON (no inline script: CSP)."""
    if not can_view_cameras(request.user):
        raise PermissionDenied()
    points = camera_map_points(actor=request.user)
    pmtiles = _base_file()
    config = {
        "pmtiles": reverse("cameras:map_base") if pmtiles else "",
        "tiles": "" if pmtiles else settings.CAMERAS_MAP_TILE_URL,
        "attribution": settings.CAMERAS_MAP_TILE_ATTRIBUTION,
        "alertsUrl": reverse("cameras:console") if can_view_console(request.user) else "",
    }
    return render(
        request,
        "cameras/map.html",
        {"points": [asdict(p) for p in points], "map_config": config, "count": len(points)},
    )


def _base_file() -> Path | None:
    path = Path(settings.CAMERAS_MAP_PMTILES) if settings.CAMERAS_MAP_PMTILES else None
    return path if path is not None and path.is_file() else None


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@login_required
def map_base(request: HttpRequest) -> HttpResponse | FileResponse:
    """`/cameras/map/base.pmtiles`: the configured PMTiles file, to the map's readers only, in the byte ranges
    the browser's PMTiles reader asks for (one range per request, `Range: bytes=a-b`, answered 206)."""
    if not can_view_cameras(request.user):
        raise PermissionDenied()
    path = _base_file()
    if path is None:
        raise Http404()
    size = path.stat().st_size
    wanted = request.headers.get("Range", "")
    if not wanted:
        whole = FileResponse(path.open("rb"), content_type="application/octet-stream")
        whole["Accept-Ranges"] = "bytes"
        return whole
    match = _RANGE.match(wanted.strip())
    start, end = (match.group(1), match.group(2)) if match else ("", "")
    if not match or (not start and not end):
        return _unsatisfiable(size)
    if start:
        first, last = int(start), min(int(end) if end else size - 1, size - 1)
    else:  # a suffix: the last N bytes
        first, last = max(size - int(end), 0), size - 1
    if first > last or first >= size:
        return _unsatisfiable(size)
    with path.open("rb") as f:
        f.seek(first)
        body = f.read(last - first + 1)
    response = HttpResponse(body, status=206, content_type="application/octet-stream")
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response
