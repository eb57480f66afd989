"""The alert's API as every actor: detail, snapshot (audited), dispatch, close with an outcome, notes; bad
input and impossible moves refused in Vietnamese and English; all in the OpenAPI."""

from precinct.audit.models import AuditEvent
from precinct.cameras.evidence import snapshot_fetch
from precinct.cameras.models import Alert, AlertStatus, Snapshot
from precinct.cameras.tests.conftest import alert_for, feed, frigate
from precinct.testing import Expect, assert_matrix

REACH_A = {"officer_a", "duty_a", "leader_a", "leader_p", "superuser"}


def _expect(ok, *, citizen=403, admin=403, outside=404):
    return {
        "anonymous": 401,
        "citizen": citizen,
        "officer_a": ok,
        "duty_a": ok,
        "leader_a": ok,
        "officer_b": outside,
        "officer_dept": outside,
        "leader_p": ok,
        "admin_p": admin,
        "superuser": ok,
    }


def _stored_alert(world, cams, event_id: str) -> Alert:
    feed("rec-a", frigate("end", event_id, camera="cage_2"))
    alert = Alert.objects.get(event__external_id=event_id)
    snapshot_fetch(snapshot_id=alert.snapshot.pk)
    return Alert.objects.get(pk=alert.pk)


def test_alert_detail(world, cams, recorder_http):
    alert = _stored_alert(world, cams, "ev-detail")
    shown = Expect(
        200,
        shows=(
            "CAM-A2",
            '"rule_name": "night"',
            f"{recorder_http.url}/api/events/ev-detail/clip.mp4",
            f'"sha256": "{alert.snapshot.sha256}"',
            f"/api/v1/cameras/alerts/{alert.pk}/snapshot",
            '"kind": "raised"',
        ),
    )
    assert_matrix(world, lambda c: c.get(f"/api/v1/cameras/alerts/{alert.pk}"), _expect(shown), api=True)


def test_alert_snapshot_is_scoped_and_every_view_audited(world, cams, recorder_http):
    alert = _stored_alert(world, cams, "ev-snap")

    def view(client):
        answer = client.get(f"/api/v1/cameras/alerts/{alert.pk}/snapshot")
        if answer.status_code == 200:
            assert answer.content == recorder_http.image and answer["Content-Type"] == "image/jpeg"
        return answer

    assert_matrix(world, view, _expect(200), api=True)
    viewers = AuditEvent.objects.filter(action="cameras.snapshot_view", target_id=str(alert.snapshot.pk))
    assert sorted(viewers.values_list("actor_label", flat=True)) == sorted(REACH_A)


def test_dispatch(world, cams):
    officer = world.officers["a"]

    def dispatch(client):
        alert = alert_for(world, cams)
        body = {"officer_ids": [officer.pk], "commander_id": officer.pk, "means": "boat CA-01", "logistics": "torches"}
        return client.post(f"/api/v1/cameras/alerts/{alert.pk}/dispatch", body, content_type="application/json")

    done = Expect(201, shows=('"status": "acknowledged"', '"commander": "Officer of A"', "boat CA-01"))
    assert_matrix(world, dispatch, _expect(done), api=True)


def test_close_with_an_outcome(world, cams):
    def close(client):
        alert = alert_for(world, cams)
        body = {"outcome": "crime_report", "crime_report_ref": "TB-118/2026", "note": "chuyển CSHS"}
        return client.post(f"/api/v1/cameras/alerts/{alert.pk}/close", body, content_type="application/json")

    done = Expect(200, shows=('"status": "handed_on"', '"outcome": "crime_report"', "TB-118/2026"))
    assert_matrix(world, close, _expect(done), api=True)


def test_notes(world, cams):
    alert = alert_for(world, cams)
    assert_matrix(
        world,
        lambda c: c.post(
            f"/api/v1/cameras/alerts/{alert.pk}/notes", {"text": "ghi chú"}, content_type="application/json"
        ),
        _expect(Expect(201, shows=('"kind": "note"',))),
        api=True,
    )
    assert alert.entries.filter(kind="note").count() == len(REACH_A)


def test_refusals_in_both_languages_change_nothing(world, cams):
    client = world.api_client("duty_a")
    alert = alert_for(world, cams)
    url = f"/api/v1/cameras/alerts/{alert.pk}"
    for language, words in (("vi", "Chưa điều lực lượng"), ("en", "No forces were dispatched")):
        answer = client.post(
            f"{url}/close",
            {"outcome": "resolved"},
            content_type="application/json",
            headers={"Accept-Language": language},
        )
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_dispatched"
        assert words in answer.json()["error"]["message"]
    answer = client.post(
        f"{url}/dispatch",
        {"officer_ids": [world.officers["b"].pk], "commander_id": world.officers["b"].pk, "means": ""},
        content_type="application/json",
        headers={"Accept-Language": "vi"},
    )
    assert answer.status_code == 422
    assert set(answer.json()["error"]["fields"]) == {"officer_ids", "commander_id", "means"}
    assert "phường" in answer.json()["error"]["fields"]["officer_ids"][0]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW and not alert.dispatches.exists()
    missing = client.get(f"/api/v1/cameras/alerts/{alert.pk}/snapshot", headers={"Accept-Language": "vi"})
    assert missing.status_code == 404 and not Snapshot.objects.filter(alert=alert).exists()


def test_in_the_openapi(world):
    paths = world.api_client("duty_a").get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/{alert_id}",
        "/{alert_id}/snapshot",
        "/{alert_id}/acknowledge",
        "/{alert_id}/dispatch",
        "/{alert_id}/close",
    ):
        assert f"/api/v1/cameras/alerts{path}" in paths
