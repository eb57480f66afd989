"""One request at a time on an in-memory SQLite database.

Such a database lives in one connection, which every thread of a live test server shares (Django's
LiveServerThread passes it to them): two requests at once would interleave their transactions on it (a session
read inside another request's savepoint, "cannot start a transaction within a transaction"). Files and
PostgreSQL give each thread its own connection and are not touched: `serial()` is a no-op there. A streaming
body (the duty console's server-sent events) is read after the lock is released; its short queries take the
lock themselves through `serial()`."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.http import HttpRequest, HttpResponse

_lock = threading.RLock()


def _shared_in_memory() -> bool:
    if connection.vendor != "sqlite":
        return False
    from django.db.backends.sqlite3.creation import DatabaseCreation

    return DatabaseCreation.is_in_memory_db(connection.settings_dict["NAME"])


@contextmanager
def serial() -> Iterator[None]:
    if not _shared_in_memory():
        yield
        return
    with _lock:
        yield


class SerialInMemoryDatabaseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serial():
            return self.get_response(request)
