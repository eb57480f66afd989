"""The demo force reads like the seeds: about 2,000 commune officers, the courses, a rate near 0.36 %."""

import io

import pytest
from django.utils import timezone

from precinct.accounts import demo as accounts_demo
from precinct.organisation import demo as organisation_demo
from precinct.organisation.selectors import province_root
from precinct.personnel import demo
from precinct.personnel.figures import force_figures

pytestmark = pytest.mark.django_db


def test_the_demo_force(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = io.StringIO()
    organisation_demo.seed(stdout=out)
    accounts_demo.seed(stdout=out)
    accounts = demo.seed(stdout=out)
    assert [a.username for a in accounts] == ["tochuc"]
    root = province_root()
    today = timezone.localdate()
    figures = force_figures(unit=root, start=today.replace(month=1, day=1), end=today)
    assert 2000 <= figures.total.commune_level <= 2100
    assert figures.total.disciplined == 7
    assert figures.total.discipline_rate is not None and 0.3 <= figures.total.discipline_rate <= 0.4
    assert 70 <= figures.total.degree_share <= 85
    assert figures.courses["professional"][0] == 3 and figures.courses["professional"][1] == 314
    assert figures.courses["topic"][0] == 18 and figures.courses["topic"][1] > 2060
    assert figures.total.vacancies > 0
    demo.seed(stdout=out)  # idempotent
    assert (
        force_figures(unit=root, start=today.replace(month=1, day=1), end=today).total.headcount
        == figures.total.headcount
    )
