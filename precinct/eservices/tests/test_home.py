"""The home page's one-stop-shop parts (issue 14): search, the most used procedures and the look-up for
visitors; for a citizen, their dossiers with what each needs from them now and "submit a dossier"."""

from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit, dossier_transition


def test_visitors_get_search_most_used_procedures_and_look_up(client, world, catalogue, dossier):
    page = client.get("/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'action="/services/"' in body and 'name="q"' in body  # search the catalogue
    assert 'action="/lookup/"' in body and 'name="personal_id"' in body  # the look-up
    popular = body.split('class="links"')[1].split("</ul>")[0]
    assert popular.count("<li>") == 6
    assert popular.index('href="/services/CT-06/"') < popular.index("</li>")  # the one used procedure first


def test_the_citizen_sees_what_each_dossier_needs_and_no_api_card(world, catalogue, dossier):
    citizen, officer = world.users["citizen"], world.users["officer_a"]
    waiting = dossier_submit(
        actor=citizen, procedure=Procedure.objects.get(code="CT-06"), form_data={"muc_dich": "Du học"},
        unit_code=world.ward_a.code,
    )  # fmt: skip
    dossier_transition(actor=officer, dossier=waiting, action="receive")
    dossier_transition(actor=officer, dossier=waiting, action="request_supplement", note="Thiếu ảnh")
    client = world.client("citizen")
    page = client.get("/")
    body = page.content.decode()
    first, second = body.split('class="needs__item')[1:3]
    assert waiting.code in first and "Cần bạn: gửi bổ sung hồ sơ theo yêu cầu" in first  # waiting for them: first
    assert dossier.code in second and "Hiện chưa cần bạn làm gì" in second
    assert "Nộp hồ sơ" in body
    assert "/api/v1/docs" not in body.split("<footer")[0]  # no "API" card: the API is a footer link
