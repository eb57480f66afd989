import pytest

from precinct.accounts.models import User

pytestmark = pytest.mark.django_db

FORM = {
    "personal_id": "022090012345",
    "full_name": "Nguyễn Văn Minh",
    "date_of_birth": "1990-05-17",
    "sex": "male",
    "phone": "0912345678",
    "email": "",
    "password": "Tram-Hai-Muoi-2",
    "password_again": "Tram-Hai-Muoi-2",
}


def test_register_page_creates_the_account_and_signs_in(client):
    response = client.post("/accounts/register/", FORM)
    assert response.status_code == 302
    assert User.objects.filter(username="022090012345", kind="citizen").exists()
    assert "022090012345" in client.get("/").content.decode()


def test_register_page_shows_field_errors_and_creates_nothing(client):
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/register/", {**FORM, "sex": "female"})
    assert response.status_code == 422
    assert "does not agree with the sex" in response.content.decode()
    assert not User.objects.exists()


def test_register_page_speaks_vietnamese_by_default(client):
    response = client.post("/accounts/register/", {**FORM, "sex": "female"})
    assert "Chữ số thứ tư không khớp với giới tính" in response.content.decode()


def test_register_page_rejects_mismatched_passwords(client):
    response = client.post("/accounts/register/", {**FORM, "password_again": "other"})
    assert response.status_code == 422 and not User.objects.exists()


def test_sign_in_and_out(client, world):
    response = client.post("/accounts/login/", {"username": "officer_a", "password": "Correct-Horse-42"})
    assert response.status_code == 302
    from precinct.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="accounts.sign_in", actor=world.users["officer_a"]).count() == 1
    assert client.get("/org/officers/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/org/officers/").status_code == 302


def test_sign_in_does_not_redirect_off_site(client, world):
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "officer_a", "password": "Correct-Horse-42"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_client_address_behind_a_trusted_proxy(rf, settings):
    from precinct.accounts.services import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "10.0.0.1"  # no proxy configured: the header is not trusted
    settings.TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.7"  # what our proxy saw, not what the client claimed


def test_sign_out_opened_directly_shows_a_button_and_only_a_post_signs_out(client, world):
    client.post("/accounts/login/", {"username": "officer_a", "password": "Correct-Horse-42"})
    page = client.get("/accounts/logout/")
    assert page.status_code == 200 and 'method="post" action="/accounts/logout/"' in page.content.decode()
    assert client.get("/org/officers/").status_code == 200  # a GET signed nobody out
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/org/officers/").status_code == 302
    assert client.put("/accounts/logout/").status_code == 405


def test_errors_are_summarised_at_the_top_with_links_and_tied_to_their_fields(client, db):
    body = client.post("/accounts/register/", {**FORM, "full_name": "", "password_again": "other"}).content.decode()
    summary = body.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_full_name"' in summary and 'href="#id_password_again"' in summary
    field = body.split('id="id_full_name"')[0].rsplit("<input", 1)[1] + body.split('id="id_full_name"')[1].split(">")[0]
    assert 'aria-describedby="id_full_name-errors' in field and 'aria-invalid="true"' in field
    assert 'id="id_full_name-errors"' in body
