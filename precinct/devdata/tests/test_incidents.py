"""The benchmark's incident generator writes through the register's vocabulary, and the statistics read
the same figures from the rebuilt summary as from the register."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from precinct.incidents import penal_code, selectors
from precinct.incidents.models import Incident, IncidentMonthStat
from precinct.organisation.selectors import province_root

pytestmark = pytest.mark.django_db


def test_generate_incidents(world):
    call_command("generate_incidents", "--count", "300", "--years", "2", "--seed", "1", stdout=io.StringIO())
    assert Incident.objects.count() == 300 and IncidentMonthStat.objects.exists()
    crimes = Incident.objects.filter(classification="crime").exclude(article="")
    assert crimes.exists()
    assert all(penal_code.article(i.article).group == i.crime_group for i in crimes)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=400)
    figures = selectors.crime_figures(province_root(), start, today)
    raw = selectors.crime_figures_raw(province_root(), start, today)
    assert figures.crimes > 0 and (figures.crimes, figures.solved, figures.incidents) == (
        raw.crimes,
        raw.solved,
        raw.incidents,
    )
