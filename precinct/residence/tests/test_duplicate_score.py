"""The duplicate rule's weighted score (ADR 0041): the name similarity (folded names as written and with their
words sorted, the better) plus the origin weight, minus the sex and slip weights, against one threshold; each
weight moves a pair across it. The acceptance pair, and a bad weight refused in both languages."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import translation
from rapidfuzz import fuzz

from precinct.audit.models import AuditEvent
from precinct.core.errors import ValidationFailed
from precinct.core.text import fold
from precinct.residence.models import QualityRule
from precinct.residence.quality import duplicate_pairs, person_check, ward_report
from precinct.residence.rules import RuleSet, rule_update
from precinct.residence.services import person_create

pytestmark = pytest.mark.django_db

DAY = datetime.date(1975, 3, 4)
DEFAULTS = RuleSet(rows=[])  # the defaults: threshold 92, origin +5, sex -10, slip -6, prefix_days 3


def _pairs(*rows):
    """rows: (pk, name, sex, origin, birth date); none carries an ID (as the planted copies)."""
    stream = sorted(
        ((pk, "", born, fold(name), sex, origin) for pk, name, sex, origin, born in rows), key=lambda r: (r[2], r[0])
    )
    return {(a, b) for a, b, _s in duplicate_pairs(stream, DEFAULTS)}


def test_the_same_place_of_origin_lifts_a_close_name_over_the_threshold():
    assert 85 < fuzz.ratio("nguyen van hung", "nguyen van hungxyzw") < 90
    one = (1, "Nguyễn Văn Hùng", "male", "Hạ Long", DAY)
    assert _pairs(one, (2, "Nguyen Van Hungxyzw", "male", "Hạ Long", DAY)) == {(1, 2)}
    assert _pairs(one, (2, "Nguyen Van Hungxyzw", "male", "ha long", DAY)) == {(1, 2)}  # folded
    assert _pairs(one, (2, "Nguyen Van Hungxyzw", "male", "Cẩm Phả", DAY)) == set()
    assert _pairs(one, (2, "Nguyen Van Hungxyzw", "male", "", DAY)) == set()  # unknown: no bonus
    assert _pairs((1, "Nguyễn Văn Hùng", "male", "", DAY), (2, "Nguyen Van Hungxyzw", "male", "", DAY)) == set()


def test_different_sexes_push_a_pair_under_the_threshold_an_unknown_sex_does_not():
    assert fuzz.ratio("tran thi lan", "tran thi lanh") == 96
    one = (1, "Trần Thị Lan", "female", "", DAY)
    assert _pairs(one, (2, "Tran Thi Lanh", "female", "", DAY)) == {(1, 2)}
    assert _pairs(one, (2, "Tran Thi Lanh", "male", "", DAY)) == set()  # 96 - 10
    assert _pairs(one, (2, "Tran Thi Lanh", "", "", DAY)) == {(1, 2)}


def test_a_birth_date_a_few_days_off_costs_the_slip_weight_the_same_origin_gives_some_back():
    assert fuzz.ratio("nguyen van hung", "nguyen van hunggg") == 93.75
    one = (1, "Nguyễn Văn Hùng", "male", "", DAY)
    later = DAY + datetime.timedelta(days=2)
    assert _pairs(one, (2, "Nguyen Van Hunggg", "male", "", DAY)) == {(1, 2)}
    assert _pairs(one, (2, "Nguyen Van Hunggg", "male", "", later)) == set()  # 93.75 - 6
    assert _pairs(one, (2, "Nguyen Van Hung", "male", "", later)) == {(1, 2)}  # 100 - 6
    assert _pairs(
        (1, "Nguyễn Văn Hùng", "male", "Uông Bí", DAY), (2, "Nguyen Van Hunggg", "male", "Uông Bí", later)
    ) == {(1, 2)}  # 93.75 - 6 + 5
    assert (
        _pairs(one, (2, "Nguyen Van Hung", "male", "", DAY + datetime.timedelta(days=4))) == set()
    )  # out of the block


def test_the_names_are_also_compared_with_their_words_sorted():
    assert fuzz.ratio("hung nguyen van", "nguyen van hung") < 70
    assert _pairs((1, "Hùng Nguyễn Văn", "male", "", DAY), (2, "Nguyễn Văn Hùng", "male", "", DAY)) == {(1, 2)}
    scores = duplicate_pairs(
        [(1, "", DAY, "hung nguyen van", "male", ""), (2, "", DAY, "nguyen van hung", "male", "")], DEFAULTS
    )
    assert scores == [(1, 2, 100)]


def test_the_acceptance_pair_with_the_same_birth_date_is_a_possible_duplicate(world, register):
    head = register["head"]  # Nguyễn Văn Hùng, with an ID
    twin = person_create(
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyen Van Hung",
        date_of_birth=head.date_of_birth,
        sex="male",
    )
    assert [(a.pk, b.pk) for a, b, _s in ward_report(world.ward_a.path).duplicates] == [(head.pk, twin.pk)]
    assert [p.pk for p, _s in person_check(twin).duplicates] == [head.pk]
    assert [p.pk for p, _s in person_check(head).duplicates] == [twin.pk]


def test_a_bad_weight_is_refused_naming_the_parameter_in_both_languages_and_changes_nothing(world):
    rule = QualityRule.objects.get(code="duplicate_person")
    before = dict(rule.parameters)
    leader = world.users["leader_p"]
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        rule_update(actor=leader, rule=rule, is_active=True, parameters={**before, "slip_weight": "40"})
    message = str(caught.value.fields["slip_weight"][0])
    assert "Taken off when the birth dates differ" in message and "from 0 to 30" in message
    with translation.override("vi"), pytest.raises(ValidationFailed) as caught:
        rule_update(actor=leader, rule=rule, is_active=True, parameters={**before, "origin_weight": "năm"})
    message = str(caught.value.fields["origin_weight"][0])
    assert "Cộng thêm khi cả hai đều có quê quán" in message and "số nguyên" in message
    rule.refresh_from_db()
    assert rule.parameters == before and not AuditEvent.objects.filter(action="residence.quality_rule_update").exists()
    rule_update(actor=leader, rule=rule, is_active=True, parameters={**before, "sex_weight": "0"})
    rule.refresh_from_db()
    assert rule.parameters["sex_weight"] == 0


def test_the_migration_turns_the_prefix_threshold_into_the_weights_and_back():
    migration = importlib.import_module("precinct.residence.migrations.0009_duplicate_score")
    rule = QualityRule.objects.get(code="duplicate_person")
    weights = {"origin_weight": 5, "sex_weight": 10, "slip_weight": 6}
    rule.parameters = {"threshold": 88, "prefix_days": 2, "prefix_threshold": 95}  # an edited threshold: kept
    rule.save()
    migration.to_weights(apps, None)
    rule.refresh_from_db()
    assert rule.parameters == {"threshold": 88, "prefix_days": 2, **weights}
    migration.to_prefix_threshold(apps, None)
    rule.refresh_from_db()
    assert rule.parameters == {"threshold": 88, "prefix_days": 2, "prefix_threshold": 95}
    rule.parameters = {"threshold": 90, "prefix_days": 3, "prefix_threshold": 95}  # the old default: the new one
    rule.save()
    migration.to_weights(apps, None)
    rule.refresh_from_db()
    assert rule.parameters == {"threshold": 92, "prefix_days": 3, **weights}
    migration.to_prefix_threshold(apps, None)
    rule.refresh_from_db()
    assert rule.parameters == {"threshold": 90, "prefix_days": 3, "prefix_threshold": 95}
