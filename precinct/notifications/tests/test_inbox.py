"""The site's inbox: every message a person was sent (email or SMS) read back in the site and the API, only
their own, newest first, read when opened, all read at once; each write audited."""

import json

import pytest
from django.urls import reverse

from precinct.audit.models import AuditEvent
from precinct.eservices.catalogue import catalogue_import
from precinct.eservices.demo import CATALOGUE
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.notifications import selectors, services
from precinct.notifications.models import Notification
from precinct.notifications.services import Message, notify
from precinct.testing import Expect, assert_matrix, run_queued_tasks


def _say(subject: str, body: str = "The whole text.", sms: str = "Short news.") -> Message:
    return Message(subject=subject, body=body, sms=sms)


@pytest.fixture
def citizen(world):
    user = world.users["citizen"]
    user.email, user.language = "dan@example.vn", "en"
    user.save()
    return user


@pytest.fixture
def officer(world):
    """An officer reached only by SMS: their messages exist only as SMS rows."""
    user = world.users["officer_a"]
    user.phone = "0987654321"
    user.save()
    return user


def _send(recipient, key, subject, **kwargs):
    assert notify(recipient=recipient, key=key, compose=lambda: _say(subject, **kwargs))


def test_each_message_shows_once_from_its_email_newest_first_and_sms_only_ones_too(citizen, officer):
    _send(citizen, "k:1", "First news")
    _send(citizen, "k:2", "Second news")
    assert Notification.objects.filter(recipient=citizen).count() == 4  # email and SMS each
    messages = list(selectors.inbox_list(actor=citizen))
    assert [m.subject for m in messages] == ["Second news", "First news"]
    assert {m.channel for m in messages} == {"email"} and messages[0].body == "The whole text."
    _send(officer, "k:3", "Only by SMS")
    [sms] = selectors.inbox_list(actor=officer)
    assert (sms.channel, sms.body) == ("sms", "Short news.")
    assert selectors.inbox_unread_count(actor=citizen) == 2 and selectors.inbox_unread_count(actor=officer) == 1


def test_opening_marks_every_channel_read_once_and_audits_it(citizen):
    _send(citizen, "k:1", "News")
    sms_row = Notification.objects.get(recipient=citizen, channel="sms")
    message = services.inbox_mark_read(actor=citizen, notification_id=sms_row.pk)  # any row of the message
    assert message.channel == "email" and message.read_at is not None
    assert not Notification.objects.filter(recipient=citizen, read_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="notification.read", actor=citizen).count() == 1
    services.inbox_mark_read(actor=citizen, notification_id=sms_row.pk)  # already read: nothing written
    assert AuditEvent.objects.filter(action="notification.read").count() == 1
    assert selectors.inbox_unread_count(actor=citizen) == 0


def test_mark_all_read_counts_messages_not_rows_and_touches_nobody_else(citizen, officer):
    _send(citizen, "k:1", "One")
    _send(citizen, "k:2", "Two")
    _send(officer, "k:1", "Officer's")
    assert services.inbox_mark_all_read(actor=citizen) == 2
    assert selectors.inbox_unread_count(actor=citizen) == 0
    assert selectors.inbox_unread_count(actor=officer) == 1
    assert AuditEvent.objects.filter(action="notification.read_all", actor=citizen).count() == 1
    assert services.inbox_mark_all_read(actor=citizen) == 0
    assert AuditEvent.objects.filter(action="notification.read_all").count() == 1  # nothing to do: no row


def test_nobody_opens_or_marks_another_persons_message(world, citizen):
    _send(citizen, "k:1", "Private news")
    row = Notification.objects.get(recipient=citizen, channel="email")

    def open_it(client):
        return client.get(reverse("notifications:message", args=[row.pk]))

    def login(actor):
        return Expect(302) if actor == "anonymous" else Expect(404, hides=("Private news",))

    expected = {actor: login(actor) for actor in world.users}
    expected["citizen"] = Expect(200, shows=("Private news", "The whole text.", "dan@example.vn"))
    assert_matrix(world, open_it, expected)
    # Only the owner's opening marked it read; the others' 404s wrote nothing.
    assert AuditEvent.objects.filter(action="notification.read").count() == 1
    assert set(AuditEvent.objects.filter(action="notification.read").values_list("actor", flat=True)) == {citizen.pk}


def test_the_api_answers_own_messages_only_and_404_for_anyone_elses(world, citizen):
    _send(citizen, "k:1", "Private news")
    row = Notification.objects.get(recipient=citizen, channel="email")
    expected = {actor: Expect(404, hides=("Private news",)) for actor in world.users}
    expected["anonymous"] = Expect(401)
    expected["citizen"] = Expect(200, shows=("Private news",))
    assert_matrix(world, lambda c: c.get(f"/api/v1/notifications/{row.pk}"), expected, api=True)
    assert_matrix(world, lambda c: c.post(f"/api/v1/notifications/{row.pk}/read"), expected, api=True)
    lists = {actor: Expect(200, hides=("Private news",)) for actor in world.users}
    lists["anonymous"] = Expect(401)
    lists["citizen"] = Expect(200, shows=("Private news",))
    assert_matrix(world, lambda c: c.get("/api/v1/notifications"), lists, api=True)


def test_the_api_lists_pages_filters_and_marks(world, citizen):
    for n in range(5):
        _send(citizen, f"k:{n}", f"News {n}")
    client = world.api_client("citizen")
    body = client.get("/api/v1/notifications?limit=2&offset=1").json()
    assert body["count"] == 5 and body["unread"] == 5
    assert [m["subject"] for m in body["items"]] == ["News 3", "News 2"]
    assert body["items"][0]["read"] is False and body["items"][0]["channel"] == "email"
    first = body["items"][0]["id"]
    assert client.get(f"/api/v1/notifications/{first}").json()["read"] is False  # a GET changes nothing
    assert client.post(f"/api/v1/notifications/{first}/read").json()["read"] is True
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 4}
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert unread["count"] == 4 and "News 3" not in [m["subject"] for m in unread["items"]]
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 4}
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}


def test_bad_input_gets_a_clear_error_and_changes_nothing(world, citizen):
    _send(citizen, "k:1", "News")
    client = world.api_client("citizen")
    answer = client.get("/api/v1/notifications?limit=0", headers={"Accept-Language": "vi"})
    assert answer.status_code == 422 and "limit" in answer.json()["error"]["fields"]
    assert client.post("/api/v1/notifications/99999999999999999999/read").status_code in (404, 422)
    answer = client.post("/api/v1/notifications/0/read", headers={"Accept-Language": "vi"})
    assert answer.status_code == 422
    assert selectors.inbox_unread_count(actor=citizen) == 1
    assert not AuditEvent.objects.filter(action__startswith="notification.").exists()


def test_the_page_lists_paginates_links_the_dossier_and_counts_in_the_header(world, citizen):
    catalogue_import(actor=None, data=json.loads(CATALOGUE.read_text(encoding="utf-8")))
    dossier = dossier_submit(
        actor=citizen,
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=world.ward_a.code,
    )
    run_queued_tasks()  # the worker composes the applicant's message
    for n in range(21):
        _send(citizen, f"k:{n}", f"Other news {n}")
    client = world.client("citizen")
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Other news 20" in page and "Other news 1<" in page and "Other news 0<" not in page and "1 / 2" in page
    assert 'class="inbox-link__count" aria-hidden="true">22<' in page  # the header's count
    older = client.get(reverse("notifications:inbox") + "?page=2").content.decode()
    assert f"Dossier {dossier.code} has been submitted" in older
    assert f'href="/dossiers/{dossier.code}/">{dossier.code}</a>' in older  # the dossier it concerns, linked
    message = selectors.inbox_list(actor=citizen).get(key__startswith="dossier_event:")
    opened = client.get(reverse("notifications:message", args=[message.pk])).content.decode()
    assert f'href="/dossiers/{dossier.code}/"' in opened and "inbox-link__count" in opened
    assert selectors.inbox_unread_count(actor=citizen) == 21
    answer = client.post(reverse("notifications:read_all"))
    assert answer.status_code == 302 and selectors.inbox_unread_count(actor=citizen) == 0
    assert "inbox-link__count" not in client.get(reverse("notifications:inbox")).content.decode()


def test_a_leaders_overdue_message_links_the_dossier_too(world):
    from precinct.notifications.selectors import inbox_links

    catalogue_import(actor=None, data=json.loads(CATALOGUE.read_text(encoding="utf-8")))
    dossier = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=world.ward_a.code,
    )
    leader = world.users["leader_a"]
    leader.phone = "0911111111"
    leader.save()
    from precinct.notifications.services import notification_key

    _send(leader, notification_key("overdue", dossier.pk, dossier.due_date), "Overdue")
    [message] = selectors.inbox_list(actor=leader)
    assert inbox_links(messages=[message])[message.key].label == dossier.code


def test_the_page_speaks_vietnamese_first_and_english_when_asked(world, citizen):
    _send(citizen, "k:1", "News")
    client = world.client("citizen")
    vietnamese = client.get(reverse("notifications:inbox")).content.decode()
    assert "<h1>Thông báo</h1>" in vietnamese and "Đánh dấu tất cả là đã đọc" in vietnamese
    assert 'aria-label="Thông báo: 1 chưa đọc"' in vietnamese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("notifications:inbox")).content.decode()
    assert "<h1>Notifications</h1>" in english and "Mark all as read" in english
    assert 'aria-label="Notifications: 1 unread"' in english
    answer = client.post(reverse("notifications:read_all"), follow=True).content.decode()
    assert "All messages are marked as read." in answer and "No unread messages." not in answer
