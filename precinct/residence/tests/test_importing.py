"""Import of existing registers: checked row by row, all or nothing or explicitly only the valid rows, an error
report to download, and a re-import that changes nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from precinct.audit.models import AuditEvent
from precinct.core.errors import DomainError, PermissionDenied
from precinct.residence.models import ImportBatch, ImportStatus, Person, ResidenceRecord
from precinct.residence.services import register_import

HEADER = "personal_id,full_name,date_of_birth,sex,place_of_origin,ethnicity,nationality,status,permanent_address\n"
NEW = '022190001111,Phạm Thu Hà,05/06/1990,female,Hạ Long,Kinh,VN,living,"Số 4, Tổ 1"\n'
BAD_ID = "022090002222,Đỗ Văn Nam,07/08/1991,male,Cẩm Phả,Kinh,VN,living,\n"  # the year digits say 1990
BAD_DATE = ",Lê Thị Út,31/02/2001,female,,,VN,living,\n"
KNOWN = '022075001234,Nguyễn Văn Hùng,02/03/1975,male,"Hạ Long, Quảng Ninh",Kinh,VN,living,\n'


def csv_file(*rows: str) -> bytes:
    return ("\ufeff" + HEADER + "".join(rows)).encode()


def test_a_file_with_a_bad_row_imports_nothing_unless_only_the_valid_rows_are_asked_for(world, register):
    officer = world.users["officer_a"]
    content = csv_file(NEW, BAD_ID, BAD_DATE, KNOWN)
    persons = Person.objects.count()
    with translation.override("vi"):
        refused = register_import(actor=officer, unit=world.ward_a, name="so-ho-khau.csv", content=content)
    assert refused.status == ImportStatus.REFUSED and Person.objects.count() == persons
    assert [(e["row"], e["column"]) for e in refused.errors] == [(3, "personal_id"), (4, "date_of_birth")]
    assert "năm sinh" in refused.errors[0]["message"]
    applied = register_import(actor=officer, unit=world.ward_a, name="so-ho-khau.csv", content=content, only_valid=True)
    assert (applied.status, applied.rows, applied.created, applied.unchanged) == (ImportStatus.APPLIED, 4, 1, 1)
    ha = Person.objects.get(personal_id="022190001111")
    assert ha.date_of_birth == datetime.date(1990, 6, 5) and ha.unit_path == world.ward_a.path
    assert ResidenceRecord.objects.get(person=ha).basis == "import"
    audit = AuditEvent.objects.get(action="residence.import_applied")
    assert audit.after["created"] == 1 and audit.after["skipped_errors"] == 2
    # the same file again: refused as already imported, nothing changes
    with pytest.raises(DomainError) as exc:
        register_import(actor=officer, unit=world.ward_a, name="again.csv", content=content, only_valid=True)
    assert exc.value.code == "already_imported"
    # the same people in another file: nobody written twice
    again = register_import(actor=officer, unit=world.ward_a, name="lai.csv", content=csv_file(KNOWN, NEW))
    assert (again.created, again.unchanged) == (0, 2)
    assert Person.objects.count() == persons + 1


def test_an_xlsx_register_with_date_cells_imports_and_the_export_round_trips(world, register):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["", "Vũ Văn Sáu", datetime.datetime(1960, 1, 2), "male", "", "Dao", "VN", "living", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = register_import(actor=world.users["leader_a"], unit=world.ward_a, name="ho.xlsx", content=buffer.getvalue())
    assert batch.created == 1 and Person.objects.get(full_name="Vũ Văn Sáu").date_of_birth == datetime.date(1960, 1, 2)
    exported = world.client("leader_a").get(f"/residence/export/{world.ward_a.code}.csv").content
    back = register_import(actor=world.users["officer_a"], unit=world.ward_a, name="export.csv", content=exported)
    assert (back.status, back.created, back.unchanged) == (ImportStatus.APPLIED, 0, 3)


def test_bad_files_and_outsiders_change_nothing(world, register):
    with pytest.raises(DomainError) as exc:
        register_import(actor=world.users["officer_a"], unit=world.ward_a, name="x.csv", content=b"a,b\n1,2\n")
    assert exc.value.code == "bad_header"
    with pytest.raises(DomainError):
        register_import(actor=world.users["officer_a"], unit=world.ward_a, name="x.xlsx", content=b"not a zip")
    with pytest.raises(PermissionDenied):
        register_import(actor=world.users["duty_a"], unit=world.ward_a, name="x.csv", content=csv_file(NEW))
    with pytest.raises(PermissionDenied):
        register_import(actor=world.users["officer_b"], unit=world.ward_a, name="x.csv", content=csv_file(NEW))
    assert not ImportBatch.objects.exists() and not Person.objects.filter(personal_id="022190001111").exists()


def test_the_import_page_and_its_error_report(world, register):
    client = world.client("officer_a")
    url = f"/residence/import/{world.ward_a.code}/"
    page = client.post(url, {"file": SimpleUploadedFile("s.csv", csv_file(NEW, BAD_ID)), "mode": "all"})
    assert page.status_code == 200 and "022190001111" not in str(Person.objects.values_list("personal_id"))
    batch = ImportBatch.objects.get()
    report = client.get(f"/residence/imports/{batch.pk}/errors.csv")
    assert report.status_code == 200 and ",3,personal_id," in "," + report.content.decode("utf-8-sig").replace(
        "\r\n", ","
    )
    assert world.client("officer_b").get(f"/residence/imports/{batch.pk}/errors.csv").status_code == 404
    assert world.client("officer_b").get(url).status_code == 404
    assert world.client("officer_dept").get(url).status_code == 200
