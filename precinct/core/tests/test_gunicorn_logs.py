"""gunicorn's logs under the project's gunicorn.conf.py (config/gunicorn_logging.py): the error log carries no
client address; an operator's access-log format with the address keeps it for ordinary pages but never for the
reporting portal; a payment URL's vnp_IpAddr never reaches the access log."""

import contextlib
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from config.gunicorn_logging import redact, without_ip_parameter

ROOT = Path(__file__).resolve().parents[3]
PAYER = "203.0.113.77"


def test_redact_replaces_addresses_and_ports_and_leaves_times_alone():
    line = "Invalid request from ip=127.0.0.1: bad ('10.0.0.2', 5123) [::1]:8000 2001:db8::7 at 20:32:17 v3.13"
    assert (
        redact(line)
        == "Invalid request from ip=[address]: bad ('[address]', 5123) [address] [address] at 20:32:17 v3.13"
    )
    assert without_ip_parameter("/p/?a=1&vnp_IpAddr=1.2.3.4&b=2") == "/p/?a=1&b=2"
    assert without_ip_parameter("/p/?vnp_IpAddr=1.2.3.4&b=2 HTTP/1.1") == "/p/?b=2 HTTP/1.1"
    assert without_ip_parameter("a=1&vnp_IpAddr=1.2.3.4") == "a=1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_logs_no_address_where_none_may_be(tmp_path):
    port = free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
        "PRECINCT_TIPS_KEY_DIR": str(tmp_path / "keys"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "1",
        "--access-logfile",
        str(access),
        "--error-logfile",
        str(errors),
        # An operator who wants addresses in the access log (their choice, outside the reporting portal).
        "--access-logformat",
        'ADDR=%(h)s XFF=%({x-forwarded-for}i)s UA=%(a)s "%(r)s" Q=%(q)s',
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        headers = {"User-Agent": "ProbeAgent/1", "X-Forwarded-For": PAYER}
        for path in (
            "/report/",
            "/api/v1/tips/challenge",
            "/stats/public/",
            f"/payments/sandbox/?vnp_IpAddr={PAYER}&x=1",
        ):
            with contextlib.suppress(Exception):
                urllib.request.urlopen(
                    urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers), timeout=20
                ).read()
        with socket.create_connection(
            ("127.0.0.1", port), timeout=5
        ) as raw:  # gunicorn logs "Invalid request from ip=…"
            raw.sendall(b"BROKEN\x00REQUEST \r\n\r\n")
            with contextlib.suppress(OSError):
                raw.recv(1000)
        time.sleep(1)
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown (SIGTERM waits for workers, slow on a busy machine)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    lines = access.read_text().splitlines()
    reporting = [line for line in lines if "/report/" in line or "/api/v1/tips" in line]
    other = [line for line in lines if "/stats/public/" in line]
    assert len(reporting) == 2 and other, lines
    for line in reporting:
        assert "ADDR=- XFF=- UA=-" in line and "127.0.0.1" not in line and PAYER not in line
    assert "ADDR=127.0.0.1" in other[0] and "ProbeAgent" in other[0]  # the operator's format, elsewhere
    sandbox = [line for line in lines if "/payments/sandbox/" in line]
    assert sandbox and "vnp_IpAddr" not in sandbox[0] and "x=1" in sandbox[0]
    error_log = errors.read_text()
    assert "Invalid request from ip=[address]" in error_log, error_log
    assert "127.0.0.1:" not in error_log.replace(f"127.0.0.1:{port}", "") and "ip=127.0.0.1" not in error_log
