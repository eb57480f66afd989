"""Officers from XLSX: every row or none, errors naming row and column."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from precinct.audit.models import AuditEvent
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.organisation.models import Officer
from precinct.personnel import importing
from precinct.personnel.models import Education, Posting, Profile

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["header"] * 11)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    "Nguyễn Văn An",
    "dai_uy",
    "07168",
    "Cán bộ",
    "15/03/1990",
    "01/09/2012",
    "01/07/2025",
    3,
    "Luật",
    "HV CSND",
    2012,
]


def test_a_good_file_creates_officers_with_profile_posting_and_degree(world, hr):
    other = [
        "Trần Thị Bình",
        "thuong_uy",
        "06688",
        "Cán bộ",
        "02/02/1995",
        "01/09/2017",
        "01/07/2025",
        None,
        None,
        None,
        None,
    ]
    assert importing.officers_import(actor=hr, data=_xlsx([GOOD, other])) == 2
    an = Officer.objects.get(full_name="Nguyễn Văn An")
    assert an.unit == world.ward_a and Profile.objects.get(officer=an).joined_on.year == 2012
    assert Posting.objects.filter(officer=an, unit=world.ward_a).exists()
    assert Education.objects.get(officer=an).level == 3
    assert AuditEvent.objects.filter(action="personnel.officers_import").exists()


def test_one_bad_row_imports_nothing_and_names_row_and_column(world, hr):
    bad = ["", "general", "99999", "Cán bộ", "31/02/1990", "01/09/2012", "01/07/2025", 9, "", "", ""]
    before = Officer.objects.count()
    with translation.override("vi"), pytest.raises(ValidationFailed) as failed:
        importing.officers_import(actor=hr, data=_xlsx([GOOD, bad]))
    messages = [str(m) for m in failed.value.fields["file"]]
    assert "Dòng 3, cột A (Họ và tên): Trường này là bắt buộc." in messages
    assert any(m.startswith("Dòng 3, cột C") for m in messages)
    assert any(m.startswith("Dòng 3, cột E") for m in messages)
    assert Officer.objects.count() == before


def test_not_a_spreadsheet_and_not_the_personnel_department(world, hr):
    with pytest.raises(ValidationFailed):
        importing.officers_import(actor=hr, data=b"not a zip")
    with pytest.raises(PermissionDenied):
        importing.officers_import(actor=world.user("leader_a"), data=_xlsx([GOOD]))
