import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_and_a_request_id(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert len(response["X-Request-ID"]) == 32


def test_a_hostile_request_id_is_replaced(client):
    response = client.get("/", headers={"X-Request-ID": "bad id\r\nSet-Cookie: x"})
    assert response["X-Request-ID"] != "bad id" and " " not in response["X-Request-ID"]


def test_vietnamese_by_default_english_on_request(client):
    assert '<html lang="vi">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_openapi_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/auth/token", "/api/v1/citizens", "/api/v1/units", "/api/v1/officers"} <= set(paths)
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_health_check(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_units_page_filters(client, world):
    page = client.get("/org/units/?kind=ward").content.decode()
    assert world.ward_a.name in page and world.department.name not in page
    assert client.get("/org/units/?q=%3Cscript%3E").status_code == 200
    assert client.get("/org/units/nope/").status_code == 404


def test_pages_stay_vietnamese_for_an_english_browser_until_english_is_picked(client):
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    assert '<html lang="vi">' in client.get("/", headers=english_browser).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/", headers=english_browser).content.decode()
