"""The alert's page, its snapshot (scoped, audited) and its forms as every actor; the console card's
thumbnail and escalation mark."""

import datetime

from precinct.audit.models import AuditEvent
from precinct.cameras.escalation import escalation_sweep
from precinct.cameras.evidence import snapshot_fetch
from precinct.cameras.models import Alert, AlertOutcome, AlertStatus
from precinct.cameras.tests.conftest import alert_for, feed, frigate
from precinct.testing import Expect, assert_matrix


def _expect(ok, *, citizen=403, admin=403, outside=404, anonymous=302):
    return {
        "anonymous": anonymous,
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


def _stored_alert(event_id: str) -> Alert:
    feed("rec-a", frigate("end", event_id, camera="cage_2"))
    alert = Alert.objects.get(event__external_id=event_id)
    snapshot_fetch(snapshot_id=alert.snapshot.pk)
    return Alert.objects.get(pk=alert.pk)


def test_the_alert_page(world, cams, recorder_http):
    alert = _stored_alert("ev-page")
    shown = Expect(
        200,
        shows=(
            "CAM-A2",
            f"/cameras/alerts/{alert.pk}/snapshot/",
            f"{recorder_http.url}/api/events/ev-page/clip.mp4",
            alert.snapshot.sha256,
            "Điều lực lượng",  # the dispatch form
            "Officer of A",  # who can be dispatched: the ward's officers
            "Dòng thời gian",
        ),
        hides=("Officer of B",),
    )
    assert_matrix(world, lambda c: c.get(f"/cameras/alerts/{alert.pk}/"), _expect(shown))


def test_the_snapshot_is_scoped_and_every_view_audited(world, cams, recorder_http):
    alert = _stored_alert("ev-img")

    def view(client):
        answer = client.get(f"/cameras/alerts/{alert.pk}/snapshot/")
        if answer.status_code == 200:
            assert answer.content == recorder_http.image and answer["Content-Type"] == "image/jpeg"
            assert answer["Cache-Control"] == "private, max-age=300"
        return answer

    assert_matrix(world, view, _expect(200))
    views = AuditEvent.objects.filter(action="cameras.snapshot_view", target_id=str(alert.snapshot.pk))
    assert sorted(views.values_list("actor_label", flat=True)) == sorted(
        ["officer_a", "duty_a", "leader_a", "leader_p", "superuser"]
    )


def test_the_console_card_shows_the_thumbnail_and_the_escalation(world, cams, recorder_http, settings):
    alert = _stored_alert("ev-card")
    escalation_sweep(now=alert.raised_at + datetime.timedelta(minutes=settings.CAMERAS_ACK_MINUTES + 1))
    page = world.client("duty_a").get("/cameras/console/alerts/").content.decode()
    assert f'src="/cameras/alerts/{alert.pk}/snapshot/"' in page
    assert f'href="/cameras/alerts/{alert.pk}/"' in page
    assert "Đã báo lãnh đạo phường" in page


def test_dispatch_and_close_from_the_page(world, cams):
    officer = world.officers["a"]
    made: list[int] = []

    def dispatch(client):
        alert = alert_for(world, cams)
        made.append(alert.pk)
        body = {"officer_ids": [str(officer.pk)], "commander_id": str(officer.pk), "means": "xuồng máy"}
        return client.post(f"/cameras/alerts/{alert.pk}/act/dispatch/", body)

    assert_matrix(world, dispatch, _expect(302))
    dispatched = [Alert.objects.get(pk=pk).dispatches.exists() for pk in made]
    assert dispatched == [False, False, True, True, True, False, False, True, False, True]

    duty = world.client("duty_a")
    alert = Alert.objects.get(pk=made[3])
    refused = duty.post(f"/cameras/alerts/{alert.pk}/act/close/", {"outcome": "crime_report"}, follow=True)
    assert "Nhập số hiệu tin báo tội phạm" in refused.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACKNOWLEDGED
    duty.post(f"/cameras/alerts/{alert.pk}/act/close/", {"outcome": "resolved", "note": "đã giải tán"})
    closed = Alert.objects.get(pk=alert.pk)
    assert (closed.status, closed.outcome) == (AlertStatus.RESOLVED, AlertOutcome.RESOLVED)
    duty.post(f"/cameras/alerts/{alert.pk}/act/note/", {"text": "biên bản số 12"})
    page = duty.get(f"/cameras/alerts/{alert.pk}/").content.decode()
    assert "biên bản số 12" in page and "Giải quyết tại chỗ" in page and 'name="outcome"' not in page
