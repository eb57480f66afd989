from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from vietnam_provinces import Ward

from precinct.audit.models import AuditEvent
from precinct.organisation.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

REQUIRED_DEPARTMENTS = {"PC06", "PC07", "PA08", "PC02", "PC04", "PA05", "PC08", "PX01"}


def test_quang_ninh_has_its_54_commune_level_units_and_departments():
    call_command("load_units", "--province", "22")
    root = Unit.objects.get(code="22", kind=UnitKind.PROVINCE)
    kinds = Counter(Unit.objects.filter(parent=root).values_list("kind", flat=True))
    assert kinds[UnitKind.WARD] == 30 and kinds[UnitKind.COMMUNE] == 22 and kinds[UnitKind.SPECIAL_ZONE] == 2
    departments = {u.code.split("-")[1] for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
    assert departments >= REQUIRED_DEPARTMENTS
    van_don = Unit.objects.get(name="Công an đặc khu Vân Đồn")
    assert van_don.kind == UnitKind.SPECIAL_ZONE and van_don.path == f"22/{van_don.code}/"
    assert van_don.division_code == van_don.code and len(van_don.code) == 5
    assert Unit.objects.get(name="Công an đặc khu Cô Tô").kind == UnitKind.SPECIAL_ZONE


def test_loading_twice_changes_nothing():
    call_command("load_units", "--province", "22")
    units, events = Unit.objects.count(), AuditEvent.objects.count()
    call_command("load_units", "--province", "22")
    assert (Unit.objects.count(), AuditEvent.objects.count()) == (units, events)


def test_any_province_can_be_loaded():
    call_command("load_units", "--province", "1")
    expected = sum(1 for w in Ward.iter_all() if int(w.province_code) == 1)
    assert Unit.objects.filter(parent__code="01").exclude(kind=UnitKind.DEPARTMENT).count() == expected


def test_unknown_province_is_a_clear_error():
    with pytest.raises(CommandError):
        call_command("load_units", "--province", "99")
    assert not Unit.objects.exists()


def test_police_names_follow_the_division_type():
    from precinct.organisation import divisions

    city = divisions.Division(code="01", name="Thành phố Hà Nội", short_name="Hà Nội", kind=UnitKind.PROVINCE)
    province = divisions.Division(code="04", name="Tỉnh Cao Bằng", short_name="Cao Bằng", kind=UnitKind.PROVINCE)
    ward = divisions.Division(code="06700", name="Phường Hà Tu", short_name="Hà Tu", kind=UnitKind.WARD)
    assert divisions.police_name(city) == ("Công an thành phố Hà Nội", "Hà Nội City Police")
    assert divisions.police_name(province) == ("Công an tỉnh Cao Bằng", "Cao Bằng Provincial Police")
    assert divisions.police_name(ward) == ("Công an phường Hà Tu", "Hà Tu Ward Police")
