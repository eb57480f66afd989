"""The unit tree's questions have one answer each, in organisation.selectors / permissions."""

import pytest

from precinct.organisation.models import Role, RoleAssignment, Unit, UnitKind
from precinct.organisation.permissions import is_province_administrator
from precinct.organisation.selectors import (
    ancestor_paths,
    commune_level_units,
    province_root,
    province_root_or_none,
    role_holders_nearest,
    unit_by_code,
)


def test_province_root_is_the_root_with_the_province_code(world, settings):
    settings.PRECINCT_PROVINCE_CODE = 22
    Unit.objects.create(code="01", name="Another root", kind=UnitKind.PROVINCE)
    assert province_root() == world.province
    settings.PRECINCT_PROVINCE_CODE = 99  # no root with that code: the first root stands in
    assert province_root_or_none() == Unit.objects.filter(parent__isnull=True).order_by("path").first()


@pytest.mark.django_db
def test_without_units_the_root_is_a_503_not_a_crash():
    assert province_root_or_none() is None
    with pytest.raises(Exception) as raised:
        province_root()
    assert getattr(raised.value, "status", None) == 503


def test_role_holders_nearest_walks_up_to_the_first_unit_that_has_the_role(world):
    leaders_of_a = role_holders_nearest(unit_path=world.ward_a.path, role=Role.LEADER)
    assert leaders_of_a == [world.users["leader_a"]]
    # Ward B has no leader: its leaders are the province's.
    assert role_holders_nearest(unit_path=world.ward_b.path, role=Role.LEADER) == [world.users["leader_p"]]
    # An inactive holder does not count, and then the walk goes further up.
    leader_a = world.users["leader_a"]
    leader_a.is_active = False
    leader_a.save()
    assert role_holders_nearest(unit_path=world.ward_a.path, role=Role.LEADER) == [world.users["leader_p"]]
    assert role_holders_nearest(unit_path=world.ward_a.path, role="nobody") == []


def test_ancestor_paths():
    assert ancestor_paths("22/07168/") == ["22/", "22/07168/"]


def test_unit_by_code_only_finds_active_units_of_the_asked_kinds(world):
    assert unit_by_code("07168") == world.ward_a
    assert unit_by_code("07168", kinds=(UnitKind.DEPARTMENT,)) is None
    assert unit_by_code("") is None
    world.ward_b.is_active = False
    world.ward_b.save()
    assert unit_by_code("06688") is None
    assert list(commune_level_units()) == [world.ward_a]


def test_province_administrator(world):
    assert is_province_administrator(None)  # the system itself
    assert is_province_administrator(world.users["admin_p"])
    assert is_province_administrator(world.users["superuser"])
    assert not is_province_administrator(world.users["leader_p"])
    ward_admin = world.users["officer_b"]
    RoleAssignment.objects.create(user=ward_admin, unit=world.ward_b, role=Role.ADMINISTRATOR)
    assert not is_province_administrator(ward_admin)


def test_no_other_app_answers_the_tree_questions_itself():
    """The province root (`parent__isnull`) and role holders (`RoleAssignment.objects`) are asked of
    organisation only: a second copy elsewhere would drift from this one."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in ("organisation", "testing.py") or "tests" in relative.parts:
            continue
        if "migrations" in relative.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "parent__isnull" in text or "RoleAssignment.objects" in text:
            offenders.append(str(relative))
    assert offenders == []


REAL_WARDS = ["Ăn", "Ân", "Đông Triều", "Hà An", "Hạ Long", "Hiệp Hòa"]  # in Vietnamese dictionary order


def _wards(world, names):
    return [
        Unit.objects.create(code=f"9{n:04d}", name=name, name_en=name, kind=UnitKind.WARD, parent=world.province)
        for n, name in enumerate(names)
    ]


def test_units_by_name_follow_the_vietnamese_alphabet(world):
    from precinct.organisation.selectors import units_by_name

    _wards(world, reversed(REAL_WARDS))
    names = [u.name for u in units_by_name(commune_level_units()) if u.name in REAL_WARDS]
    assert names == REAL_WARDS


def test_wards_and_communes_sort_together_by_the_places_name(world):
    from precinct.organisation.selectors import place_name, units_by_name

    names = ["Công an xã Quảng La", "Công an phường Bãi Cháy", "Công an đặc khu Cô Tô", "Công an xã Bình Liêu"]
    units = [
        Unit.objects.create(code=f"8{n:04d}", name=name, name_en=name, kind=UnitKind.WARD, parent=world.province)
        for n, name in enumerate(names)
    ]
    assert [place_name(u) for u in units_by_name(units)] == ["Bãi Cháy", "Bình Liêu", "Cô Tô", "Quảng La"]


def test_ward_filters_and_select_lists_are_in_vietnamese_order(world):
    """The pages that list wards for people to pick from: the crime-report queue's filter, the residence
    register's wards, the dossier form's receiving police."""
    import re

    _wards(world, reversed([f"Công an phường {name}" for name in REAL_WARDS]))
    expected = [f"Công an phường {name}" for name in REAL_WARDS]

    def options(html: str, select_id: str) -> list[str]:
        block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
        assert block, select_id
        labels = re.findall(r"<option[^>]*>([^<]*)</option>", block.group(1))
        return [label.strip() for label in labels if label.strip() in expected]

    queue = world.client("leader_p").get("/tips/").content.decode()
    assert options(queue, "ward") == expected
    register = world.client("leader_p").get("/residence/").content.decode()
    found = [name for name in re.findall(r"Data quality: ([^<]+)</a>|Chất lượng dữ liệu: ([^<]+)</a>", register)]
    shown = [a or b for a, b in found if (a or b).strip() in expected]
    assert [s.strip() for s in shown] == expected
