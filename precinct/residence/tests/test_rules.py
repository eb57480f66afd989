"""Rules as data (ADR 0038): the scan reads each rule's switch and parameters from its row; changing a rule is
checked, audited and allowed to the province's department and leaders only. Consistency, and the second
blocking rule on the personal ID's prefix."""

import datetime
from decimal import Decimal

import pytest

from precinct.audit.models import AuditEvent
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.residence.models import Household, QualityRule, ResidenceKind
from precinct.residence.quality import person_check, ward_report
from precinct.residence.rules import rule_update
from precinct.residence.services import household_create, household_join, person_create, residence_register

DUPLICATE_DEFAULTS = {"threshold": 92, "prefix_days": 3, "origin_weight": 5, "sex_weight": 10, "slip_weight": 6}


def _rule(code: str) -> QualityRule:
    return QualityRule.objects.get(code=code)


def test_the_migration_wrote_todays_rules_and_the_consistency_ones(db):
    rows = dict(QualityRule.objects.values_list("code", "dimension"))
    assert rows["duplicate_person"] == "uniqueness" and rows["required_fields"] == "completeness"
    assert {c for c, d in rows.items() if d == "consistency"} == {
        "household_head",
        "relation_ages",
        "permanent_two_places",
        "temporary_expired",
        "absence_overdue",
    }
    assert _rule("duplicate_person").parameters == DUPLICATE_DEFAULTS


def test_the_scan_reads_switches_and_parameters_from_the_rows(world, register):
    officer = world.users["officer_a"]
    person_create(actor=officer, unit=world.ward_a, full_name="Đỗ Thị Thiếu", sex="female")  # no ID, origin, …
    assert ward_report(world.ward_a.path).completeness == Decimal("66.7")
    rule_update(
        actor=world.users["leader_p"], rule=_rule("required_fields"), is_active=True, parameters={"fields": "sex"}
    )
    assert ward_report(world.ward_a.path).completeness == 100  # she has a sex
    rule_update(actor=world.users["officer_dept"], rule=_rule("required_fields"), is_active=False)
    report = ward_report(world.ward_a.path)
    assert report.completeness == 100 and report.incomplete == []
    assert _rule("required_fields").parameters == {"fields": ["sex"]}
    assert AuditEvent.objects.filter(action="residence.quality_rule_update").count() == 2


def test_a_bad_parameter_is_refused_in_vietnamese_and_changes_nothing_and_only_the_province_may(world):
    rule = _rule("duplicate_person")
    with pytest.raises(ValidationFailed) as caught:
        rule_update(actor=world.users["leader_p"], rule=rule, is_active=True, parameters={"threshold": "150"})
    assert "threshold" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        rule_update(actor=world.users["leader_p"], rule=rule, is_active=True, parameters={"colour": "red"})
    assert "colour" in caught.value.fields
    for actor in ("officer_a", "leader_a", "officer_b", "admin_p", "citizen"):
        with pytest.raises(PermissionDenied):
            rule_update(actor=world.users[actor], rule=rule, is_active=False)
    rule.refresh_from_db()
    assert rule.is_active and rule.parameters == DUPLICATE_DEFAULTS
    assert not AuditEvent.objects.filter(action="residence.quality_rule_update").exists()


def _household_of(world, head, members):
    return household_create(
        actor=world.users["officer_a"], unit=world.ward_a, street="Tổ 9", number="1", head=head, members=members
    )


def test_consistency_findings_and_score(world, register):
    officer = world.users["officer_a"]
    wife = register["wife"]  # the head was born in 1975
    old_child = person_create(
        actor=officer, unit=world.ward_a, full_name="Phạm Văn Cả", date_of_birth=datetime.date(1970, 1, 1)
    )
    young_spouse = person_create(
        actor=officer, unit=world.ward_a, full_name="Lê Thị Nhỏ", date_of_birth=datetime.date.today().replace(year=2015)
    )
    household_join(actor=officer, household=register["household"], person=old_child, relation="child")
    other = person_create(
        actor=officer, unit=world.ward_a, full_name="Vũ Văn Chủ", date_of_birth=datetime.date(1960, 1, 1)
    )
    _household_of(world, other, [(young_spouse, "spouse"), (wife, "sibling")])
    residence_register(
        actor=officer,
        person=old_child,
        kind=ResidenceKind.TEMPORARY,
        unit=world.ward_a,
        address="Phòng trọ 3",
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 6, 30),
    )
    report = ward_report(world.ward_a.path)
    # old child (relation + expired), young spouse, wife listed in two households
    assert report.consistency_count == 4 and report.expired_count == 1
    assert report.persons == 5 and report.consistency == Decimal("40.0")  # 3 of 5 touched
    Household.objects.filter(pk=register["household"].pk).update(head=wife)  # two heads (the FK and the list)
    assert ward_report(world.ward_a.path).consistency_count == 5
    today = datetime.date.today()
    from precinct.core.measures import measure_value

    consistency = measure_value("residence.consistency", unit_path=world.ward_a.path, start=today, end=today)
    assert consistency == Decimal("20.0")  # the two-heads household touches its three members too
    rule_update(
        actor=world.users["leader_p"],
        rule=_rule("relation_ages"),
        is_active=True,
        parameters={"child_gap_years": 12, "parent_gap_years": 12, "spouse_min_age": 10},
    )
    assert ward_report(world.ward_a.path).consistency_count == 4  # the 11-year-old spouse passes at 10


def test_blocking_on_the_id_prefix_finds_a_twin_with_a_birth_date_a_few_days_off(world, register):
    head = register["head"]  # 022 0 75 …, 1975-03-02, male
    slip = person_create(
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyen Van Hung",
        date_of_birth=datetime.date(1975, 3, 4),
        sex="male",
    )
    person_create(  # another prefix block (a woman): not a candidate
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyen Van Hung",
        date_of_birth=datetime.date(1975, 3, 3),
        sex="female",
    )
    person_create(  # born another day with a name only close (93.8 - the slip weight 6 < 92): not a candidate
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyen Van Hunggg",
        date_of_birth=datetime.date(1975, 3, 5),
        sex="male",
    )
    pairs = [(a.pk, b.pk) for a, b, _s in ward_report(world.ward_a.path).duplicates]
    assert pairs == [(head.pk, slip.pk)]
    assert [p.pk for p, _s in person_check(slip).duplicates] == [head.pk]
    assert [p.pk for p, _s in person_check(head).duplicates] == [slip.pk]
    rule_update(
        actor=world.users["leader_p"],
        rule=_rule("duplicate_person"),
        is_active=True,
        parameters={"threshold": 90, "prefix_days": 1},
    )
    assert ward_report(world.ward_a.path).duplicates == [] and person_check(slip).duplicates == []
