"""`Idempotency-Key` for API writes a client may retry (dossier submission, payment start, hotels' stays).

A client that lost the answer (a connection reset after the commit) sends the same request again with the
same key: it gets the first answer — same status, same body, and the header `Idempotent-Replayed: true` — and
nothing is written twice. A key is its caller's own (`caller=`: the signed-in user by default, an establishment
for the stays): another caller's same key is another request. What makes "the same request" is the
`fingerprint=` (by default method, path, content type and body bytes). The same key with a different request
answers 422; a key still being answered by a concurrent request is settled by the unique
constraint: the loser's transaction (its whole write) rolls back and it answers the winner's response.

The record is INSERTed in the write's own transaction (the handler runs inside one `atomic`), so a record
exists exactly when the write committed. Only successful answers (2xx) are kept: a refused request changed
nothing, and its retry is judged afresh. Records expire after `IDEMPOTENCY_KEY_TTL_SECONDS` (24 h); the
`core.idempotency_purge` job deletes them. Without the header nothing here runs: not one statement more.

Cost with the header, on PostgreSQL: one SELECT before the transaction, the SAVEPOINT and RELEASE that the
service's own `atomic` becomes inside ours, and one INSERT: four statements.
"""

import datetime
import functools
import hashlib
import inspect
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Status
from ninja.responses import NinjaJSONEncoder

from precinct.core.errors import DomainError, ValidationFailed

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces (UUIDs, ULIDs, random tokens)


# For an operation's `openapi_extra={"parameters": [IDEMPOTENCY_KEY_PARAMETER]}`.
IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "description": "A key the client makes per request (e.g. a UUID): a retry with the same key and body answers "
    "the first answer again and writes nothing; the same key with another body answers 422. Kept 24 hours.",
}


class IdempotencyKeyReused(DomainError):
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for a different request. Use a new key for a new request."),
        )


REPLAYED = "Idempotent-Replayed"  # "true" on an answer that is a replay (the IETF httpapi draft's, Stripe's name)

Caller = Callable[[HttpRequest], str | None]
Fingerprint = Callable[[HttpRequest, dict[str, Any]], str]


def user_caller(request: HttpRequest) -> str | None:
    """The default `caller=`: the signed-in user's id (None: not signed in, the key is ignored)."""
    pk = request.user.pk
    return None if pk is None else str(pk)


def request_fingerprint(request: HttpRequest, arguments: dict[str, Any]) -> str:
    """The default `fingerprint=`: SHA-256 of method, path, content type and the body's bytes."""
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)  # read before the handler parses it (Django keeps the bytes for POST/FILES)
    return digest.hexdigest()


def _response_argument(handler: Callable[..., Any]) -> str:
    """The name of the handler's `HttpResponse` parameter: django-ninja hands it the response it will send, on
    which a replay sets `Idempotent-Replayed`."""
    for name, parameter in inspect.signature(handler).parameters.items():
        if parameter.annotation is HttpResponse or parameter.annotation == "HttpResponse":
            return name
    raise TypeError(f"{handler.__qualname__}: an @idempotent handler takes a `response: HttpResponse` parameter")


def _replay(record: Any, fingerprint: str, response: HttpResponse) -> Status[Any]:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    response[REPLAYED] = "true"
    return Status(record.status, record.body)


def _since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)


def idempotent(
    scope: str, *, caller: Caller = user_caller, fingerprint: Fingerprint = request_fingerprint
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate an API handler that answers `Status(2xx, data)` (or data: 200) and takes `response:
    HttpResponse`. `scope` names the operation; `caller(request)` gives the caller's identity as a string (a key
    is the caller's own; None: the key is ignored); `fingerprint(request, arguments)` (the handler's keyword
    arguments, already parsed by django-ninja) says what makes "the same request"."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        response_name = _response_argument(handler)

        @functools.wraps(handler)
        def wrapper(request: HttpRequest, **kwargs: Any) -> Any:
            key = request.headers.get(HEADER)
            if key is None:
                return handler(request, **kwargs)
            if not KEY.match(key):
                raise ValidationFailed(
                    {HEADER: [_("The Idempotency-Key must be 1 to 255 printable characters without spaces.")]}
                )
            from precinct.core.models import IdempotencyRecord

            caller_id = caller(request)
            if caller_id is None:  # the operations that take a key are for identified callers only
                return handler(request, **kwargs)
            response: HttpResponse = kwargs[response_name]
            digest = fingerprint(request, kwargs)
            mine = IdempotencyRecord.objects.filter(scope=scope, caller_id=caller_id, key=key)
            record = mine.first()
            if record is not None and record.created_at >= _since():
                return _replay(record, digest, response)
            try:
                with transaction.atomic():
                    if record is not None:  # expired: the key may name a new request
                        mine.delete()
                    answer = handler(request, **kwargs)
                    status, data = (answer.status_code, answer.value) if isinstance(answer, Status) else (200, answer)
                    if 200 <= status < 300:
                        record = IdempotencyRecord.objects.create(
                            scope=scope,
                            caller_id=caller_id,
                            key=key,
                            fingerprint=digest,
                            status=status,
                            body=json.loads(json.dumps(data, cls=NinjaJSONEncoder)),
                            created_at=timezone.now(),
                        )
                        # The first caller gets the remembered body too: JSON keeps times to the millisecond,
                        # so the handler's own data could differ from every replay below that.
                        answer = Status(status, record.body)
            except IntegrityError:
                # A concurrent request with this key committed first; this one's write was rolled back with it.
                if (record := mine.first()) is None:
                    raise
                return _replay(record, digest, response)
            return answer

        return wrapper

    return decorate


def idempotency_purge() -> int:
    """Delete records older than IDEMPOTENCY_KEY_TTL_SECONDS; answers how many."""
    from precinct.core.models import IdempotencyRecord

    deleted, _counts = IdempotencyRecord.objects.filter(created_at__lt=_since()).delete()
    return deleted
