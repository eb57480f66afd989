"""Citizens sign in through OpenID Connect against a local provider started by the test: discovery,
authorization code with PKCE, the personal ID from a claim, the account linked or created."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from joserfc.jwk import RSAKey

from precinct.accounts import oidc
from precinct.accounts.models import User
from precinct.accounts.tests import oidc_provider
from precinct.audit.models import AuditEvent

PERSON = {
    "personal_id": "022195004321",
    "name": "Trần Thị Hoa",
    "birthdate": "1995-11-02",
    "gender": "female",
}


@pytest.fixture
def provider(settings):
    provider, server = oidc_provider.start(dict(PERSON))
    settings.OIDC_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_CLIENT_ID = oidc_provider.CLIENT_ID
    settings.OIDC_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
    settings.OIDC_PERSONAL_ID_CLAIM = "personal_id"
    oidc._registries.clear()
    yield provider
    server.shutdown()
    oidc._registries.clear()


def _round_trip(client: Client, next_url: str = "/"):
    start = client.get(f"/accounts/vneid/?next={next_url}")
    assert start.status_code == 302
    return client.get(oidc_provider.follow_authorize(start["Location"]))


def test_the_login_page_offers_vneid_only_when_configured(client, world, provider, settings):
    assert 'data-testid="oidc"' in client.get("/accounts/login/").content.decode()
    settings.OIDC_DISCOVERY_URL = ""
    assert 'data-testid="oidc"' not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/vneid/").status_code == 404


def test_first_sign_in_creates_the_citizen_from_the_claims_with_pkce(client, world, provider):
    start = client.get("/accounts/vneid/?next=/dossiers/")
    query = parse_qs(urlparse(start["Location"]).query)
    assert start["Location"].startswith(provider.url + "/authorize")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["scope"] == ["openid profile"] and query["nonce"][0]
    done = client.get(oidc_provider.follow_authorize(start["Location"]))
    assert done.status_code == 302 and done["Location"] == "/dossiers/"
    # The token request carried the verifier whose hash the provider checked (else invalid_grant).
    assert provider.token_requests[-1]["code_verifier"]
    user = User.objects.get(personal_id="022195004321")
    assert user.is_citizen and user.full_name == "Trần Thị Hoa" and str(user.date_of_birth) == "1995-11-02"
    assert not user.has_usable_password()
    assert client.get("/api/v1/me").json()["personal_id"] == "022195004321"
    assert AuditEvent.objects.filter(action="accounts.citizen_register", target_id=str(user.pk)).count() == 1
    assert AuditEvent.objects.filter(action="accounts.sign_in", actor_id=user.pk, after__method="oidc").count() == 1


def test_an_existing_citizen_is_linked_by_personal_id_not_duplicated(world, provider):
    provider.person["personal_id"] = "022090012345"  # the world's citizen, registered with a password
    _round_trip(Client())
    _round_trip(Client())
    assert User.objects.filter(personal_id="022090012345").count() == 1
    assert AuditEvent.objects.filter(action="accounts.sign_in", actor_id=world.users["citizen"].pk).count() == 2
    assert not AuditEvent.objects.filter(action="accounts.citizen_register").exists()


def test_a_forged_id_token_signs_nobody_in(client, world, provider):
    provider.sign_with = RSAKey.generate_key(2048, parameters={"kid": "test-1"})
    response = _round_trip(client)
    assert response.status_code == 400 and "Vui lòng bắt đầu lại" in response.content.decode()
    assert not User.objects.filter(personal_id="022195004321").exists()
    assert client.get("/api/v1/me").status_code == 401


def test_a_callback_without_our_state_is_refused(client, world, provider):
    start = client.get("/accounts/vneid/")
    back = oidc_provider.follow_authorize(start["Location"])
    stranger = Client()  # another browser: the state is not in its session
    response = stranger.get(back)
    assert response.status_code == 400
    assert not User.objects.filter(personal_id="022195004321").exists()


def test_a_missing_or_malformed_personal_id_claim_creates_nothing(client, world, provider):
    provider.person["personal_id"] = "12345"
    client.cookies["django_language"] = "en"
    response = _round_trip(client)
    assert response.status_code == 400
    assert "did not give a valid personal identification number" in response.content.decode()
    assert User.objects.filter(kind="citizen").count() == 1  # only the world's citizen


def test_the_claim_name_is_a_setting(client, world, provider, settings):
    settings.OIDC_PERSONAL_ID_CLAIM = "cccd"
    provider.person = {"cccd": "022195004321", "name": "Trần Thị Hoa"}
    assert _round_trip(client).status_code == 302
    assert User.objects.filter(personal_id="022195004321").exists()


def test_an_unreachable_provider_is_a_clear_error(client, world, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = "x"
    oidc._registries.clear()
    client.cookies["django_language"] = "en"
    response = client.get("/accounts/vneid/")
    assert response.status_code == 502 and "cannot be reached" in response.content.decode()
