"""gunicorn's logger (`logger_class` in gunicorn.conf.py): no client address in the error log, none at all for
the crime-reporting portal, and no payer's address from the payment sandbox's URL (issue 13 item 6).

- Error log: every record of `gunicorn.error` (e.g. "Invalid request from ip=…", connection errors, tracebacks)
  has each IPv4/IPv6 address, with or without a port, replaced by `[address]`.
- Access log: written in whatever format the operator sets (`access_log_format`; ours has no address), except
  that for `/report/` and `/api/v1/tips…` every atom that could identify the device — `%(h)s`, `%(a)s`, `%(f)s`,
  and every `%({header}i)s` and `%({variable}e)s` — is `-`; and a `vnp_IpAddr` parameter (the payer's address in
  a VNPay-protocol URL such as the sandbox page's) is cut from `%(r)s` and `%(q)s`.
"""

import ipaddress
import logging
import re
import traceback
from typing import Any

from gunicorn import glogging

REPORTING = ("/report", "/api/v1/tips")
_CANDIDATE = re.compile(r"[0-9A-Fa-f:.\[\]%]{3,}")


def _is_address(token: str) -> bool:
    for candidate in (token, token.rsplit(":", 1)[0]):  # "1.2.3.4:5678", "[::1]:80"
        try:
            ipaddress.ip_address(candidate.strip("[]."))
        except ValueError:
            continue
        return True
    return False


def redact(text: str) -> str:
    """`text` with every IP address (and its port) replaced by `[address]`."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        core = token.rstrip(":.")  # "ip=1.2.3.4: …" keeps its colon
        return "[address]" + token[len(core) :] if _is_address(core) else token

    return _CANDIDATE.sub(replace, text)


def without_ip_parameter(text: str) -> str:
    text = re.sub(r"(?i)&vnp_IpAddr=[^&\s]*", "", text)
    text = re.sub(r"(?i)\?vnp_IpAddr=[^&\s]*&?", "?", text)
    return re.sub(r"(?i)^vnp_IpAddr=[^&\s]*&?", "", text)


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return True


class Logger(glogging.Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if not any(isinstance(f, RedactAddresses) for f in self.error_log.filters):
            self.error_log.addFilter(RedactAddresses())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name in ("r", "q"):
            if isinstance(atoms.get(name), str):
                atoms[name] = without_ip_parameter(atoms[name])
        if str(environ.get("PATH_INFO", "")).startswith(REPORTING):
            for name in list(atoms):
                if name in ("h", "a", "f") or name.endswith(("}i", "}e")):
                    atoms[name] = "-"
        return atoms
