"""The input guard (core.input_guard) and the bounded types (core.api_types), piece by piece."""

import datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from precinct.core.api_types import Date, DateTime, Days, Offset, date_param, int_param
from precinct.core.input_guard import BadInput, json_field_loads, json_refusal, text_refusal


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfffy"])
def test_nul_and_lone_surrogates_are_refused(text):
    refusal = text_refusal(text, field="q")
    assert isinstance(refusal, BadInput) and refusal.status == 400 and refusal.code == "bad_input"
    assert list(refusal.fields) == ["q"]


@pytest.mark.parametrize("text", ["", "Công an phường Hà An", "emoji 🚓 is a pair, not a lone half", "\\u0000"])
def test_ordinary_text_passes(text):
    assert text_refusal(text) is None


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": "\\u0000"}',
        b'{"a": ["x", {"b": "\\ud800"}]}',
        b'{"\\udc00": 1}',
        b'{"n": 9223372036854775808}',  # 2**63: one past the largest 64-bit integer
        b'{"n": -9223372036854775809}',
        b'{"n": ' + b"9" * 5000 + b"}",
        b'{"n": NaN}',
        b'{"n": -Infinity}',
        b'{"n": 1e999}',
    ],
)
def test_json_bodies_with_untakeable_values_are_refused(body):
    assert isinstance(json_refusal(body), BadInput)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"a": "plain", "n": 9223372036854775807, "m": -9223372036854775808, "f": 1.5e10}',
        b'{"a": "\\u00e9 \\ud83d\\ude93"}',  # an escaped accent and an escaped surrogate pair: fine
        b'{"a": "\\\\u0000"}',  # an escaped backslash followed by the text u0000: no NUL
        b"not json at all \\u",  # left to the handler's parser
    ],
)
def test_ordinary_json_passes(body):
    assert json_refusal(body) is None


def test_the_refusal_names_the_json_path():
    refusal = json_refusal(b'{"data": {"people": ["ok", "\\u0000"]}}')
    assert refusal is not None and list(refusal.fields) == ["data.people.1"]


def test_json_in_a_form_field_is_checked_like_a_body(settings):
    settings.PRECINCT_MAX_JSON_DEPTH = 8
    assert json_field_loads('{"a": [1, 2]}', field="data") == {"a": [1, 2]}
    for text in ("[" * 9 + "]" * 9, '{"a": "\\u0000"}'):
        with pytest.raises(BadInput) as caught:
            json_field_loads(text, field="data")
        assert list(caught.value.fields) == ["data"]
    with pytest.raises(ValueError):
        json_field_loads("{not json", field="data")


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        (Date, "1900-01-01", True),
        (Date, "2199-12-31", True),
        (Date, "1899-12-31", False),
        (Date, "9999-12-31", False),
        (DateTime, "9999-12-31T23:59:59Z", False),
        (DateTime, "0001-01-01T00:00:00+14:00", False),
        (DateTime, "2026-12-02T08:00:00+07:00", True),
        (Days, 3660, True),
        (Days, 3_000_000, False),
        (Days, -1, False),
        (Offset, 2**31 - 1, True),
        (Offset, 10**20, False),
    ],
)
def test_bounded_types(kind, value, ok):
    adapter = TypeAdapter(kind)
    if ok:
        adapter.validate_python(value)
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


def test_a_date_out_of_range_says_so():
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Date).validate_python("9999-12-31")
    assert caught.value.errors()[0]["type"] == "date_out_of_range"


def test_page_parameters():
    assert date_param("2026-12-02", field="from") == datetime.date(2026, 12, 2)
    assert date_param("", field="from") is None
    assert date_param("not a date", field="from") is None  # ignored, as pages always did
    with pytest.raises(BadInput) as caught:
        date_param("0001-01-01", field="from")
    assert list(caught.value.fields) == ["from"]
    assert int_param("42") == 42
    assert int_param("42", low=50) is None
    for text in ("", "²", "-1", "1.5", "١٢", "9" * 20, None):
        assert int_param(text) is None
