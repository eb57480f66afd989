import pytest

from precinct.audit.models import AuditEvent
from precinct.organisation.models import Officer, Rank, Unit

pytestmark = pytest.mark.django_db


def officer_form(officer: Officer, **changes) -> dict:
    data = {
        "full_name": officer.full_name,
        "rank": officer.rank,
        "position": officer.position,
        "unit": officer.unit_id,
        "phone": officer.phone,
        "user": "",
        "is_active": "on",
    }
    return {**data, **changes}


def test_administrator_edits_an_officer_and_the_edit_is_audited(world):
    officer = world.officers["a"]
    client = world.client("admin_p")
    url = f"/admin/organisation/officer/{officer.pk}/change/"
    response = client.post(url, officer_form(officer, rank=Rank.MAJOR, unit=world.ward_b.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert officer.rank == Rank.MAJOR and officer.unit == world.ward_b
    event = AuditEvent.objects.get(action="organisation.officer_update", target_id=str(officer.pk))
    assert event.before["rank"] == Rank.CAPTAIN and event.after["rank"] == Rank.MAJOR
    assert event.actor == world.users["admin_p"]


def test_administrator_adds_a_unit_through_the_admin(world):
    client = world.client("admin_p")
    response = client.post(
        "/admin/organisation/unit/add/",
        {
            "code": "07168-T1",
            "name": "Tổ tuần tra 1",
            "name_en": "Patrol team 1",
            "kind": "department",
            "parent": world.ward_a.pk,
            "division_code": "",
            "address": "",
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="07168-T1")
    assert unit.path == "22/07168/07168-T1/"
    assert AuditEvent.objects.filter(action="organisation.unit_create", target_id=str(unit.pk)).exists()


def test_admin_form_rejects_a_duplicate_code_and_saves_nothing(world):
    client = world.client("admin_p")
    before = AuditEvent.objects.count()
    response = client.post(
        "/admin/organisation/unit/add/",
        {
            "code": world.ward_b.code,
            "name": "Trùng mã",
            "kind": "ward",
            "parent": world.province.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form again, with its errors
    assert Unit.objects.filter(code=world.ward_b.code).count() == 1
    assert AuditEvent.objects.count() == before


def test_administrator_adds_an_extra_day_off_audited_on_the_province_and_counted_at_once(world):
    import datetime

    from precinct.core.calendar import calendar

    day = datetime.date(2026, 6, 10)  # a Wednesday, no holiday
    assert calendar().is_working_day(day)
    response = world.client("admin_p").post(
        "/admin/core/extradayoff/add/", {"province_code": "22", "day": "2026-06-10", "reason": "Bão số 3"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.extradayoff_create")
    assert event.unit_path == world.province.path and event.actor == world.users["admin_p"]
    assert not calendar().is_working_day(day)
