"""Registration says plainly when a personal ID already has an account, but only at a human pace."""

from django.test import Client

from precinct.accounts.models import User
from precinct.testing import PASSWORD

FORM = {
    "full_name": "Phạm Thị Lan",
    "date_of_birth": "1990-04-02",
    "sex": "female",
    "phone": "0911222333",
    "password": "Ha-Long-Bay-2026",
    "password_again": "Ha-Long-Bay-2026",
}


def test_probing_personal_ids_from_one_address_is_slowed(world, settings):
    settings.LOGIN_DELAY_BASE_SECONDS = 600
    prober = Client(REMOTE_ADDR="203.0.113.50")
    statuses = [
        prober.post("/accounts/register/", {**FORM, "personal_id": f"0221900{n:05d}"}).status_code
        for n in range(settings.REGISTER_MAX_PER_WINDOW + 3)
    ]
    assert 429 not in statuses[: settings.REGISTER_MAX_PER_WINDOW]
    assert statuses[settings.REGISTER_MAX_PER_WINDOW :] == [429, 429, 429]
    refused = prober.post("/accounts/register/", {**FORM, "personal_id": "022090012345"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Vui lòng thử lại sau" in refused.content.decode()
    assert "Đã có tài khoản với số định danh" not in refused.content.decode()  # the wait answers before the look-up
    # Another address registers at once.
    other = Client(REMOTE_ADDR="198.51.100.60")
    assert other.post("/accounts/register/", {**FORM, "personal_id": "022190045678"}).status_code == 302
    assert User.objects.filter(personal_id="022190045678").exists()


def test_the_api_counts_registrations_too(world, settings):
    settings.LOGIN_DELAY_BASE_SECONDS = 600
    client = Client(REMOTE_ADDR="203.0.113.51")
    body = {**FORM, "personal_id": "022090012345", "sex": "male", "date_of_birth": "1990-01-01"}
    body.pop("password_again")
    for _ in range(settings.REGISTER_MAX_PER_WINDOW):
        taken = client.post("/api/v1/citizens", body, content_type="application/json")
        assert taken.status_code == 422
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    limited = client.post("/api/v1/citizens", body, content_type="application/json")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert "Try again in" in limited.json()["error"]["message"] and limited["Retry-After"]


def test_a_taken_personal_id_points_to_sign_in_and_reset(world):
    client = Client()
    client.cookies["django_language"] = "en"
    same_person = {**FORM, "personal_id": "022090012345", "sex": "male", "date_of_birth": "1990-01-01"}
    page = client.post("/accounts/register/", same_person).content.decode()
    assert "sign in (with VNeID or your password) or reset your password" in page
    assert User.objects.get(personal_id="022090012345").check_password(PASSWORD)  # nothing changed
