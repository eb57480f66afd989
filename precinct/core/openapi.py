"""The OpenAPI document lists the error answers every operation really gives, in the one error shape.

Handlers declare their success answers and the refusals of their own domain (409, a 404 on a body's
reference, a 429 of their rate limit); the answers every operation gets from the layers in front of it are
added here, from what the operation is:

- 400 for all: the input guard refuses a NUL or a lone surrogate in the path or query string of any request;
- 413 for an operation with a body (request limits), and 422 for one with a body or parameters (validation);
- 401 and 403 for an operation that needs a signed-in caller (no or a bad token; role or CSRF);
- 404 for an operation with a path parameter (absent, or out of the caller's reach).

Every answer from 400 up is described by one schema, `Error` (`{"error": {"code", "message", "fields"}}`),
so clients and the fuzzing in CI check error bodies as strictly as successful ones.
"""

import json
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "stable, machine-readable"},
                "message": {"type": "string", "description": "in the request's language (Accept-Language)"},
                "fields": {
                    "type": "object",
                    "description": "an input field's name → its messages (empty when not about a field)",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

DESCRIPTIONS = {
    "400": "Bad input: a NUL character or a lone surrogate, a malformed body or multipart",
    "401": "Not signed in: send a valid bearer token",
    "403": "Not allowed to the caller (role, unit, CSRF for the browser session)",
    "404": "Not found, or outside the caller's reach",
    "409": "The object's state does not allow it",
    "413": "The body is too large",
    "422": "Some fields are not valid (each named in `fields`)",
    "429": "Too many attempts: see Retry-After",
}

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def declares(*statuses: int) -> dict[str, Any]:
    """`openapi_extra` for a handler whose own refusals the layers cannot know (a 404 for a reference in the
    query, a 401 of its own signature check): `@router.get(..., openapi_extra=declares(404))`."""
    return {"responses": {str(status): {"description": DESCRIPTIONS[str(status)]} for status in statuses}}


def expected_error_statuses(operation: dict[str, Any]) -> set[str]:
    """The error statuses the layers in front of every handler may give this operation."""
    statuses = {"400"}
    parameters = operation.get("parameters", [])
    if "requestBody" in operation:
        statuses |= {"413", "422"}
    if parameters:
        statuses.add("422")
    if operation.get("security"):
        statuses |= {"401", "403"}
    if any(p.get("in") == "path" for p in parameters):
        statuses.add("404")
    return statuses


def declare_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            # ninja keys responses by int; the JSON document by string: one key per status, as a string.
            responses = {str(status): value for status, value in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in expected_error_statuses(operation) | {s for s in responses if s[0] in "45"}:
                declared = responses.get(status, {})
                responses[status] = {
                    "description": declared.get("description") or DESCRIPTIONS.get(status, "Error"),
                    "content": error_content,
                }
    # The handlers' own `ErrorOut` (core.api_support) is the same shape, now named `Error` everywhere: its
    # components are dropped unless something still refers to them.
    components = schema["components"]["schemas"]
    replaced = ("ErrorOut", "ErrorDetail")
    rest = json.dumps(
        [{key: value for key, value in schema.items() if key != "components"}]
        + [value for name, value in components.items() if name not in replaced]
    )
    for name in replaced:
        if f'"#/components/schemas/{name}"' not in rest:
            components.pop(name, None)
    return schema


class PrecinctAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares the error answers (see the module's docstring)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_error_responses(schema)
        return schema
