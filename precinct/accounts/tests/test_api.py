import pytest

from precinct.accounts.models import ApiToken, User
from precinct.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

VALID = {
    "personal_id": "022090012345",
    "full_name": "Nguyễn Văn Minh",
    "date_of_birth": "1990-05-17",
    "sex": "male",
    "phone": "0912 345 678",
    "email": "minh@example.vn",
    "password": "Tram-Hai-Muoi-2",
}


def register(client, lang="vi", **changes):
    return client.post(
        "/api/v1/citizens", {**VALID, **changes}, content_type="application/json", headers={"Accept-Language": lang}
    )


@pytest.mark.real_hashers
def test_registering_a_man_born_1990_in_quang_ninh_succeeds(client):
    response = register(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == "022090012345" and body["kind"] == "citizen" and body["phone"] == "0912345678"
    user = User.objects.get(personal_id="022090012345")
    assert user.password.startswith("argon2")
    assert AuditEvent.objects.filter(action="accounts.citizen_register", target_id=str(user.pk)).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sex": "female"}, "personal_id"),
        ({"date_of_birth": "1991-05-17"}, "personal_id"),
        ({"personal_id": "02209001234"}, "personal_id"),
        ({"personal_id": "999090012345"}, "personal_id"),
        ({"phone": "12345"}, "phone"),
        ({"password": "12345678"}, "password"),
        ({"date_of_birth": "not-a-date"}, "date_of_birth"),
        ({"sex": "other"}, "sex"),
        ({"full_name": "<script>alert(1)</script>Lê Thị Thu"}, "full_name"),
        ({"full_name": "Lê Thị Thu 2"}, "full_name"),
    ],
)
def test_invalid_registrations_answer_422_per_field_and_create_nothing(client, changes, field):
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = register(client, **changes)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"] and all(error["fields"][field])
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_field_errors_follow_the_request_language(client):
    vi = register(client, "vi", personal_id="999090012345").json()["error"]
    en = register(client, "en", personal_id="999090012345").json()["error"]
    assert en["fields"]["personal_id"] == ["The first three digits are not the code of a province of birth."]
    assert vi["fields"]["personal_id"][0] != en["fields"]["personal_id"][0]
    assert "tỉnh" in vi["fields"]["personal_id"][0]


def test_missing_fields_are_reported_each_in_one_shape(client):
    response = client.post(
        "/api/v1/citizens",
        {"personal_id": "022090012345"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"full_name", "date_of_birth", "sex", "phone", "password"}
    assert fields["sex"] == ["This field is required."]


def test_the_same_person_cannot_register_twice(client):
    assert register(client).status_code == 201
    again = register(client, "en")
    assert again.status_code == 422
    assert "already exists" in again.json()["error"]["fields"]["personal_id"][0]


def test_token_with_personal_id_then_me(client):
    register(client)
    response = client.post(
        "/api/v1/auth/token",
        {"username": "022090012345", "password": VALID["password"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and len(body["access_token"]) > 30
    assert not ApiToken.objects.filter(key_hash=body["access_token"]).exists()  # only its hash is stored
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["personal_id"] == "022090012345"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_token_endpoint_is_rate_limited_even_for_the_right_password(client, settings):
    register(client)
    wrong = {"username": "022090012345", "password": "nope-nope-nope"}
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert client.post("/api/v1/auth/token", wrong, content_type="application/json").status_code == 401
    right = {"username": "022090012345", "password": VALID["password"]}
    blocked = client.post("/api/v1/auth/token", right, content_type="application/json")
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited" and int(blocked["Retry-After"]) > 0


def test_expired_token_is_refused(client, world):
    from django.db import transaction
    from django.utils import timezone

    from precinct.accounts.services import api_token_issue

    with transaction.atomic():
        token = api_token_issue(user=world.users["officer_a"])
    ApiToken.objects.update(expires_at=timezone.now())
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_errors_have_one_shape(client):
    for response in (
        client.get("/api/v1/units/nope"),
        client.get("/api/v1/officers"),
        client.post("/api/v1/citizens", "{not json", content_type="application/json"),
    ):
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body


def test_a_memoised_token_stops_working_when_its_user_is_deactivated(world, django_capture_on_commit_callbacks):
    client = world.api_client("officer_a")
    assert client.get("/api/v1/me").status_code == 200  # now memoised in this process
    user = world.users["officer_a"]
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()
    assert client.get("/api/v1/me").status_code == 401


def test_role_scopes_are_not_carried_from_one_request_to_the_next(world, django_capture_on_commit_callbacks):
    from precinct.organisation.models import Role, RoleAssignment

    client = world.api_client("officer_b")
    officer_of_a = world.officers["a"].pk
    assert client.get(f"/api/v1/officers/{officer_of_a}").status_code == 404
    RoleAssignment.objects.create(user=world.users["officer_b"], unit=world.ward_a, role=Role.OFFICER)
    assert client.get(f"/api/v1/officers/{officer_of_a}").status_code == 200
