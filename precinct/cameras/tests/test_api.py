"""The API as every actor (the permission matrix), and the signed webhook."""

import hashlib
import hmac
import json
import uuid

from precinct.cameras.models import Alert, CameraEvent, Consent, InboxMessage
from precinct.cameras.services import camera_register, consent_withdraw
from precinct.cameras.tests.conftest import alert_for, feed, frigate
from precinct.testing import Expect, assert_matrix

A, B = "CAM-A1", "CAM-B1"
ONLY_A = Expect(200, shows=(A,), hides=(B,))
ONLY_B = Expect(200, shows=(B,), hides=(A,))
NEITHER = Expect(200, hides=(A, B))
BOTH = Expect(200, shows=(A, B))


def test_camera_list(world, cams):
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/cameras"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": ONLY_A,
            "duty_a": ONLY_A,
            "leader_a": ONLY_A,
            "officer_b": ONLY_B,
            "officer_dept": NEITHER,
            "leader_p": BOTH,
            "admin_p": BOTH,
            "superuser": BOTH,
        },
        api=True,
    )


def test_camera_detail(world, cams):
    shown = Expect(200, shows=(A, "20.875"))
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/cameras/{cams.a1.pk}"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": shown,
            "duty_a": shown,
            "leader_a": shown,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": shown,
            "admin_p": shown,
            "superuser": shown,
        },
        api=True,
    )


def test_recorder_list(world, cams):
    a, b = (
        Expect(200, shows=("Recorder A",), hides=("Recorder B",)),
        Expect(200, shows=("Recorder B",), hides=("Recorder A",)),
    )
    both = Expect(200, shows=("Recorder A", "Recorder B"))
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/cameras/recorders"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": a,
            "duty_a": a,
            "leader_a": a,
            "officer_b": b,
            "officer_dept": Expect(200, hides=("Recorder A", "Recorder B")),
            "leader_p": both,
            "admin_p": both,
            "superuser": both,
        },
        api=True,
    )


def test_register_a_camera(world, cams):
    def register(client):
        code = f"NEW-{uuid.uuid4().hex[:8]}"
        body = {
            "unit_code": world.ward_a.code,
            "code": code,
            "name": "Bè hàu",
            "owner_name": "Hộ ông Minh",
            "latitude": "20.88",
            "longitude": "106.86",
            "recorder_id": cams.rec_a.pk if client.defaults.get("HTTP_AUTHORIZATION") else None,
            "source_name": code.lower(),
        }
        return client.post("/api/v1/cameras", body, content_type="application/json")

    created = Expect(201, shows=('"status": "active"',))
    assert_matrix(
        world,
        register,
        {
            "anonymous": 401,
            "citizen": 404,  # the recorder is looked up first, in the caller's reach
            "officer_a": created,
            "duty_a": 403,
            "leader_a": created,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": created,
            "admin_p": created,
            "superuser": created,
        },
        api=True,
    )


def test_register_refuses_bad_input_in_both_languages(world, cams):
    client = world.api_client("officer_a")
    body = {
        "unit_code": world.ward_a.code,
        "code": A,
        "name": "x",
        "owner_name": "y",
        "latitude": "91",
        "longitude": "106",
        "source_name": "s",
    }
    answer = client.post("/api/v1/cameras", body, content_type="application/json", headers={"Accept-Language": "vi"})
    assert answer.status_code == 422
    fields = answer.json()["error"]["fields"]
    assert set(fields) == {"code", "latitude"}
    assert "Vĩ độ" in fields["latitude"][0]


def test_camera_status(world, cams):
    def change(client):
        return client.post(
            f"/api/v1/cameras/{cams.a2.pk}/status", {"status": "active"}, content_type="application/json"
        )

    ok = Expect(200, shows=("CAM-A2",))
    assert_matrix(
        world,
        change,
        {
            "anonymous": 401,
            "citizen": 404,
            "officer_a": ok,
            "duty_a": 403,
            "leader_a": ok,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": ok,
            "admin_p": ok,
            "superuser": ok,
        },
        api=True,
    )


def test_record_consent(world, cams):
    def record(client):
        code = f"C-{uuid.uuid4().hex[:8]}"
        camera = camera_register(
            actor=None,
            unit=world.ward_a,
            code=code,
            name="x",
            owner_name="y",
            latitude=20,
            longitude=106,
            source_name=code,
        )
        body = {"signed_on": "2026-11-01", "scope": "events_live", "retention_days": 14}
        return client.post(f"/api/v1/cameras/{camera.pk}/consents", body, content_type="application/json")

    ok = Expect(201, shows=('"retention_days": 14',))
    assert_matrix(
        world,
        record,
        {
            "anonymous": 401,
            "citizen": 404,
            "officer_a": ok,
            "duty_a": 403,
            "leader_a": ok,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": ok,
            "admin_p": ok,
            "superuser": ok,
        },
        api=True,
    )


def test_alert_list(world, cams):
    feed("rec-a", frigate("new", "a-1"))
    feed("rec-b", frigate("new", "b-1"))
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/cameras/alerts"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": ONLY_A,
            "duty_a": ONLY_A,
            "leader_a": ONLY_A,
            "officer_b": ONLY_B,
            "officer_dept": NEITHER,
            "leader_p": BOTH,
            "admin_p": 403,
            "superuser": BOTH,
        },
        api=True,
    )


def _alert_matrix(world, cams, action: str, want_status: str) -> None:
    def act(client):
        alert = alert_for(world, cams)
        return client.post(
            f"/api/v1/cameras/alerts/{alert.pk}/{action}", {"note": "đã xác minh"}, content_type="application/json"
        )

    done = Expect(200, shows=(f'"status": "{want_status}"',))
    assert_matrix(
        world,
        act,
        {
            "anonymous": 401,
            "citizen": 404,
            "officer_a": done,
            "duty_a": done,
            "leader_a": done,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": done,
            "admin_p": 404,
            "superuser": done,
        },
        api=True,
    )


def test_acknowledge(world, cams):
    _alert_matrix(world, cams, "acknowledge", "acknowledged")


def test_hand_on(world, cams):
    _alert_matrix(world, cams, "hand-on", "handed_on")


def test_dismiss(world, cams):
    _alert_matrix(world, cams, "dismiss", "dismissed")


def test_own_cameras_and_withdrawal(world, cams):
    mine = Expect(200, shows=(A,), hides=("CAM-A2", B))
    none = Expect(200, hides=(A,))
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/cameras/mine"),
        {
            "anonymous": 401,
            "citizen": mine,
            "officer_a": none,
            "duty_a": none,
            "leader_a": none,
            "officer_b": none,
            "officer_dept": none,
            "leader_p": none,
            "admin_p": none,
            "superuser": none,
        },
        api=True,
    )

    def withdraw(client):
        consent = Consent.objects.filter(camera=cams.a1, withdrawn_at__isnull=True).first()
        if consent is None:
            consent = Consent.objects.create(
                camera=cams.a1, unit_path=cams.a1.unit_path, signed_on="2026-10-02", recorded_at="2026-10-02T00:00Z"
            )
        return client.post(f"/api/v1/cameras/consents/{consent.pk}/withdraw")

    assert_matrix(
        world,
        withdraw,
        {
            "anonymous": 401,
            "citizen": Expect(200, shows=(A, '"withdrawn_at": "20')),
            "officer_a": 404,
            "duty_a": 404,
            "leader_a": 404,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": 404,
            "admin_p": 404,
            "superuser": 404,
        },
        api=True,
    )
    # The citizen withdrew the first; the one made for the next actor is still in force after nine refusals.
    assert Consent.objects.filter(camera=cams.a1, withdrawn_at__isnull=False).count() == 1
    assert Consent.objects.filter(camera=cams.a1, withdrawn_at__isnull=True).count() == 1


def _signed(recorder, body: bytes, secret: str | None = None) -> dict:
    key = (secret or recorder.webhook_secret).encode()
    return {
        "X-Recorder-Id": str(recorder.pk),
        "X-Signature": "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest(),
    }


def test_webhook_is_open_to_any_caller_with_a_good_signature(world, cams):
    def post(client):
        body = frigate("new", f"wh-{uuid.uuid4()}")
        return client.post(
            "/api/v1/cameras/events", body, content_type="application/json", headers=_signed(cams.rec_a, body)
        )

    assert_matrix(world, post, {actor: Expect(202, shows=('"accepted": 1',)) for actor in _ACTORS}, api=True)
    assert InboxMessage.objects.filter(recorder=cams.rec_a, state="pending").count() == len(_ACTORS)


_ACTORS = (
    "anonymous",
    "citizen",
    "officer_a",
    "duty_a",
    "leader_a",
    "officer_b",
    "officer_dept",
    "leader_p",
    "admin_p",
    "superuser",
)


def test_webhook_refusals(world, cams, client):
    body = frigate("new", "wh-bad")
    wrong = client.post(
        "/api/v1/cameras/events",
        body,
        content_type="application/json",
        headers=_signed(cams.rec_a, body, secret="nope"),
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "bad_signature"
    other = client.post(
        "/api/v1/cameras/events", body, content_type="application/json", headers=_signed(cams.rec_b, body + b" ")
    )
    assert other.status_code == 401
    big = b"{" + b" " * (10 * 1024 * 1024) + b"}"
    assert (
        client.post(
            "/api/v1/cameras/events", big, content_type="application/json", headers=_signed(cams.rec_a, big)
        ).status_code
        == 413
    )
    broken = b"{not json"
    answer = client.post(
        "/api/v1/cameras/events", broken, content_type="application/json", headers=_signed(cams.rec_a, broken)
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "malformed"
    assert list(InboxMessage.objects.values_list("reason", flat=True)) == ["malformed"]


def test_webhook_event_becomes_an_alert_and_a_repeat_is_ignored(world, cams, client):
    body = frigate("new", "wh-1")
    for _ in range(2):
        assert (
            client.post(
                "/api/v1/cameras/events", body, content_type="application/json", headers=_signed(cams.rec_a, body)
            ).status_code
            == 202
        )
    feed("rec-a")
    assert CameraEvent.objects.count() == 1
    assert Alert.objects.get().camera == cams.a1
    consent_withdraw(actor=world.users["citizen"], consent=cams.a1.consents.get())
    later = frigate("new", "wh-2")
    client.post("/api/v1/cameras/events", later, content_type="application/json", headers=_signed(cams.rec_a, later))
    feed("rec-a")
    assert InboxMessage.objects.filter(reason="no_consent").count() == 1


def test_openapi_lists_the_endpoints(world, client):
    paths = json.loads(client.get("/api/v1/openapi.json").content)["paths"]
    assert {"/api/v1/cameras", "/api/v1/cameras/events", "/api/v1/cameras/alerts/{alert_id}/hand-on"} <= set(paths)
