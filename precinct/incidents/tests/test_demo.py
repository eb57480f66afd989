"""seed_demo gives the register a campaign with results, persons involved and exhibits with custody chains,
and running it again doubles nothing."""

import io

import pytest
from django.core.management import call_command

from precinct.accounts.models import User
from precinct.accounts.personal_id import personal_id_errors
from precinct.incidents import campaign_selectors
from precinct.incidents.models import Campaign, Exhibit, ExhibitHandover, IncidentPerson
from precinct.organisation.selectors import province_root

pytestmark = pytest.mark.django_db


def test_demo_case_files_and_campaign():
    call_command("seed_demo", stdout=io.StringIO())
    campaign = Campaign.objects.get()
    results = campaign_selectors.campaign_results(actor=User.objects.get(username="lanhdao.tinh"), campaign=campaign)
    assert results.totals["incidents"] > 0 and results.totals["arrested"] > 0 and results.totals["exhibits"] > 0
    assert campaign.lead_unit == province_root()
    ids = [p.personal_id for p in IncidentPerson.objects.exclude(personal_id="")]
    assert ids and all(not personal_id_errors(i) for i in ids)
    chained = Exhibit.objects.filter(handovers__isnull=False).distinct().first()
    assert chained is not None
    first = ExhibitHandover.objects.filter(exhibit=chained).order_by("sequence").first()
    assert first.from_holder.startswith("Kho vật chứng")
    counts = (IncidentPerson.objects.count(), Exhibit.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (IncidentPerson.objects.count(), Exhibit.objects.count(), Campaign.objects.count()) == (*counts, 1)
