"""The web servers' own logs: neither runserver nor gunicorn (with its access log on, configured by the
project's gunicorn.conf.py) writes the client's address or user agent for a reporting request."""

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
AGENT = "ReporterPhone/7.1 (TipsLogProbe)"
QUERY = "QueryProbe022090012345"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hit(port: int) -> None:
    for path in ("/report/", "/api/v1/tips/challenge", "/report/follow-up/", f"/api/v1/tips/challenge?q={QUERY}"):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"User-Agent": AGENT})
        # The answer does not matter here (the database is empty), only what the server logs.
        with contextlib.suppress(Exception):
            urllib.request.urlopen(request, timeout=20).read()  # noqa: S310 (a local test server)


def run_server(command: list[str], port: int, tmp_path: Path) -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
        "PRECINCT_TIPS_KEY_DIR": str(tmp_path / "keys"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    log = tmp_path / f"server-{port}.log"
    with open(log, "w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.2)
            hit(port)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=20)
    return log.read_text()


@pytest.mark.parametrize("server", ["runserver", "gunicorn"])
def test_server_logs_carry_no_address_or_user_agent(tmp_path, server):
    port = free_port()
    if server == "runserver":
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    else:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [str(gunicorn), "config.wsgi", "-b", f"127.0.0.1:{port}", "--access-logfile", "-", "-w", "1"]
    output = run_server(command, port, tmp_path)
    requests = [line for line in output.splitlines() if "/report/" in line or "/api/v1/tips/challenge" in line]
    assert requests, output  # the requests were logged...
    assert AGENT not in output and "TipsLogProbe" not in output
    assert all("127.0.0.1" not in line for line in requests), requests  # ...without the client's address
    if server == "gunicorn":  # production's server leaves query strings out too (runserver does not)
        assert QUERY not in output
