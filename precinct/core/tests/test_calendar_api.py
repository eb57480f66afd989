import pytest

pytestmark = pytest.mark.django_db


def test_due_date_endpoint(client):
    response = client.get("/api/v1/calendar/due-date", {"received_at": "2026-11-23T10:00:00+07:00", "working_days": 3})
    assert response.status_code == 200
    assert response.json() == {"received_on": "2026-11-23", "due_date": "2026-11-27"}
    tet = client.get("/api/v1/calendar/due-date", {"received_at": "2027-02-05T10:00:00", "working_days": 3})
    assert tet.json() == {"received_on": "2027-02-11", "due_date": "2027-02-16"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"received_at": "yesterday", "working_days": 3}, "received_at"),
        ({"received_at": "2026-11-23T10:00:00+07:00", "working_days": -1}, "working_days"),
        ({"received_at": "2026-11-23T10:00:00+07:00"}, "working_days"),
        ({"received_at": "1890-01-01T10:00:00+07:00", "working_days": 3}, "received_at"),
    ],
)
def test_bad_input_is_a_field_error(client, params, field):
    response = client.get("/api/v1/calendar/due-date", params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
