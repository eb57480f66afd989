"""The write endpoints and pages of case files, campaigns and the base-figure import, as each of the ten
actors (the reads are in test_casefile, test_campaigns and test_base_import)."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from precinct.incidents.models import Arrest, Exhibit, IncidentPerson
from precinct.incidents.tests.conftest import record
from precinct.incidents.tests.test_campaigns import launch
from precinct.incidents.tests.test_casefile import add_person
from precinct.testing import assert_matrix

HANDLERS = {"officer_a": 201, "duty_a": 201, "leader_a": 201, "leader_p": 201}
REFUSED = {"anonymous": 401, "citizen": 403, "officer_b": 404, "officer_dept": 404, "admin_p": 403}


def test_add_person_and_seize_exhibit_api_matrix(world):
    incident = record(world)
    assert_matrix(
        world,
        lambda c: c.post(
            f"/api/v1/incidents/{incident.pk}/persons",
            data=json.dumps({"role": "witness", "full_name": "Người làm chứng"}),
            content_type="application/json",
        ),
        HANDLERS | REFUSED | {"superuser": 403},  # sees the incident, not its case file
        api=True,
    )
    assert IncidentPerson.objects.count() == 4
    assert_matrix(
        world,
        lambda c: c.post(
            f"/api/v1/incidents/{incident.pk}/exhibits",
            data=json.dumps({"description": "Dao", "quantity": "1", "measure": "con", "stored_at": "Kho A"}),
            content_type="application/json",
        ),
        HANDLERS | REFUSED | {"superuser": 403},
        api=True,
    )
    assert Exhibit.objects.count() == 4
    listing = {k: 200 for k in HANDLERS} | REFUSED | {"superuser": 403}
    assert_matrix(world, lambda c: c.get(f"/api/v1/incidents/{incident.pk}/exhibits"), listing, api=True)


def test_arrest_api_and_person_pages_matrix(world):
    incident = record(world)

    def arrest(client):
        person = add_person(world, incident, personal_id="")
        return client.post(
            f"/api/v1/incidents/persons/{person.pk}/arrests",
            data=json.dumps({"arrested_on": timezone.localdate().isoformat()}),
            content_type="application/json",
        )

    assert_matrix(world, arrest, HANDLERS | REFUSED | {"superuser": 404}, api=True)
    assert Arrest.objects.count() == 4

    def page_add(client):
        return client.post(f"/incidents/{incident.pk}/case-file/persons/", {"role": "victim", "full_name": "Bị hại"})

    pages = {"officer_a": 302, "duty_a": 302, "leader_a": 302, "leader_p": 302}
    refused_pages = {"anonymous": 302, "citizen": 403, "officer_b": 404, "officer_dept": 404, "admin_p": 403}
    assert_matrix(world, page_add, pages | refused_pages | {"superuser": 403})
    assert IncidentPerson.objects.filter(role="victim").count() == 4

    def page_seize(client):
        return client.post(
            f"/incidents/{incident.pk}/case-file/exhibits/",
            {"description": "Tiền", "quantity": "1", "measure": "bộ", "stored_at": "Kho A"},
        )

    assert_matrix(world, page_seize, pages | refused_pages | {"superuser": 403})
    assert Exhibit.objects.count() == 4

    def page_arrest(client):
        person = add_person(world, incident, personal_id="")
        return client.post(
            f"/incidents/persons/{person.pk}/act/", {"do": "arrest", "arrested_on": timezone.localdate().isoformat()}
        )

    assert_matrix(world, page_arrest, pages | refused_pages | {"superuser": 404})
    assert Arrest.objects.count() == 8  # four through the API, four through the page


def test_campaign_tag_api_matrix(world):
    campaign = launch(world)

    def tag(client):
        incident = record(world)
        return client.post(
            f"/api/v1/incidents/campaigns/{campaign.pk}/incidents",
            data=json.dumps({"incident": incident.pk, "ring_dismantled": True}),
            content_type="application/json",
        )

    assert_matrix(
        world,
        tag,
        HANDLERS
        | {"anonymous": 401, "citizen": 403, "officer_b": 404, "officer_dept": 404, "admin_p": 403, "superuser": 201},
        api=True,
    )


def test_import_api_matrix(world):
    def upload(client):
        book = Workbook()
        book.active.append(["ward", "year", "month", "group", "count"])
        book.active.append([world.ward_a.code, 2016, None, "social_order", 95])
        out = io.BytesIO()
        book.save(out)
        return client.post(
            "/api/v1/incidents/base-figures/import", {"file": SimpleUploadedFile("f.xlsx", out.getvalue())}
        )

    assert_matrix(
        world,
        upload,
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 200,
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": 200,
            "admin_p": 200,
            "superuser": 200,
        },
        api=True,
    )
