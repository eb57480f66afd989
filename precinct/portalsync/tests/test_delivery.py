"""Delivery against a real local HTTP receiver that fails on purpose."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit, dossier_transition
from precinct.eservices.workflow import LEADER_ACTIONS
from precinct.portalsync.delivery import Config, backoff_delay, sync_pass
from precinct.portalsync.models import OutboxEvent, OutboxState
from precinct.portalsync.services import outbox_discard, outbox_retry
from precinct.portalsync.tests.receiver import Receiver


def submit(world, n: int = 1) -> list:
    procedure = Procedure.objects.get(code="CT-06")
    return [
        dossier_submit(
            actor=world.users["citizen"], procedure=procedure, form_data={"muc_dich": f"#{i}"}, unit_code="07168"
        )
        for i in range(n)
    ]


def walk(world, dossier, actions=("receive", "start_review", "approve", "issue_result", "complete")) -> None:
    for action in actions:
        actor = world.users["leader_a" if action in LEADER_ACTIONS else "officer_a"]  # leaders decide
        dossier_transition(actor=actor, dossier=dossier, action=action)


def assert_order_per_dossier(receiver: Receiver) -> None:
    seen: dict[str, int] = {}
    for key in receiver.received.order:
        body = receiver.received.accepted[key]
        code, event_id = body["MaHoSo"], body["event"]["id"]
        assert event_id > seen.get(code, 0), f"{code}: event {event_id} arrived after {seen[code]}"
        seen[code] = event_id


def test_every_event_arrives_once_with_its_key_and_token(sync_settings, receiver, world, catalogue, signing_keys):
    [dossier] = submit(world)
    walk(world, dossier)
    result = sync_pass()
    assert (result.delivered, result.failed, result.dead) == (6, 0, 0)
    events = list(OutboxEvent.objects.order_by("id"))
    assert all(e.state == OutboxState.DELIVERED and e.attempts == 1 and e.delivered_at for e in events)
    assert receiver.received.order == [str(e.key) for e in events]  # in order, each once
    assert receiver.received.repeats == 0
    for event in events:
        assert receiver.received.accepted[str(event.key)] == event.payload
    headers = receiver.received.headers[0]
    assert headers["Authorization"] == "Bearer test-token"
    assert headers["Content-Type"].startswith("application/json")
    assert sync_pass().sent == 0  # nothing left


def test_a_server_error_is_retried_after_a_back_off(sync_settings, receiver, world, catalogue):
    sync_settings.PORTAL_SYNC_BACKOFF_SECONDS = 60
    sync_settings.PORTAL_SYNC_BACKOFF_MAX_SECONDS = 600
    submit(world)
    receiver.force(500)
    before = timezone.now()
    result = sync_pass()
    assert (result.delivered, result.failed) == (0, 1)
    event = OutboxEvent.objects.get()
    assert event.state == OutboxState.PENDING and event.attempts == 1 and event.last_http_status == 500
    assert "HTTP 500" in event.last_error
    # 60 s step with equal jitter: between 30 and 60 s from now.
    assert (
        before + datetime.timedelta(seconds=29)
        < event.next_attempt_at
        < timezone.now() + datetime.timedelta(seconds=61)
    )
    assert sync_pass().sent == 0  # not due yet
    OutboxEvent.objects.update(next_attempt_at=timezone.now())
    assert sync_pass().delivered == 1
    event.refresh_from_db()
    assert event.state == OutboxState.DELIVERED and event.attempts == 2 and event.last_error == ""


def test_back_off_doubles_with_jitter_up_to_the_cap():
    for attempts, step in ((1, 2), (2, 4), (3, 8), (4, 16), (10, 100)):
        delays = [backoff_delay(attempts, base=2, cap=100) for _ in range(200)]
        assert all(step / 2 <= d <= step for d in delays)
        assert len(set(delays)) > 100  # jittered, not one value


def test_a_retry_after_header_is_honoured(sync_settings, receiver, world, catalogue):
    sync_settings.PORTAL_SYNC_BACKOFF_MAX_SECONDS = 3600
    submit(world)
    receiver.force(429)  # the receiver sends Retry-After: 0 with it ...
    sync_pass(max_batches=1)
    event = OutboxEvent.objects.get()
    assert event.state == OutboxState.PENDING and event.last_http_status == 429
    assert event.next_attempt_at <= timezone.now()


def test_a_refusal_for_good_is_a_dead_letter_at_once_and_holds_back_the_dossier(
    sync_settings, receiver, world, catalogue
):
    [dossier] = submit(world)
    walk(world, dossier, ("receive",))
    receiver.force(422)
    result = sync_pass()
    assert (result.delivered, result.dead) == (0, 1)
    first, second = OutboxEvent.objects.order_by("id")
    assert first.state == OutboxState.DEAD and first.attempts == 1 and "HTTP 422" in first.last_error
    assert second.state == OutboxState.PENDING and second.attempts == 0  # never overtakes the first
    assert receiver.received.order == []


def test_exhausted_attempts_make_a_dead_letter_that_an_administrator_can_send_again(
    sync_settings, receiver, world, catalogue
):
    [dossier] = submit(world)
    walk(world, dossier, ("receive",))
    submit(world)
    receiver.failing[dossier.code] = 503
    result = sync_pass()
    first, second, third = OutboxEvent.objects.order_by("id")
    assert first.state == OutboxState.DEAD and first.attempts == 4
    assert second.state == OutboxState.PENDING  # same dossier: held back
    assert third.state == OutboxState.DELIVERED  # another dossier goes on
    assert result.dead == 1 and result.delivered == 1

    assert "HTTP 503" in first.last_error
    del receiver.failing[dossier.code]
    outbox_retry(actor=world.users["admin_p"], event=first)
    assert sync_pass().delivered == 2
    assert [receiver.received.accepted[k]["event"]["action"] for k in receiver.received.order] == [
        "submit",
        "submit",
        "receive",
    ]
    assert_order_per_dossier(receiver)


def test_discarding_a_dead_letter_lets_the_later_events_go(sync_settings, receiver, world, catalogue):
    [dossier] = submit(world)
    walk(world, dossier, ("receive",))
    receiver.force(400)
    sync_pass()
    first = OutboxEvent.objects.order_by("id").first()
    outbox_discard(actor=world.users["admin_p"], event=first, reason="Sent by hand on the portal")
    assert sync_pass().delivered == 1
    first.refresh_from_db()
    assert first.state == OutboxState.DISCARDED
    assert [receiver.received.accepted[k]["event"]["action"] for k in receiver.received.order] == ["receive"]


def test_timeouts_and_dropped_connections_end_in_exactly_one_copy_per_key(sync_settings, world, catalogue):
    sync_settings.PORTAL_SYNC_MAX_ATTEMPTS = 30
    sync_settings.PORTAL_SYNC_TIMEOUT = 0.3
    with Receiver(fault_rate=0.35, slow_seconds=0.6, seed=11) as receiver:
        sync_settings.PORTAL_SYNC_URL = receiver.url
        for dossier in submit(world, 4):
            walk(world, dossier, ("receive", "start_review"))
        sync_pass()
    keys = {str(k) for k in OutboxEvent.objects.values_list("key", flat=True)}
    assert len(keys) == 12
    assert OutboxEvent.objects.filter(state=OutboxState.DELIVERED).count() == 12
    assert set(receiver.received.accepted) == keys
    faults = receiver.received.faults
    assert faults.get("slow", 0) + faults.get("drop_after", 0) > 0, faults  # some copies were kept, then unanswered
    assert receiver.received.repeats > 0  # ... so they were sent again, and dropped by key
    assert_order_per_dossier(receiver)


def test_with_no_address_nothing_is_sent_and_events_wait(settings, receiver, world, catalogue):
    settings.PORTAL_SYNC_URL = ""
    submit(world)
    result = sync_pass()
    assert not result.enabled and result.sent == 0
    assert OutboxEvent.objects.get().state == OutboxState.PENDING
    out = io.StringIO()
    call_command("portal_sync", "--once", stdout=out)
    assert "off" in out.getvalue()
    assert receiver.received.arrivals == 0


def test_the_command_sends_everything_due_once(sync_settings, receiver, world, catalogue):
    for dossier in submit(world, 3):
        walk(world, dossier, ("receive",))
    receiver.force(503)
    out = io.StringIO()
    call_command("portal_sync", "--once", "--batch", "2", stdout=out)
    assert "6 delivered, 1 failed attempts to retry, 0 dead letters" in out.getvalue()
    assert len(receiver.received.accepted) == 6
    assert_order_per_dossier(receiver)


def test_the_endpoint_must_be_http():
    with pytest.raises(ValueError):
        from precinct.portalsync.delivery import PortalClient

        PortalClient(Config("ftp://x", "", 1, 1, 1, 1, 1))


def test_the_body_is_the_stored_payload_as_json(sync_settings, receiver, world, catalogue):
    [dossier] = submit(world)
    sync_pass()
    event = OutboxEvent.objects.get()
    assert json.loads(json.dumps(event.payload)) == receiver.received.accepted[str(event.key)]
    assert receiver.received.accepted[str(event.key)]["MaHoSo"] == dossier.code
