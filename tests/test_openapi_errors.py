"""The published OpenAPI document lists the error answers each operation really gives (issue 13, item 3).

Walks /api/v1/openapi.json: every operation declares 400, and 413/422 when it takes a body, 422 when it
takes parameters, 401/403 when it needs a signed-in caller, 404 when it has a path parameter, each with the
one error schema; every integer it reads is bounded on both sides (core.api_types); /verify's file is
required.
"""

import pytest
from django.test import Client

from precinct.core.api_support import ErrorOut
from precinct.core.openapi import expected_error_statuses

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def document() -> dict:
    return Client().get("/api/v1/openapi.json").json()


def _operations(document: dict) -> list[tuple[str, dict]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def _integers(document: dict, schema: dict, where: str, seen: set[str]) -> list[tuple[str, dict]]:
    """Every integer schema reachable from `schema` (properties, items, anyOf), with where it is."""
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return []
        seen = seen | {schema["$ref"]}
    schema = _resolve(document, schema)
    found = [(where, schema)] if schema.get("type") == "integer" else []
    for name, sub in schema.get("properties", {}).items():
        found += _integers(document, sub, f"{where}.{name}", seen)
    for sub in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        found += _integers(document, sub, where, seen)
    if isinstance(schema.get("items"), dict):
        found += _integers(document, schema["items"], f"{where}[]", seen)
    return found


def test_the_document_is_walked(document):
    assert len(_operations(document)) > 80  # every app's router is in it


def test_every_operation_declares_its_error_answers_with_the_error_schema(document):
    missing = []
    for name, operation in _operations(document):
        declared = set(operation["responses"])
        for status in sorted(expected_error_statuses(operation)):
            if status not in declared:
                missing.append(f"{name}: {status}")
        assert "400" in declared, name
        for status, response in operation["responses"].items():
            if status[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, f"{name} {status}"
    assert missing == []


def test_signed_in_operations_declare_401_and_403_and_path_parameters_404(document):
    operations = dict(_operations(document))
    assert {"401", "403", "404", "422"} <= set(operations["GET /api/v1/dossiers/{code}"]["responses"])
    assert {"400", "413", "422"} <= set(operations["POST /api/v1/tips"]["responses"])
    assert "401" not in operations["GET /api/v1/procedures"]["responses"]  # public: no sign-in to fail


def test_the_error_schema_is_the_shape_the_handlers_answer(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
    body = Client().get("/api/v1/units?q=%00").json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    # The handlers' own ErrorOut (core.api_support) validates that same shape and is not published twice.
    assert ErrorOut.model_validate(body).error.code == body["error"]["code"]
    assert [name for name in document["components"]["schemas"] if "rror" in name] == ["Error"]


def test_every_integer_an_operation_reads_is_bounded(document):
    unbounded = []
    for name, operation in _operations(document):
        places: list[tuple[str, dict]] = []
        for parameter in operation.get("parameters", []):
            places += _integers(document, parameter["schema"], f"{parameter['in']}:{parameter['name']}", set())
        for media in operation.get("requestBody", {}).get("content", {}).values():
            places += _integers(document, media.get("schema", {}), "body", set())
        for where, schema in places:
            if "maximum" not in schema or "minimum" not in schema:
                unbounded.append(f"{name} {where}")
    assert unbounded == [], "\n".join(unbounded)


def test_verify_declares_its_file_required(document):
    body = document["paths"]["/api/v1/verify"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    body = _resolve(document, body)
    assert "file" in body["required"]
