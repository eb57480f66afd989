"""schemathesis against the real server: no 5xx, and every answer as the published OpenAPI document says.

A gunicorn started here serves a fresh database (its own PostgreSQL database when the suite runs on
PostgreSQL, else an SQLite file) with the demo loaded; schemathesis then generates requests for every
operation as three callers — anonymous, a citizen and a ward officer (bearer tokens) — with a fixed seed
and a fixed number of examples per operation, and fails on any server error or any answer whose status,
content type or body the document does not declare (docs/adr/0023-input-hardening.md).

It runs when CI=true (`.ci/run`) or PRECINCT_FUZZ=1, on PostgreSQL by default (NUL bytes bite there);
PRECINCT_FUZZ=1 also runs it on SQLite. With CI=true a service that does not answer is a failure.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SEED = 20261202
EXAMPLES = int(os.environ.get("PRECINCT_FUZZ_EXAMPLES", "10"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# A guard against a hung run, not a measure: each run is bounded by its examples, not by time.
RUN_TIMEOUT = 900

CI = os.environ.get("CI") == "true"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
WANTED = os.environ.get("PRECINCT_FUZZ") == "1" or (CI and ON_POSTGRES)

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif(not WANTED, reason="schemathesis runs in CI on PostgreSQL (CI=true) or with PRECINCT_FUZZ=1"),
]

TOKENS_SCRIPT = """
from precinct.accounts.models import User
from precinct.accounts.services import api_token_issue
print("TOKEN", api_token_issue(user=User.objects.get(username="022090012345")))
print("TOKEN", api_token_issue(user=User.objects.get(username="canbo.haan")))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_database() -> Iterator[str]:
    import psycopg

    base = DATABASE_URL.replace("postgres://", "postgresql://", 1)
    name = f"precinct_fuzz_{uuid.uuid4().hex[:8]}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if CI:
            pytest.fail(f"PostgreSQL does not answer at {admin_url}: {exc}")
        pytest.skip(f"PostgreSQL does not answer: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if shutil.which("gunicorn", path=str(BIN)) is None:
        pytest.fail("gunicorn is not installed in the virtual environment")
    home = tmp_path_factory.mktemp("fuzz")
    databases = _postgres_database() if ON_POSTGRES else iter([f"sqlite:///{home / 'fuzz.sqlite3'}"])
    database_url = next(databases)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",  # answers as in production: no debug pages
        "PRECINCT_DEVDATA": "0",  # the demo without its 3,000 synthetic dossiers
        "MEDIA_ROOT": str(home / "media"),
        "PRECINCT_SIGNING_DIR": str(home / "signing"),
        "PRECINCT_TIPS_KEY_DIR": str(home / "keys"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONHASHSEED": "0",
    }
    env.pop("REDIS_URL", None)  # the database cache: one server's counters in its own database
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    log = (home / "setup.log").open("w")
    # Our own commands, with arguments written here (S603: no untrusted input).
    subprocess.run([*manage, "migrate", "--noinput"], cwd=BASE_DIR, env=env, check=True, stdout=log, stderr=log)  # noqa: S603
    subprocess.run([*manage, "seed_demo"], cwd=BASE_DIR, env=env, check=True, stdout=log, stderr=log)  # noqa: S603
    shell = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", TOKENS_SCRIPT], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    )
    citizen, officer = [line.split()[1] for line in shell.stdout.splitlines() if line.startswith("TOKEN ")]
    port = _free_port()
    server_log = (home / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310 (our own server)
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not start: " + (home / "gunicorn.log").read_text()[-2000:])
        yield {"url": url, "citizen": citizen, "officer": officer, "home": str(home)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # workers still finishing a request on a loaded machine
            process.kill()
            process.wait()
        server_log.close()
        log.close()
        for _ in databases:  # drops the PostgreSQL database
            pass


# The fuzzing phase (positive and negative examples, EXAMPLES per operation: about 2,500 requests for the three
# callers) in CI. PRECINCT_FUZZ_COVERAGE=1 adds the coverage phase for the officer, who reaches the most
# operations (boundary and negative values for every parameter: ~3,000 more requests, several minutes).
PHASES = {
    "anonymous": "fuzzing",
    "citizen": "fuzzing",
    "officer": "coverage,fuzzing" if os.environ.get("PRECINCT_FUZZ_COVERAGE") == "1" else "fuzzing",
}


def _run(server: dict[str, str], caller: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{server['url']}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--phases",
        PHASES[caller],
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-deterministic",  # no example database either: every run draws the same cases
        "--no-shrink",
        "--workers",
        "2",
        "--request-timeout",
        "60",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--output-truncate",
        "false",
        "--report",
        "junit",
        "--report-junit-path",
        str(Path(server["home"]) / f"schemathesis-{caller}.xml"),
    ]
    if caller != "anonymous":
        command += ["--header", f"Authorization: Bearer {server[caller]}"]
    return subprocess.run(command, cwd=server["home"], capture_output=True, text=True, timeout=RUN_TIMEOUT)  # noqa: S603


def test_api_conforms_and_never_answers_5xx(server: dict[str, str]) -> None:
    # One test, the three callers in turn: under pytest-xdist one worker fuzzes while the other runs the suite,
    # and the server is started once.
    failures = []
    for caller in PHASES:
        started = time.monotonic()
        result = _run(server, caller)
        summary = [line for line in result.stdout.splitlines() if "generated" in line or " in " in line[-12:]]
        print(f"schemathesis as {caller}: {time.monotonic() - started:.0f} s; " + " / ".join(summary[-2:]))
        if result.returncode != 0:
            failures.append(f"=== as {caller}\n" + result.stdout[-20000:] + result.stderr[-2000:])
    assert failures == [], "\n".join(failures)
