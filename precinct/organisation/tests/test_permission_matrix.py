"""Every organisation endpoint and page, as every actor: who may, and what each one sees."""

import pytest

from precinct.testing import ACTORS, Expect, assert_matrix

pytestmark = pytest.mark.django_db

PROVINCE, DEPT, A, B = "Officer of Province", "Officer of Department", "Officer of A", "Officer of B"
ALL_OFFICERS = (PROVINCE, DEPT, A, B)


def only(*shown: str) -> tuple[str, ...]:
    return tuple(o for o in ALL_OFFICERS if o not in shown)


def test_api_officer_list(world):
    expected = {
        "anonymous": 401,
        "citizen": 403,
        "officer_a": Expect(200, shows=(A,), hides=only(A)),
        "duty_a": Expect(200, shows=(A,), hides=only(A)),
        "leader_a": Expect(200, shows=(A,), hides=only(A)),
        "officer_b": Expect(200, shows=(B,), hides=only(B)),
        "officer_dept": Expect(200, shows=(DEPT,), hides=only(DEPT)),
        "leader_p": Expect(200, shows=ALL_OFFICERS),
        "admin_p": Expect(200, shows=ALL_OFFICERS),
        "superuser": Expect(200, shows=ALL_OFFICERS),
    }
    assert_matrix(world, lambda c: c.get("/api/v1/officers"), expected, api=True)


def test_api_officer_list_filtered_to_another_ward_gives_nothing_of_theirs(world):
    # The acceptance case: a ward officer asking for another ward's officers.
    expected = {
        "anonymous": 401,
        "citizen": 403,
        "officer_a": Expect(200, hides=ALL_OFFICERS),
        "duty_a": Expect(200, hides=ALL_OFFICERS),
        "leader_a": Expect(200, hides=ALL_OFFICERS),
        "officer_b": Expect(200, shows=(B,), hides=only(B)),
        "officer_dept": Expect(200, hides=ALL_OFFICERS),
        "leader_p": Expect(200, shows=(B,), hides=only(B)),
        "admin_p": Expect(200, shows=(B,), hides=only(B)),
        "superuser": Expect(200, shows=(B,), hides=only(B)),
    }
    assert_matrix(world, lambda c: c.get(f"/api/v1/officers?unit={world.ward_b.code}"), expected, api=True)


def test_api_officer_detail(world):
    url = f"/api/v1/officers/{world.officers['b'].pk}"
    expected = {
        "anonymous": 401,
        "citizen": 403,
        "officer_a": Expect(404, hides=(B,)),
        "duty_a": Expect(404, hides=(B,)),
        "leader_a": Expect(404, hides=(B,)),
        "officer_b": Expect(200, shows=(B,)),
        "officer_dept": Expect(404, hides=(B,)),
        "leader_p": Expect(200, shows=(B,)),
        "admin_p": Expect(200, shows=(B,)),
        "superuser": Expect(200, shows=(B,)),
    }
    assert_matrix(world, lambda c: c.get(url), expected, api=True)


def test_api_units_are_public(world):
    everyone = Expect(200, shows=(world.ward_a.code, world.ward_b.code, world.department.code))
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/units"),
        dict.fromkeys(ACTORS, everyone),
        api=True,
    )


def test_api_audit_events_only_for_administrators_in_reach(world, client):
    from django.db import transaction

    from precinct.audit.services import audit_record

    with transaction.atomic():
        audit_record(actor=None, action="test.in_a", unit=world.ward_a, target_label="event-in-A")
        audit_record(actor=None, action="test.in_b", unit=world.ward_b, target_label="event-in-B")
    expected = {
        "anonymous": 401,
        "citizen": 403,
        "officer_a": 403,
        "duty_a": 403,
        "leader_a": 403,
        "officer_b": 403,
        "officer_dept": 403,
        "leader_p": 403,
        "admin_p": Expect(200, shows=("event-in-A", "event-in-B")),
        "superuser": Expect(200, shows=("event-in-A", "event-in-B")),
    }
    assert_matrix(world, lambda c: c.get("/api/v1/audit/events"), expected, api=True)


def test_page_officers(world):
    expected = {
        "anonymous": 302,  # to the sign-in page
        "citizen": 403,
        "officer_a": Expect(200, shows=(A,), hides=only(A)),
        "duty_a": Expect(200, shows=(A,), hides=only(A)),
        "leader_a": Expect(200, shows=(A,), hides=only(A)),
        "officer_b": Expect(200, shows=(B,), hides=only(B)),
        "officer_dept": Expect(200, shows=(DEPT,), hides=only(DEPT)),
        "leader_p": Expect(200, shows=ALL_OFFICERS),
        "admin_p": Expect(200, shows=ALL_OFFICERS),
        "superuser": Expect(200, shows=ALL_OFFICERS),
    }
    assert_matrix(world, lambda c: c.get("/org/officers/"), expected)


def test_page_unit_detail_shows_officers_only_to_those_in_reach(world):
    url = f"/org/units/{world.ward_b.code}/"
    unit_name = world.ward_b.name
    expected = {
        actor: Expect(200, shows=(unit_name,), hides=(B,))
        for actor in ("anonymous", "citizen", "officer_a", "duty_a", "leader_a", "officer_dept")
    }
    expected |= {
        actor: Expect(200, shows=(unit_name, B)) for actor in ("officer_b", "leader_p", "admin_p", "superuser")
    }
    assert_matrix(world, lambda c: c.get(url), expected)


def test_page_home_per_role(world):
    expected = {
        "anonymous": Expect(200, shows=('href="/accounts/register/"',)),
        "citizen": Expect(200, shows=("022090012345",), hides=('href="/admin/"',)),
        "officer_a": Expect(200, shows=(world.ward_a.name,), hides=('href="/admin/"',)),
        "duty_a": Expect(200, shows=(world.ward_a.name,), hides=('href="/admin/"',)),
        "leader_a": Expect(200, shows=(world.ward_a.name,), hides=('href="/admin/"',)),
        "officer_b": Expect(200, shows=(world.ward_b.name,), hides=('href="/admin/"',)),
        "officer_dept": Expect(200, shows=(world.department.name,)),
        "leader_p": Expect(200, shows=(world.province.name,)),
        "admin_p": Expect(200, shows=('href="/admin/"',)),
        "superuser": Expect(200, shows=('href="/admin/"',)),
    }
    assert_matrix(world, lambda c: c.get("/"), expected)


@pytest.mark.parametrize(
    "model",
    [
        "organisation/officer",
        "organisation/unit",
        "organisation/roleassignment",
        "audit/auditevent",
        "core/extradayoff",
        "eservices/dossier",
        "eservices/procedureversion",
    ],
)
def test_admin_changelists(world, model):
    expected = {
        "anonymous": 302,
        "citizen": 302,  # not staff: the admin sends them to its sign-in page
        "officer_a": 302,
        "duty_a": 302,
        "leader_a": 302,
        "officer_b": 302,
        "officer_dept": 302,
        "leader_p": 302,
        "admin_p": 200,
        "superuser": 200,
    }
    assert_matrix(world, lambda c: c.get(f"/admin/{model}/"), expected)


def test_admin_is_scoped_for_a_ward_administrator(world):
    from precinct.organisation.models import Role, RoleAssignment

    admin_a = world.users["officer_a"]
    admin_a.is_staff = True
    admin_a.save()
    RoleAssignment.objects.create(user=admin_a, unit=world.ward_a, role=Role.ADMINISTRATOR)
    page = world.client("officer_a").get("/admin/organisation/officer/").content.decode()
    assert A in page
    assert B not in page and PROVINCE not in page
    # Another ward's officer cannot be opened by its id either.
    other = world.client("officer_a").get(f"/admin/organisation/officer/{world.officers['b'].pk}/change/")
    assert other.status_code == 302  # the admin redirects away from objects outside the queryset


def test_home_keeps_its_name_core_home():
    # Templates and LOGIN_REDIRECT_URL name it so; config/urls.py puts organisation's view under that name.
    from django.urls import resolve, reverse

    from precinct.organisation.views import home

    assert reverse("core:home") == "/" and resolve("/").func is home
