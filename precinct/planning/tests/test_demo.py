import io

import pytest
from django.core.management import call_command

from precinct.accounts.models import User
from precinct.planning import selectors
from precinct.planning.models import Plan

pytestmark = pytest.mark.django_db


def test_plan_56_reads_like_the_seeds():
    call_command("seed_demo", stdout=io.StringIO())
    plan = Plan.objects.get(number="56/KH-UBND")
    view = selectors.plan_overview(actor=User.objects.get(username="lanhdao.tinh"), plan=plan)
    assert view.total == 64
    counts = view.counts
    assert (counts["done"], counts["on_schedule"], counts["maintained"]) == (14, 21, 19)
    assert counts["at_risk"] + counts["late"] + counts["not_started"] == 10 and counts["late"] == 3
    crimes = next(r for r in view.indicators if r.indicator.baseline_label == "2016–2020")
    assert (str(crimes.change), crimes.status) == ("-7.0", "on_track")
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing doubles
    assert Plan.objects.count() == 1
