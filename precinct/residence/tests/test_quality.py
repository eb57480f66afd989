import datetime
from decimal import Decimal

from precinct.audit.models import AuditEvent
from precinct.core.measures import measure_value
from precinct.residence.models import NotDuplicate, Person
from precinct.residence.quality import ward_report
from precinct.residence.services import not_duplicate_mark, person_create


def test_accented_and_plain_names_with_one_birth_date_are_a_possible_duplicate_until_marked(world, register):
    twin = person_create(
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyen Van Hung",
        date_of_birth=datetime.date(1975, 3, 2),
        sex="male",
    )
    other_day = person_create(  # same name, another birth date: not a candidate
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyễn Văn Hùng",
        date_of_birth=datetime.date(1980, 3, 2),
    )
    pairs = [(a.pk, b.pk) for a, b, _s in ward_report(world.ward_a.path).duplicates]
    assert pairs == [(register["head"].pk, twin.pk)]
    assert other_day.pk not in {p for pair in pairs for p in pair}
    audits = AuditEvent.objects.count()
    not_duplicate_mark(actor=world.users["officer_a"], first=twin, second=register["head"])
    assert ward_report(world.ward_a.path).duplicates == []
    assert NotDuplicate.objects.count() == 1 and AuditEvent.objects.count() == audits + 1


def test_scores_per_dimension_and_measures(world, register):
    person_create(actor=world.users["officer_a"], unit=world.ward_a, full_name="Đỗ Thị Thiếu")  # incomplete
    flawed = Person.objects.get(pk=register["wife"].pk)
    Person.objects.filter(pk=flawed.pk).update(personal_id="022078004321")  # 4th digit wrong for a woman
    report = ward_report(world.ward_a.path)
    assert report.persons == 3 and report.complete == 2
    assert next(p.pk for p, _m in report.incomplete) != register["head"].pk
    assert [p.pk for p, _e in report.invalid] == [flawed.pk]
    today = datetime.date.today()
    assert (
        measure_value("residence.completeness", unit_path=world.ward_a.path, start=today, end=today)
        == report.completeness
    )
    assert measure_value("residence.completeness", unit_path=world.ward_b.path, start=today, end=today) is None
    assert measure_value("residence.duplicate_candidates", unit_path=world.province.path, start=today, end=today) == 0


def test_the_incremental_check_of_one_record_finds_its_twin_across_wards_until_marked(world, register):
    from precinct.residence.quality import person_check

    head = register["head"]
    assert person_check(head).clean
    twin = person_create(
        actor=world.users["officer_b"],
        unit=world.ward_b,
        full_name="Nguyen Van  Hung",
        date_of_birth=head.date_of_birth,
    )
    found = person_check(head)
    assert [(p.pk, s) for p, s in found.duplicates] == [(twin.pk, 100)] and not found.clean
    assert [p.pk for p, _s in person_check(twin).duplicates] == [head.pk]
    assert len(person_check(twin).missing) == 4  # ID, sex, origin, ethnicity
    not_duplicate_mark(actor=world.users["leader_p"], first=head, second=twin)
    assert person_check(head).clean and person_check(twin).duplicates == []


def test_records_holding_different_personal_ids_are_never_duplicates_and_counts_go_beyond_the_list(world, register):
    head = register["head"]
    person_create(  # the same name and birth date, another (valid) ID: another man
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyễn Văn Hùng",
        personal_id="022075009999",
        date_of_birth=head.date_of_birth,
        sex="male",
    )
    for i in range(3):
        person_create(actor=world.users["officer_a"], unit=world.ward_a, full_name=f"Lê Văn Tư {i}")
    report = ward_report(world.ward_a.path, list_limit=2)
    assert report.duplicate_count == 0 and report.duplicates == []
    assert report.persons == 6 and report.incomplete_count == 4 and len(report.incomplete) == 2  # the new Hùng too
    assert report.valid == 3 and report.completeness == Decimal("33.3")


def test_the_daily_scan_keeps_one_snapshot_per_ward_and_month_and_the_page_shows_the_trend(world, register):
    from precinct.residence.models import QualitySnapshot
    from precinct.residence.services.snapshots import quality_snapshots_take

    november = datetime.date(2026, 11, 20)
    assert quality_snapshots_take(today=november) == 2  # wards A and B
    person_create(actor=world.users["officer_a"], unit=world.ward_a, full_name="Đỗ Thị Thiếu")  # incomplete
    quality_snapshots_take(today=datetime.date(2026, 12, 1))
    quality_snapshots_take(today=datetime.date(2026, 12, 2))  # the month's later scan replaces the earlier
    rows = list(QualitySnapshot.objects.filter(unit=world.ward_a).order_by("month").values_list("month", "persons"))
    assert rows == [(datetime.date(2026, 11, 1), 2), (datetime.date(2026, 12, 1), 3)]
    december = QualitySnapshot.objects.get(unit=world.ward_a, month=datetime.date(2026, 12, 1))
    assert december.completeness == Decimal("66.7")
    page = world.client("officer_a").get(f"/residence/quality/{world.ward_a.code}/").content.decode()
    trend = page[page.index("<h2>Xu hướng theo tháng") :]
    assert "11/2026" in trend and "66,7 %" in trend, trend[:1500]
    assert AuditEvent.objects.filter(action="residence.quality_snapshots").count() == 3
