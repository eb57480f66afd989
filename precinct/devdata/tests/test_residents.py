"""The residents generator: IDs by the register's rules, the planted flaws it says it planted, and the quality
scan finds the planted duplicates."""

import io

import pytest
from django.core.management import call_command

from precinct.accounts.personal_id import personal_id_errors
from precinct.devdata.residents import Shares, generate_residents
from precinct.residence.models import Person
from precinct.residence.quality import ward_report

pytestmark = pytest.mark.django_db


def test_generated_residents_carry_their_planted_flaws_and_the_scan_finds_the_duplicates(world):
    result = generate_residents(count=3000, seed=7, shares=Shares(duplicates=0.03), progress=lambda _m: None)
    assert Person.objects.count() == 3000 and result.persons == 3000
    with_id = Person.objects.exclude(personal_id="")
    broken = [p for p in with_id if personal_id_errors(p.personal_id, date_of_birth=p.date_of_birth, sex=p.sex)]
    assert len(broken) == result.planted["bad_id"]
    assert Person.objects.filter(personal_id="").count() == result.planted["duplicates"]
    report = ward_report(world.province.path)
    found = {(a, b) for a, b, _s in report.pairs}
    true = found & result.duplicate_pairs
    assert len(true) / len(result.duplicate_pairs) >= 0.9 and len(true) / len(found) >= 0.9


def test_the_command_reports_what_it_planted(world):
    out = io.StringIO()
    call_command("generate_residents", "--count", "200", "--seed", "3", stdout=out)
    assert "200 residents" in out.getvalue() and Person.objects.count() == 200


def test_households_records_and_planted_consistency_errors_show_in_the_scores_and_the_queue(world):
    from precinct.residence.models import Household, HouseholdMember, IssueState, QualityIssue, ResidenceRecord
    from precinct.residence.workqueue import ward_sync

    shares = Shares(two_heads=0.1, child_older=0.1, temporary=0.1, expired=0.5)
    result = generate_residents(count=2000, seed=11, shares=shares, progress=lambda _m: None)
    assert result.households == Household.objects.count() > 300
    with_id = Person.objects.exclude(personal_id="").count()
    assert HouseholdMember.objects.count() == with_id  # everyone with an ID lives in one household
    assert HouseholdMember.objects.filter(relation="head").count() == result.households
    assert ResidenceRecord.objects.filter(kind="permanent", is_current=True).count() == with_id
    planted = result.planted
    assert planted["two_heads"] > 5 and planted["child_older"] > 5 and planted["expired_temporary"] > 5
    report = ward_report(world.province.path)
    assert report.expired_count == planted["expired_temporary"]
    assert report.consistency_count >= planted["two_heads"] + planted["child_older"] + planted["expired_temporary"]
    assert report.consistency is not None and report.consistency < 100
    ward_sync(actor=None, unit=world.province)
    open_issues = QualityIssue.objects.filter(state=IssueState.OPEN)
    assert open_issues.filter(rule__code="household_head").count() == planted["two_heads"]
    assert open_issues.filter(rule__code="temporary_expired").count() == planted["expired_temporary"]
    assert open_issues.filter(rule__code="relation_ages").count() >= planted["child_older"]
    assert open_issues.filter(rule__code="duplicate_person").count() == report.duplicate_count


def test_duplicates_with_a_slipped_birth_date_are_found_only_through_the_id_prefix_block(world):
    from precinct.residence.models import QualityRule

    result = generate_residents(
        count=3000, seed=5, shares=Shares(duplicates=0.03, birth_slip=0.5), progress=lambda _m: None
    )
    assert result.planted["birth_slip"] > 10
    # The mechanism: the prefix block on its default weights, then switched off.
    rule = QualityRule.objects.filter(code="duplicate_person")
    with_prefix = {(a, b) for a, b, _s in ward_report(world.province.path).pairs} & result.duplicate_pairs
    rule.update(parameters={**rule.get().parameters, "prefix_days": 0})
    date_only = {(a, b) for a, b, _s in ward_report(world.province.path).pairs} & result.duplicate_pairs
    assert len(with_prefix) - len(date_only) >= 0.8 * result.planted["birth_slip"]
    assert len(with_prefix) / len(result.duplicate_pairs) >= 0.9
