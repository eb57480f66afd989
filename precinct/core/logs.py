"""Log lines with the request id, as plain text or one JSON object per line (LOG_FORMAT=json, for a log
collector). The id is the one RequestIdMiddleware gives the request (and audit rows carry): every line a
request causes can be found from a response's X-Request-ID."""

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from precinct.core.error_reports import safe_traceback
from precinct.core.request_context import current_request_id


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: workers, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(_JsonFormatter):
    """`{"time", "level", "logger", "message", "request_id", ...}`; tracebacks as `safe_traceback` prints them
    (no frame locals, no exception message: see core.error_reports)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)

    def formatException(self, ei: Any) -> str:
        exc_type, exc_value, tb = ei
        return safe_traceback(exc_type, exc_value, tb).rstrip("\n")
