"""The course, activity and career pages: who sees and does what, every write audited, bad input refused in the
reader's language (Vietnamese first, English too) and changing nothing."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.organisation.models import Rank
from precinct.personnel.models import (
    Activity,
    Attendance,
    Course,
    CourseKind,
    Enrolment,
    Posting,
    RankRecord,
)
from precinct.personnel.services import training
from precinct.testing import Expect, assert_matrix, sign_in

from .conftest import make_officer
from .test_matrix import NO_TOOLS

pytestmark = pytest.mark.django_db


def _as(user, language="vi"):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # pages follow the visitor's chosen language
    sign_in(client, user)
    return client


@pytest.fixture
def course(world, hr):
    today = timezone.localdate()
    return training.course_create(
        actor=hr,
        title="Bồi dưỡng nghiệp vụ cơ sở",
        kind=CourseKind.PROFESSIONAL,
        organiser_code=f"{world.province.code}-PX01",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=4),
        capacity=30,
    )


def test_course_pages_by_actor(world, hr, course):
    officer = make_officer(world, world.ward_a, "Học Viên A")
    make_officer(world, world.ward_b, "Học Viên B")
    training.enrol(actor=hr, course=course, officer=officer)
    listed = Expect(200, shows=("Bồi dưỡng nghiệp vụ cơ sở",), hides=('name="capacity"',))
    assert_matrix(
        world,
        lambda c: c.get("/personnel/courses/"),
        {"anonymous": 302, **NO_TOOLS, "leader_a": listed, "leader_p": listed, "admin_p": listed, "superuser": listed},
    )
    # Leaders see the course with their own officers' enrolments only, and cannot record anything.
    assert_matrix(
        world,
        lambda c: c.get(f"/personnel/courses/{course.pk}/"),
        {
            "anonymous": 302,
            **NO_TOOLS,
            "leader_a": Expect(200, shows=("Học Viên A",), hides=('value="result"',)),
            "leader_p": Expect(200, shows=("Học Viên A",), hides=('value="result"',)),
            "admin_p": Expect(200, shows=("Học Viên A",)),
            "superuser": Expect(200, shows=("Học Viên A",)),
        },
    )
    post = {"action": "session", "held_on": str(timezone.localdate())}
    assert_matrix(
        world,
        lambda c: c.post(f"/personnel/courses/{course.pk}/", post),
        {"anonymous": 302, **NO_TOOLS, "leader_a": 403, "leader_p": 403, "admin_p": 403, "superuser": 403},
    )
    assert not course.sessions.exists()
    page = _as(hr).get(f"/personnel/courses/{course.pk}/")
    assert 'value="result"' in page.content.decode() and 'name="held_on"' in page.content.decode()


def test_the_personnel_department_runs_a_course_through_the_pages(world, hr):
    client = _as(hr)
    today = timezone.localdate()
    created = client.post(
        "/personnel/courses/",
        {
            "title": "Chuyên đề phòng cháy",
            "kind": CourseKind.TOPIC,
            "organiser": f"{world.province.code}-PX01",
            "starts_on": str(today),
            "ends_on": str(today + datetime.timedelta(days=2)),
            "capacity": "20",
            "mandatory_for": "commune",
        },
    )
    course = Course.objects.get(title="Chuyên đề phòng cháy")
    assert created.status_code == 302 and created["Location"] == f"/personnel/courses/{course.pk}/"
    officer = make_officer(world, world.ward_a, "Người Học")
    found = client.get(f"/personnel/courses/{course.pk}/?q=Người Học")
    assert "Người Học" in found.content.decode()
    assert (
        client.post(f"/personnel/courses/{course.pk}/", {"action": "enrol", "officer": officer.pk}).status_code == 302
    )
    enrolment = Enrolment.objects.get(course=course, officer=officer)
    assert (
        client.post(f"/personnel/courses/{course.pk}/", {"action": "session", "held_on": str(today)}).status_code == 302
    )
    session = course.sessions.get()
    marked = client.post(
        f"/personnel/courses/{course.pk}/", {"action": "attendance", "session": session.pk, "present": [enrolment.pk]}
    )
    assert marked.status_code == 302
    assert Attendance.objects.filter(session=session, enrolment=enrolment).exists()
    enrolment.refresh_from_db()
    assert enrolment.sessions_attended == 1
    result = {"action": "result", "enrolment": enrolment.pk, "result": "passed", "certificate_number": "CĐ-07"}
    assert client.post(f"/personnel/courses/{course.pk}/", result).status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.result, enrolment.certificate_number, enrolment.sessions_attended) == ("passed", "CĐ-07", 1)
    actions = set(AuditEvent.objects.filter(actor_id=hr.pk).values_list("action", flat=True))
    assert {"personnel.course_create", "personnel.enrol", "personnel.session_add"} <= actions
    assert {"personnel.attendance_set", "personnel.enrolment_result"} <= actions
    page = client.get(f"/personnel/courses/{course.pk}/").content.decode()
    assert today.strftime("%d/%m/%Y") in page


def test_bad_course_input_is_refused_in_both_languages_and_saves_nothing(world, hr, course):
    today = timezone.localdate()
    bad = {"action": "session", "held_on": str(today - datetime.timedelta(days=30))}
    vi = _as(hr).post(f"/personnel/courses/{course.pk}/", bad)
    en = _as(hr, "en").post(f"/personnel/courses/{course.pk}/", bad)
    assert vi.status_code == en.status_code == 422
    assert "Buổi học phải nằm trong thời gian của khoá học." in vi.content.decode()
    assert "A session is held between the course&#x27;s first and last day." in en.content.decode()
    no_pass = _as(hr, "en").post(
        "/personnel/courses/",
        {
            "title": "",
            "kind": "x",
            "organiser": "nope",
            "starts_on": str(today),
            "ends_on": str(today),
            "capacity": "0",
        },
    )
    assert no_pass.status_code == 422 and "There is no active unit with this code." in no_pass.content.decode()
    assert not course.sessions.exists() and Course.objects.count() == 1


def test_activities_listed_by_reach_and_recorded_by_the_department(world, hr):
    today = timezone.localdate()
    training.activity_record(
        actor=hr, kind="dialogue", title="Đối thoại phường A", unit_code=world.ward_a.code, held_on=today
    )
    training.activity_record(
        actor=hr, kind="emulation", title="Thi đua phường B", unit_code=world.ward_b.code, held_on=today
    )
    both = Expect(200, shows=("Đối thoại phường A", "Thi đua phường B"))
    assert_matrix(
        world,
        lambda c: c.get("/personnel/activities/"),
        {
            "anonymous": 302,
            **NO_TOOLS,
            "leader_a": Expect(200, shows=("Đối thoại phường A",), hides=("Thi đua phường B", 'name="awards"')),
            "leader_p": both,
            "admin_p": both,
            "superuser": both,
        },
    )
    client = _as(hr)
    made = client.post(
        "/personnel/activities/",
        {
            "kind": "political",
            "title": "Sinh hoạt chính trị",
            "unit": world.ward_b.code,
            "held_on": str(today),
            "participants": "40",
            "awards": "0",
            "issues_raised": "0",
            "issues_resolved": "0",
        },
    )
    assert made.status_code == 302
    activity = Activity.objects.get(title="Sinh hoạt chính trị")
    assert AuditEvent.objects.filter(action="personnel.activity_record", target_id=str(activity.pk)).exists()
    bad = {
        "kind": "dialogue",
        "title": "Sai",
        "unit": world.ward_b.code,
        "held_on": str(today),
        "issues_raised": "1",
        "issues_resolved": "3",
    }
    assert client.post("/personnel/activities/", bad).status_code == 422
    assert not Activity.objects.filter(title="Sai").exists()
    assert world.client("leader_p").post("/personnel/activities/", bad).status_code == 403


def test_career_rows_with_their_decision_and_corrections_through_the_pages(world, hr):
    officer = make_officer(world, world.ward_a, "Hồ Sơ", rank=Rank.CAPTAIN)
    client = _as(hr)
    url = f"/personnel/officers/{officer.pk}/career/"
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%fake but a PDF header\n", content_type="application/pdf")
    added = client.post(
        url,
        {
            "kind": "rank",
            "rank": Rank.MAJOR,
            "effective_on": str(timezone.localdate()),
            "decision_number": "15/QĐ-CAT",
            "decision_date": str(timezone.localdate()),
            "decision_file": pdf,
        },
    )
    assert added.status_code == 302
    row = RankRecord.objects.get(officer=officer, rank=Rank.MAJOR)
    assert row.decision_number == "15/QĐ-CAT" and row.decision_file.name.endswith(".pdf")
    officer.refresh_from_db()
    assert officer.rank == Rank.MAJOR
    # The wrong rank is corrected by a new row; the old one stays.
    fixed = client.post(
        url,
        {
            "kind": "rank",
            "corrects": row.pk,
            "rank": Rank.SENIOR_LIEUTENANT_COLONEL,
            "effective_on": str(timezone.localdate()),
            "decision_number": "16/QĐ-CAT",
        },
    )
    assert fixed.status_code == 302
    assert RankRecord.objects.filter(officer=officer).count() == 2 and RankRecord.objects.filter(pk=row.pk).exists()
    assert RankRecord.objects.get(corrects=row).rank == Rank.SENIOR_LIEUTENANT_COLONEL
    again = client.post(url, {"kind": "rank", "corrects": row.pk, "rank": Rank.MAJOR, "effective_on": "2020-01-01"})
    assert again.status_code == 422
    # A posting recorded as history, audited with its unit's code.
    posted = client.post(
        url, {"kind": "posting", "unit": world.ward_b.code, "position": "Cán bộ", "start_on": "2015-03-01"}
    )
    assert posted.status_code == 302
    assert Posting.objects.filter(officer=officer, unit=world.ward_b, level="commune").exists()
    assert AuditEvent.objects.filter(action="personnel.posting_add").count() == 1
    page = client.get(f"/personnel/officers/{officer.pk}/").content.decode()
    assert "01/03/2015" in page and "Thượng tá" in page
    assert f"kind=rank&amp;corrects={row.pk}" not in page  # the corrected row is no longer listed


def test_bad_career_input_in_both_languages_changes_nothing(world, hr):
    officer = make_officer(world, world.ward_a, "Sai Sót")
    url = f"/personnel/officers/{officer.pk}/career/"
    before = Posting.objects.count()
    bad = {
        "kind": "posting",
        "unit": "KHONG-CO",
        "position": "",
        "start_on": "2999-01-01",
        "decision_file": SimpleUploadedFile("qd.pdf", b"not a pdf", content_type="application/pdf"),
    }
    vi = _as(hr).post(url, bad)
    bad["decision_file"] = SimpleUploadedFile("qd.pdf", b"not a pdf", content_type="application/pdf")
    en = _as(hr, "en").post(url, bad)
    assert vi.status_code == en.status_code == 422
    assert "Trường này là bắt buộc." in vi.content.decode()
    for message in (
        "There is no active unit with this code.",
        "This field is required.",
        "This date is in the future.",
    ):
        assert message in en.content.decode()
    assert Posting.objects.count() == before


def test_career_form_by_actor(world, hr):
    officer = make_officer(world, world.ward_a, "Ai Sửa")
    form = Expect(200, shows=("Ai Sửa", 'name="decision_file"'))
    assert_matrix(
        world,
        lambda c: c.get(f"/personnel/officers/{officer.pk}/career/?kind=education"),
        # leaders read careers but do not write them; administrators over the officer keep their records
        {"anonymous": 302, **NO_TOOLS, "leader_a": 403, "leader_p": 403, "admin_p": form, "superuser": form},
    )
