"""A real HTTP receiver for the sync tests and the benchmark: http.server in a thread, standing in for the
national portal. It keeps the first copy of each idempotency key (repeats are answered 200 and counted),
and can misbehave on purpose: 5xx answers, answers too slow for the client's timeout (after keeping the
event, as a real server that finishes its work would), and connections dropped before or after keeping it.
"""

import contextlib
import json
import random
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("error", "slow", "drop_before", "drop_after")


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that give up (timeouts) or drop connections are part of these tests, not errors."""


@dataclass
class Received:
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> body, first copy only
    order: list[str] = field(default_factory=list)  # keys in the order they were first kept
    arrivals: int = 0  # requests that reached the handler with a body
    repeats: int = 0  # copies of a key already kept
    faults: dict[str, int] = field(default_factory=dict)
    headers: list[dict[str, str]] = field(default_factory=list)


class Receiver:
    def __init__(
        self, *, fault_rate: float = 0.0, slow_seconds: float = 1.0, seed: int = 7, delay: float = 0.0
    ) -> None:
        self.fault_rate = fault_rate
        self.delay = delay  # seconds every request takes (a portal is not instant)
        self.slow_seconds = slow_seconds
        self.random = random.Random(seed)
        self.forced: deque[str | int] = deque()  # next answers: a fault name or an HTTP status
        self.failing: dict[str, str | int] = {}  # dossier code -> the fault every request about it gets
        self.received = Received()
        self.lock = threading.Lock()
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/dvcqg/dossiers"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def force(self, *answers: str | int) -> None:
        self.forced.extend(answers)

    def _next_fault(self) -> str | int | None:
        with self.lock:
            if self.forced:
                return self.forced.popleft()
            if self.fault_rate and self.random.random() < self.fault_rate:
                return self.random.choice(FAULTS)
        return None

    def _keep(self, key: str, body: dict[str, Any], headers: dict[str, str]) -> bool:
        with self.lock:
            self.received.headers.append(headers)
            if key in self.received.accepted:
                self.received.repeats += 1
                return False
            self.received.accepted[key] = body
            self.received.order.append(key)
            return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm and the client's
                # delayed ACK add ~40 ms to every answer (a real portal's server does not behave so).
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any], extra: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                if receiver.delay:
                    time.sleep(receiver.delay)
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                key = self.headers.get("Idempotency-Key", "")
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                code = body.get("MaHoSo") if isinstance(body, dict) else None
                fault = receiver.failing.get(code or "") or receiver._next_fault()
                with receiver.lock:
                    receiver.received.arrivals += 1
                    if fault is not None:
                        receiver.received.faults[str(fault)] = receiver.received.faults.get(str(fault), 0) + 1
                if fault == "drop_before":
                    self.close_connection = True
                    return
                if isinstance(fault, int):
                    retry = {"Retry-After": "0"} if fault in (429, 503) else {}
                    self._answer(fault, {"error": f"forced {fault}"}, retry)
                    return
                if fault == "error":
                    self._answer(503, {"error": "portal busy"})
                    return
                if not key:
                    self._answer(400, {"error": "Idempotency-Key header missing"})
                    return
                if not isinstance(body, dict) or body.get("event", {}).get("idempotency_key") != key:
                    self._answer(422, {"error": "the body does not carry the header's key"})
                    return
                headers = {k: v for k, v in self.headers.items()}
                new = receiver._keep(key, body, headers)
                if fault == "drop_after":
                    self.close_connection = True
                    return
                if fault == "slow":
                    time.sleep(receiver.slow_seconds)
                with contextlib.suppress(OSError):  # the client may have given up waiting
                    self._answer(200, {"ok": True, "duplicate": not new})

        return Handler
