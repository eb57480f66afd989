"""Every personnel page and endpoint as each of the ten actors."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from precinct.personnel.models import Direction, DisciplineKind
from precinct.personnel.services import discipline, transfers
from precinct.testing import Expect, assert_matrix

from .conftest import make_officer

pytestmark = pytest.mark.django_db

NO_TOOLS = {"citizen": 403, "officer_a": 403, "duty_a": 403, "officer_b": 403, "officer_dept": 403}


@pytest.fixture
def records(world, hr, criteria):
    officer = make_officer(world, world.ward_a, "Careful Officer")
    record = discipline.discipline_record(
        actor=hr,
        officer=officer,
        kind=DisciplineKind.WARNING,
        violation="Secret violation text",
        decided_on=timezone.localdate(),
        decision_number="9/QĐ",
    )
    transfer = transfers.transfer_propose(
        actor=hr,
        officer=officer,
        to_unit_code=world.ward_b.code,
        to_position="Cán bộ",
        effective_on=timezone.localdate(),
    )
    transfer_round = transfers.round_open(
        actor=hr, title="Đợt Thử", direction=Direction.TO_PROVINCE, as_of=timezone.localdate()
    )
    return officer, record, transfer, transfer_round


def test_figures_page_and_export(world, records):
    province = Expect(200, shows=(world.province.name,))
    assert_matrix(
        world,
        lambda c: c.get("/personnel/"),
        {
            "anonymous": 302,
            **NO_TOOLS,
            "leader_a": Expect(200, shows=(world.ward_a.name,)),
            "leader_p": province,
            "admin_p": province,
            "superuser": province,
        },
    )
    assert_matrix(
        world,
        lambda c: c.get(f"/personnel/figures.xlsx?unit={world.province.code}"),
        {"anonymous": 302, **NO_TOOLS, "leader_a": 404, "leader_p": 200, "admin_p": 200, "superuser": 200},
    )
    response = world.client("leader_p").get(f"/personnel/figures.xlsx?unit={world.province.code}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=5, column=2).value == 6  # four world officers, the personnel officer and ours


def test_career_page_shows_discipline_only_to_its_readers(world, records):
    officer = records[0]
    with_record = Expect(200, shows=("Careful Officer", "Secret violation text"))
    without = Expect(200, shows=("Careful Officer",), hides=("Secret violation text",))
    assert_matrix(
        world,
        lambda c: c.get(f"/personnel/officers/{officer.pk}/"),
        {
            "anonymous": 302,
            **NO_TOOLS,
            "leader_a": with_record,
            "leader_p": with_record,
            "admin_p": without,
            "superuser": without,
        },
    )


def test_discipline_api_by_role_alone(world, records):
    sees = Expect(200, shows=("Secret violation text",))
    expected = {
        "anonymous": 401,
        "citizen": 403,
        "officer_a": 403,
        "duty_a": 403,
        "leader_a": sees,
        "officer_b": 403,
        "officer_dept": 403,
        "leader_p": sees,
        "admin_p": 403,
        "superuser": 403,
    }
    assert_matrix(world, lambda c: c.get("/api/v1/personnel/discipline"), expected, api=True)
    record = records[1]
    assert_matrix(world, lambda c: c.get(f"/api/v1/personnel/discipline/{record.pk}"), expected, api=True)


def test_transfers_rounds_and_staffing_pages(world, records):
    _officer, _record, transfer, transfer_round = records
    listed = Expect(200, shows=("Careful Officer",))
    assert_matrix(
        world,
        lambda c: c.get("/personnel/transfers/"),
        {"anonymous": 302, **NO_TOOLS, "leader_a": listed, "leader_p": listed, "admin_p": listed, "superuser": listed},
    )
    approve = Expect(200, shows=('value="approve"',))
    view_only = Expect(200, hides=('value="approve"',))
    assert_matrix(
        world,
        lambda c: c.get(f"/personnel/transfers/{transfer.pk}/"),
        {
            "anonymous": 302,
            **NO_TOOLS,
            "leader_a": approve,
            "leader_p": approve,
            "admin_p": view_only,
            "superuser": view_only,
        },
    )
    assert_matrix(
        world,
        lambda c: c.get(f"/personnel/rounds/{transfer_round.pk}/"),
        {"anonymous": 302, **NO_TOOLS, "leader_a": 404, "leader_p": 404, "admin_p": 404, "superuser": 404},
    )
    assert_matrix(
        world,
        lambda c: c.get("/personnel/staffing/"),
        {"anonymous": 302, **NO_TOOLS, "leader_a": 200, "leader_p": 200, "admin_p": 200, "superuser": 200},
    )


def test_officers_api(world, records):
    listed = Expect(200, shows=("Careful Officer",))
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/personnel/officers"),
        {"anonymous": 401, **NO_TOOLS, "leader_a": listed, "leader_p": listed, "admin_p": listed, "superuser": listed},
        api=True,
    )
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/personnel/figures"),
        {"anonymous": 401, **NO_TOOLS, "leader_a": 200, "leader_p": 200, "admin_p": 200, "superuser": 200},
        api=True,
    )
