"""An alert not acknowledged within CAMERAS_ACK_MINUTES goes to the ward's leader, once."""

import datetime

from precinct.accounts.models import User
from precinct.audit.models import AuditEvent
from precinct.cameras.escalation import escalation_sweep
from precinct.cameras.models import Alert, AlertEntryKind
from precinct.cameras.services import alert_acknowledge
from precinct.cameras.tests.conftest import alert_for
from precinct.notifications.models import Notification


def _leader_messages(world) -> int:
    return Notification.objects.filter(
        recipient=world.users["leader_a"], key__startswith="camera_alert_escalated"
    ).count()


def _reachable(world, *actors: str) -> None:
    """The world's officers have no address; give these leaders one (as their profile would)."""
    for actor in actors:
        User.objects.filter(pk=world.users[actor].pk).update(email=f"{actor}@example.vn", phone="0911222333")


def test_an_unacknowledged_alert_goes_to_the_leader_once(world, cams, settings):
    settings.CAMERAS_ACK_MINUTES = 5
    _reachable(world, "leader_a", "leader_p")
    late = alert_for(world, cams)
    seen = alert_for(world, cams)
    alert_acknowledge(actor=world.users["duty_a"], alert=seen)
    raised = late.raised_at

    assert escalation_sweep(now=raised + datetime.timedelta(minutes=4)) == {"escalated": 0}
    assert _leader_messages(world) == 0

    later = raised + datetime.timedelta(minutes=6)
    assert escalation_sweep(now=later) == {"escalated": 1}
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert _leader_messages(world) == 2  # e-mail and SMS
    message = Notification.objects.filter(recipient=world.users["leader_a"]).first()
    assert f"#{late.pk}" in message.subject
    assert not Notification.objects.filter(
        recipient=world.users["leader_p"], key__startswith="camera_alert_esc"
    ).exists()
    assert late.entries.filter(kind=AlertEntryKind.ESCALATED, text__contains="leader_a").exists()
    assert AuditEvent.objects.filter(action="cameras.alert_escalate", target_id=str(late.pk)).count() == 1

    told = _leader_messages(world)
    assert escalation_sweep(now=later + datetime.timedelta(minutes=30)) == {"escalated": 0}
    assert _leader_messages(world) == told
    assert Alert.objects.get(pk=seen.pk).escalated_at is None


def test_the_setting_decides_when(world, cams, settings):
    settings.CAMERAS_ACK_MINUTES = 15
    alert = alert_for(world, cams)
    assert escalation_sweep(now=alert.raised_at + datetime.timedelta(minutes=10)) == {"escalated": 0}
    assert escalation_sweep(now=alert.raised_at + datetime.timedelta(minutes=16)) == {"escalated": 1}


def test_inbox_messages_link_to_the_alert(world, cams):
    from precinct.notifications.links import resolve_links

    links = resolve_links(["camera_alert:12", "camera_alert_escalated:12", "camera_alert:x"])
    assert {key: link.url for key, link in links.items()} == {
        "camera_alert:12": "/cameras/alerts/12/",
        "camera_alert_escalated:12": "/cameras/alerts/12/",
    }
