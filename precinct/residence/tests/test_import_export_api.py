"""Import and export of the register by API (POST /api/v1/residence/imports, GET /api/v1/residence/exports/<ward
code>.csv): on the existing services, scoped, and refused with a clear error that changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from precinct.audit.models import AuditEvent
from precinct.residence.models import ImportBatch, Person
from precinct.residence.tests.test_importing import BAD_ID, HEADER, KNOWN, NEW, csv_file

pytestmark = pytest.mark.django_db


def upload(world, actor, content, *, ward=None, mode=None, name="so-ho-khau.csv", language="vi"):
    data = {"file": SimpleUploadedFile(name, content), "ward": ward or world.ward_a.code}
    if mode is not None:
        data["mode"] = mode
    return world.api_client(actor).post("/api/v1/residence/imports", data, headers={"Accept-Language": language})


def test_all_or_nothing_then_only_the_valid_rows_then_the_same_file_again(world, register):
    content = csv_file(NEW, BAD_ID, KNOWN)
    persons = Person.objects.count()
    refused = upload(world, "officer_a", content)
    assert refused.status_code == 200, refused.content
    body = refused.json()
    assert body["status"] == "refused" and body["ward"] == world.ward_a.code
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "personal_id")]
    assert Person.objects.count() == persons
    applied = upload(world, "officer_a", content, mode="valid")
    assert applied.status_code == 201
    assert {k: applied.json()[k] for k in ("status", "rows", "created", "unchanged")} == {
        "status": "applied",
        "rows": 3,
        "created": 1,
        "unchanged": 1,
    }
    assert Person.objects.count() == persons + 1
    batches, audits = ImportBatch.objects.count(), AuditEvent.objects.count()
    again = upload(world, "officer_a", content, mode="valid")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_imported"
    assert "đã được nhập" in again.json()["error"]["message"]
    assert (Person.objects.count(), ImportBatch.objects.count(), AuditEvent.objects.count()) == (
        persons + 1,
        batches,
        audits,
    )


def test_an_xlsx_file_imports_through_the_api(world, register):
    book = Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["", "Vũ Văn Sáu", "02/01/1960", "male", "", "Dao", "VN", "living", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = upload(world, "leader_a", buffer.getvalue(), name="so.xlsx")
    assert answer.status_code == 201 and answer.json()["created"] == 1
    assert Person.objects.filter(full_name="Vũ Văn Sáu", unit=world.ward_a).exists()


@pytest.mark.parametrize(
    ("actor", "status"),
    [("anonymous", 401), ("citizen", 404), ("officer_b", 404), ("duty_a", 403), ("admin_p", 404)],
)
def test_imports_are_refused_to_whoever_does_not_manage_the_ward_and_change_nothing(world, register, actor, status):
    persons, batches = Person.objects.count(), ImportBatch.objects.count()
    answer = upload(world, actor, csv_file(NEW))
    assert answer.status_code == status, answer.content
    assert (Person.objects.count(), ImportBatch.objects.count()) == (persons, batches)


def test_bad_input_is_refused_in_the_callers_language(world, register):
    persons = Person.objects.count()
    bad_mode = upload(world, "officer_a", csv_file(NEW), mode="some")
    assert bad_mode.status_code == 422 and "mode" in bad_mode.json()["error"]["fields"]
    assert "hợp lệ" in bad_mode.json()["error"]["fields"]["mode"][0]
    english = upload(world, "officer_a", csv_file(NEW), mode="some", language="en")
    assert "only valid rows" in english.json()["error"]["fields"]["mode"][0]
    header = upload(world, "officer_a", b"name,dob\nA,01/01/1990\n")
    assert header.status_code == 422 and header.json()["error"]["code"] == "bad_header"
    unknown = upload(world, "officer_a", csv_file(NEW), ward="99999")
    assert unknown.status_code == 404
    missing = world.api_client("officer_a").post("/api/v1/residence/imports", {"ward": world.ward_a.code})
    assert missing.status_code == 422
    assert Person.objects.count() == persons and not ImportBatch.objects.exists()


def test_the_export_is_a_leaders_and_audited_with_its_row_count(world, register):
    url = f"/api/v1/residence/exports/{world.ward_a.code}.csv"
    answer = world.api_client("leader_a").get(url)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == HEADER.strip() and len(lines) == 3  # the household of two
    assert "Nguyễn Văn Hùng" in answer.content.decode()
    audit = AuditEvent.objects.get(action="residence.persons_export")
    assert audit.after["rows"] == 2 and audit.actor_id == world.user("leader_a").pk
    assert world.api_client("leader_p").get(url).status_code == 200  # the province's leader is over the ward


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 401),
        ("citizen", 404),
        ("officer_a", 403),
        ("duty_a", 403),
        ("officer_b", 404),
        ("officer_dept", 403),  # reads the whole province, exports nothing
        ("superuser", 403),  # a leader's role, not being a superuser
    ],
)
def test_the_export_is_refused_to_everyone_else_and_nothing_is_audited(world, register, actor, status):
    answer = world.api_client(actor).get(f"/api/v1/residence/exports/{world.ward_a.code}.csv")
    assert answer.status_code == status, answer.content
    assert not AuditEvent.objects.filter(action="residence.persons_export").exists()


def test_a_nul_character_in_a_cell_is_a_refused_row_not_a_server_error(world, register):
    persons = Person.objects.count()
    content = csv_file(NEW, ",Lê\x00 Văn,01/01/1990,male,,,VN,living,\n")
    answer = upload(world, "officer_a", content, mode="valid")
    assert answer.status_code == 201, answer.content
    assert [(e["row"], e["column"]) for e in answer.json()["errors"]] == [(3, "full_name")]
    assert "NUL" in answer.json()["errors"][0]["message"]
    assert answer.json()["created"] == 1 and Person.objects.count() == persons + 1
