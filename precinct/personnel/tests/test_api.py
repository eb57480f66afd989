"""The API through HTTP: a career row added, bad input refused in the caller's language and changing nothing,
a transfer through its approvals, the figures."""

import pytest
from django.test import Client
from django.utils import timezone

from precinct.accounts.services import api_token_issue
from precinct.personnel.models import Education, TransferStatus

from .conftest import make_officer

pytestmark = pytest.mark.django_db


def _client(user, language="vi"):
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}", "Accept-Language": language})


def test_career_row_and_bad_input_in_both_languages(world, hr):
    officer = make_officer(world, world.ward_a, "Api Officer", education=None)
    url = f"/api/v1/personnel/officers/{officer.pk}/career"
    good = {"kind": "education", "values": {"level": 4, "field": "Luật", "institution": "HV", "year": 2020}}
    assert _client(hr).post(url, good, content_type="application/json").status_code == 201
    bad = {"kind": "education", "values": {"level": 9, "field": "", "institution": "HV", "year": 3000}}
    vi = _client(hr).post(url, bad, content_type="application/json")
    en = _client(hr, "en").post(url, bad, content_type="application/json")
    assert vi.status_code == en.status_code == 422
    assert vi.json()["error"]["fields"]["field"] == ["Trường này là bắt buộc."]
    assert en.json()["error"]["fields"]["field"] == ["This field is required."]
    assert set(en.json()["error"]["fields"]) == {"level", "field", "year"}
    assert Education.objects.filter(officer=officer).count() == 1
    career = _client(world.user("leader_a")).get(f"/api/v1/personnel/officers/{officer.pk}").json()
    assert [e["level"] for e in career["education"]] == [4]
    assert _client(world.user("officer_a")).get(f"/api/v1/personnel/officers/{officer.pk}").status_code == 403


def test_a_transfer_through_the_api(world, hr):
    officer = make_officer(world, world.ward_a, "Api Mover")
    created = _client(hr).post(
        "/api/v1/personnel/transfers",
        {
            "officer": officer.pk,
            "to_unit": world.ward_b.code,
            "to_position": "Cán bộ",
            "effective_on": str(timezone.localdate()),
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    approve = f"/api/v1/personnel/transfers/{pk}/approve"
    assert (
        _client(world.user("leader_a")).post(approve, {}, content_type="application/json").json()["status"]
        == "unit_approved"
    )
    assert _client(hr).post(approve, {}, content_type="application/json").json()["status"] == "department_approved"
    missing = _client(world.user("leader_p"), "en").post(approve, {}, content_type="application/json")
    assert missing.status_code == 422 and "decision" in missing.json()["error"]["message"].lower() + str(
        missing.json()["error"]["fields"]
    )
    done = _client(world.user("leader_p")).post(
        approve,
        {"decision_number": "88/QĐ-CAT", "decision_date": str(timezone.localdate())},
        content_type="application/json",
    )
    assert done.json()["status"] == TransferStatus.APPLIED
    cancel = _client(hr, "en").post(
        f"/api/v1/personnel/transfers/{pk}/cancel", {"reason": "x"}, content_type="application/json"
    )
    assert cancel.status_code == 409 and cancel.json()["error"]["code"] == "transfer_in_effect"
    figures = _client(world.user("leader_p")).get("/api/v1/personnel/figures").json()
    assert figures["total"]["transfers"] == {"to_province": 0, "to_commune": 1}


def test_a_course_enrolment_and_result_through_the_api(world, hr):
    officer = make_officer(world, world.ward_a, "Learner")
    today = str(timezone.localdate())
    course = (
        _client(hr)
        .post(
            "/api/v1/personnel/courses",
            {
                "title": "Nghiệp vụ",
                "kind": "professional",
                "organiser": f"{world.province.code}-PX01",
                "starts_on": today,
                "ends_on": today,
                "capacity": 1,
                "mandatory_for": "commune",
            },
            content_type="application/json",
        )
        .json()["id"]
    )
    enrolled = _client(hr).post(
        f"/api/v1/personnel/courses/{course}/enrolments", {"officer": officer.pk}, content_type="application/json"
    )
    assert enrolled.status_code == 201
    other = make_officer(world, world.ward_a, "Too Late")
    full = _client(hr, "en").post(
        f"/api/v1/personnel/courses/{course}/enrolments", {"officer": other.pk}, content_type="application/json"
    )
    assert full.status_code == 409 and full.json()["error"]["code"] == "course_full"
    url = f"/api/v1/personnel/courses/{course}/enrolments/{enrolled.json()['id']}/result"
    refused = _client(hr, "en").post(url, {"result": "passed", "sessions_attended": 3}, content_type="application/json")
    assert refused.status_code == 422 and "certificate_number" in refused.json()["error"]["fields"]
    passed = _client(hr).post(
        url, {"result": "passed", "sessions_attended": 3, "certificate_number": "C-1"}, content_type="application/json"
    )
    assert passed.json()["result"] == "passed"
    detail = _client(world.user("leader_a")).get(f"/api/v1/personnel/courses/{course}").json()
    assert detail["enrolments"][0]["certificate_number"] == "C-1"


def test_sessions_and_attendance_through_the_api(world, hr):
    import datetime

    from precinct.personnel.models import Attendance, CourseKind, Enrolment
    from precinct.personnel.services import training

    today = timezone.localdate()
    course = training.course_create(
        actor=hr,
        title="Qua API",
        kind=CourseKind.TOPIC,
        organiser_code=f"{world.province.code}-PX01",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        capacity=5,
    )
    officer = make_officer(world, world.ward_a, "Có Mặt")
    enrolment = training.enrol(actor=hr, course=course, officer=officer)
    url = f"/api/v1/personnel/courses/{course.pk}/sessions"
    outside = _client(hr, "en").post(
        url, {"held_on": str(today - datetime.timedelta(days=3))}, content_type="application/json"
    )
    assert outside.status_code == 422
    assert outside.json()["error"]["fields"]["held_on"] == [
        "A session is held between the course's first and last day."
    ]
    made = _client(hr).post(url, {"held_on": str(today), "topic": "Buổi 1"}, content_type="application/json")
    assert made.status_code == 201
    session_url = f"{url}/{made.json()['id']}/attendance"
    assert (
        _client(world.user("leader_a"))
        .put(session_url, {"present": [enrolment.pk]}, content_type="application/json")
        .status_code
        == 403
    )
    assert not Attendance.objects.exists()
    marked = _client(hr).put(session_url, {"present": [enrolment.pk]}, content_type="application/json")
    assert marked.status_code == 200 and marked.json()["present"] == [enrolment.pk]
    assert Enrolment.objects.get(pk=enrolment.pk).sessions_attended == 1
    wrong = _client(hr).put(session_url, {"present": [enrolment.pk + 999]}, content_type="application/json")
    assert wrong.status_code == 422 and Attendance.objects.count() == 1
