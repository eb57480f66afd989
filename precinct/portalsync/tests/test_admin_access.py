"""Dead letters: who sees them, who may retry or discard them, and the audit trail of both (API and page)."""

import pytest

from precinct.audit.models import AuditEvent
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.organisation.models import Role, RoleAssignment
from precinct.portalsync.models import OutboxEvent, OutboxState
from precinct.testing import Expect, assert_matrix, sign_in


@pytest.fixture
def dead(world, catalogue):
    """One dead letter in ward A and one in ward B (and a delivered event in ward A)."""
    procedure = Procedure.objects.get(code="CT-06")
    codes = {}
    for unit in (world.ward_a, world.ward_b, world.ward_a):
        dossier = dossier_submit(
            actor=world.users["citizen"], procedure=procedure, form_data={"muc_dich": "x"}, unit_code=unit.code
        )
        codes.setdefault(unit.code, []).append(dossier.code)
    a_dead, b_dead, a_ok = OutboxEvent.objects.order_by("id")
    OutboxEvent.objects.filter(pk__in=[a_dead.pk, b_dead.pk]).update(
        state=OutboxState.DEAD, attempts=8, last_http_status=503, last_error="HTTP 503: portal busy"
    )
    OutboxEvent.objects.filter(pk=a_ok.pk).update(state=OutboxState.DELIVERED, attempts=1)
    return {"a": OutboxEvent.objects.get(pk=a_dead.pk), "b": OutboxEvent.objects.get(pk=b_dead.pk), "a_ok": a_ok}


@pytest.fixture
def admin_a(world):
    user = world.users["officer_a"].__class__.objects.create_user(
        username="admin_a", password="x-Pass-12345", kind="officer", full_name="Admin A", is_staff=True
    )
    RoleAssignment.objects.create(user=user, unit=world.ward_a, role=Role.ADMINISTRATOR)
    return user


def test_only_administrators_see_dead_letters_in_their_reach_api(world, dead):
    a, b = dead["a"].dossier_code, dead["b"].dossier_code
    both = Expect(200, shows=(a, b))
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/portal-sync/events"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 403,
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": 403,
            "admin_p": both,
            "superuser": both,
        },
        api=True,
    )


def test_only_administrators_see_the_page(world, dead):
    a, b = dead["a"].dossier_code, dead["b"].dossier_code
    both = Expect(200, shows=(a, b, "HTTP 503: portal busy"))
    assert_matrix(
        world,
        lambda c: c.get("/portal-sync/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 403,
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": 403,
            "admin_p": both,
            "superuser": both,
        },
    )


def test_a_ward_administrator_sees_and_acts_on_the_ward_only(world, dead, admin_a, client):
    sign_in(client, admin_a)
    body = client.get("/api/v1/portal-sync/events").json()
    assert [e["dossier_code"] for e in body["items"]] == [dead["a"].dossier_code]
    assert client.get(f"/api/v1/portal-sync/events/{dead['b'].pk}").status_code == 404
    assert client.post(f"/api/v1/portal-sync/events/{dead['b'].pk}/retry").status_code == 404
    page = client.get("/portal-sync/").content.decode()
    assert dead["a"].dossier_code in page and dead["b"].dossier_code not in page
    assert client.post(f"/portal-sync/{dead['b'].pk}/retry/").status_code == 404
    assert OutboxEvent.objects.get(pk=dead["b"].pk).state == OutboxState.DEAD


def test_retry_through_the_api_requeues_and_is_audited(world, dead):
    client = world.api_client("admin_p")
    response = client.post(f"/api/v1/portal-sync/events/{dead['a'].pk}/retry")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "pending" and response.json()["attempts"] == 0
    audit = AuditEvent.objects.get(action="portalsync.outbox_retry")
    assert audit.target_id == str(dead["a"].pk) and audit.unit_path == world.ward_a.path
    assert audit.before["state"] == "dead" and audit.actor_label == "admin_p"
    # Only a dead letter can be retried: now it is pending.
    again = client.post(f"/api/v1/portal-sync/events/{dead['a'].pk}/retry", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_dead"
    assert AuditEvent.objects.filter(action="portalsync.outbox_retry").count() == 1


def test_discard_needs_a_reason_in_the_callers_language_and_is_audited(world, dead):
    client = world.api_client("admin_p")
    url = f"/api/v1/portal-sync/events/{dead['b'].pk}/discard"
    refused = client.post(url, {"reason": "  "}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["reason"] == ["Hãy nêu lý do bỏ sự kiện này."]
    assert OutboxEvent.objects.get(pk=dead["b"].pk).state == OutboxState.DEAD
    assert not AuditEvent.objects.filter(action="portalsync.outbox_discard").exists()
    english = client.post(url, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["fields"]["reason"] == ["Give the reason for discarding this event."]
    done = client.post(url, {"reason": "Entered by hand on the portal"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "discarded"
    audit = AuditEvent.objects.get(action="portalsync.outbox_discard")
    assert audit.after["reason"] == "Entered by hand on the portal" and audit.unit_path == world.ward_b.path


def test_non_administrators_cannot_retry(world, dead):
    for actor in ("officer_a", "leader_a", "leader_p", "citizen"):
        response = world.api_client(actor).post(f"/api/v1/portal-sync/events/{dead['a'].pk}/retry")
        assert response.status_code == 403, actor
    assert OutboxEvent.objects.get(pk=dead["a"].pk).state == OutboxState.DEAD


def test_the_page_retries_and_discards(world, dead):
    client = world.client("admin_p")
    response = client.post(f"/portal-sync/{dead['a'].pk}/retry/", follow=True)
    assert "sẽ được gửi lại" in response.content.decode()
    assert OutboxEvent.objects.get(pk=dead["a"].pk).state == OutboxState.PENDING
    response = client.post(f"/portal-sync/{dead['b'].pk}/discard/", {"reason": ""}, follow=True)
    assert "Hãy nêu lý do bỏ sự kiện này." in response.content.decode()
    assert OutboxEvent.objects.get(pk=dead["b"].pk).state == OutboxState.DEAD
    client.post(f"/portal-sync/{dead['b'].pk}/discard/", {"reason": "Trùng lặp"})
    assert OutboxEvent.objects.get(pk=dead["b"].pk).state == OutboxState.DISCARDED
    assert AuditEvent.objects.filter(action__startswith="portalsync.").count() == 2


def test_states_and_status_listing(world, dead):
    client = world.api_client("admin_p")
    delivered = client.get("/api/v1/portal-sync/events?state=delivered").json()["items"]
    assert [e["id"] for e in delivered] == [dead["a_ok"].pk]
    assert delivered[0]["portal_status"] == "1" and delivered[0]["portal_status_label"] == "Mới đăng ký"
    assert len(client.get("/api/v1/portal-sync/events?state=").json()["items"]) == 3
    bad = client.get("/api/v1/portal-sync/events?state=lost")
    assert bad.status_code == 422 and "state" in bad.json()["error"]["fields"]
    status = client.get("/api/v1/portal-sync/status").json()
    assert status["pending"] == 0 and status["dead"] == 2 and status["enabled"] is False
    assert world.api_client("leader_p").get("/api/v1/portal-sync/status").status_code == 403


def test_after_an_outage_all_dead_letters_in_reach_are_sent_again(world, dead, admin_a):
    from django.test import Client

    client = Client()
    sign_in(client, admin_a)
    response = client.post("/api/v1/portal-sync/retry-dead")
    assert response.status_code == 200 and response.json() == {"retried": 1}  # ward A only
    assert OutboxEvent.objects.get(pk=dead["a"].pk).state == OutboxState.PENDING
    assert OutboxEvent.objects.get(pk=dead["b"].pk).state == OutboxState.DEAD
    audit = AuditEvent.objects.get(action="portalsync.outbox_retry")
    assert audit.after["bulk"] is True and audit.target_id == str(dead["a"].pk)
    page = world.client("admin_p").post("/portal-sync/retry-dead/", follow=True).content.decode()
    assert "1 sự kiện gửi lỗi sẽ được gửi lại." in page
    assert not OutboxEvent.objects.filter(state=OutboxState.DEAD).exists()
    assert world.api_client("leader_p").post("/api/v1/portal-sync/retry-dead").status_code == 403
