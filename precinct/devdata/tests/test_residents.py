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
