"""The read replica against a real streaming pair (ADR 0031): a primary initdb'd on a free port and its hot
standby from `pg_basebackup -R`, both in a temporary directory, stopped and removed at the end.

The module points Django's `default` alias at the throwaway primary and `replica` at its standby for its
duration (the session's test database is copied in with pg_dump, or migrated when the suite runs on SQLite),
so the pages under test run their real queries against the two servers.
"""

import os
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from precinct.core import replica
from precinct.core.memo import forget_all
from precinct.core.pgcluster import StreamingPair, find_bin
from precinct.core.replica import REPLICA, reads_from_replica

ROUTERS = ["precinct.core.replica.ReplicaRouter"]


def _pair_or_skip() -> StreamingPair:
    if find_bin() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the replica tests: initdb, pg_ctl and pg_basebackup are missing (PG_BIN)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found; set PG_BIN")
    return StreamingPair.start()


def _alias(url: str) -> dict:
    import dj_database_url

    return dj_database_url.parse(url, conn_max_age=60) | {"TEST": {}}


def _fill(pair: StreamingPair, source: dict) -> None:
    """The schema and the migrations' rows on the new primary: a copy of the session's test database when there
    is one on PostgreSQL (seconds), else `migrate` (about a minute)."""
    if source["ENGINE"] == "django.db.backends.postgresql":
        dump = subprocess.run(  # noqa: S603
            [str(pair.bin / "pg_dump"), "--no-owner", "--no-privileges", "-h", source["HOST"] or "127.0.0.1",
             "-p", str(source["PORT"] or 5432), "-U", source["USER"] or "postgres", source["NAME"]],
            capture_output=True, check=False,
        )  # fmt: skip
        if dump.returncode == 0:
            subprocess.run(  # noqa: S603
                [str(pair.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", pair.primary.url()],
                input=dump.stdout, capture_output=True, check=True,
            )  # fmt: skip
            return
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


@pytest.mark.django_db
def test_without_a_replica_the_stretch_reads_the_one_database():
    """No DATABASE_REPLICA_URL (the embedded default): the marker costs nothing and changes nothing.
    (Being first and on the test database, it also has the session's test database created for the copy below.)"""
    from precinct.eservices.models import ServiceField

    assert not replica.configured()
    with reads_from_replica() as reads:
        assert not reads.use and not reads.fell_back
        ServiceField.objects.create(code="ONE", name="x")
        assert ServiceField.objects.filter(code="ONE").count() == 1


@pytest.fixture(scope="module")
def pair(django_db_setup, django_db_blocker) -> Iterator[StreamingPair]:
    started = _pair_or_skip()
    saved_settings = dict(connections.settings)
    saved = {alias: connections[alias] for alias in saved_settings}
    try:
        with django_db_blocker.unblock(), override_settings(DATABASE_ROUTERS=ROUTERS):
            source = dict(connections["default"].settings_dict)
            for alias, url in (("default", started.primary.url()), (REPLICA, started.replica.url())):
                connections.settings[alias] = connections.configure_settings({"default": _alias(url)})["default"]
                connections[alias] = connections.create_connection(alias)
            _fill(started, source)
            forget_all()
            replica.forget()
            yield started
    finally:
        for alias in list(connections.settings):
            if alias not in saved_settings:
                connections[alias].close()
                del connections.settings[alias]
                del connections[alias]
        for alias, conn in saved.items():
            current = connections[alias]
            if current is not conn:
                current.close()
            connections.settings[alias] = saved_settings[alias]
            connections[alias] = conn
        forget_all()
        replica.forget()
        started.stop()
    assert not started.root.exists()


@pytest.fixture(scope="module")
def world(pair: StreamingPair, django_db_blocker):
    from precinct.testing import build_world

    with django_db_blocker.unblock():
        built = build_world()
    pair.wait_replayed()
    return built


@pytest.fixture
def leader(world, django_db_blocker) -> Iterator[Client]:
    from precinct.testing import sign_in

    client = Client()
    with django_db_blocker.unblock():
        sign_in(client, world.users["leader_p"])
        yield client


@pytest.fixture(autouse=True)
def _fresh_check() -> Iterator[None]:
    replica.forget()
    yield
    replica.forget()


def _get(client: Client, url: str) -> tuple[int, str, list[str], list[str]]:
    """Status, text, and the SQL each server ran for the request (execute wrappers: unlike
    CaptureQueriesContext they do not connect, so they work with the replica down)."""
    ran: dict[str, list[str]] = {"default": [], REPLICA: []}

    def recorder(alias: str):
        def record(execute, sql, params, many, context):
            ran[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with (
        connections["default"].execute_wrapper(recorder("default")),
        connections[REPLICA].execute_wrapper(recorder(REPLICA)),
    ):
        response = client.get(url)
    return response.status_code, response.content.decode(), ran["default"], ran[REPLICA]


def _replica_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(_url(REPLICA), autocommit=True) as conn:
        conn.execute(sql)


def _url(alias: str) -> str:
    s = connections[alias].settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_a_write_on_the_primary_is_read_back_on_the_replica_after_replay(pair, world, django_db_blocker):
    from precinct.eservices.models import ServiceField

    with django_db_blocker.unblock():
        ServiceField.objects.create(code="REPLAYED", name="Lĩnh vực sao chép")
        assert ServiceField.objects.using(REPLICA).filter(code="REPLAYED").count() in (0, 1)
        pair.wait_replayed()
        assert ServiceField.objects.using(REPLICA).get(code="REPLAYED").name == "Lĩnh vực sao chép"
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (True,)  # a standby, not a second primary


def test_a_pinned_server_and_the_backends_it_starts_later_run_on_its_cpus(pair):
    """bench/replica_bench.py --pin stands the replica on a core of its own: every process of that server,
    including a backend started after the pinning, runs there, and unpinning gives it every core back."""
    import psycopg

    everywhere = os.sched_getaffinity(0)
    own = {max(everywhere)}
    pair.replica.pin(own)
    try:
        assert {frozenset(os.sched_getaffinity(pid)) for pid in pair.replica.pids()} == {frozenset(own)}
        with psycopg.connect(pair.replica.url(), autocommit=True) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
            assert os.sched_getaffinity(backend) == own
        assert os.sched_getaffinity(pair.primary.pids()[0]) == everywhere  # the other server is left alone
    finally:
        pair.replica.pin(everywhere)
    assert {frozenset(os.sched_getaffinity(pid)) for pid in pair.replica.pids()} == {frozenset(everywhere)}


def test_the_dashboard_reads_from_the_replica(pair, world, leader, django_db_blocker):
    """Replay paused: a field added on the primary is not in the dashboard's list until the replica replays it."""
    from precinct.eservices.models import ServiceField

    with django_db_blocker.unblock(), override_settings(DATABASE_REPLICA_MAX_LAG=3600):
        _replica_sql("SELECT pg_wal_replay_pause()")
        try:
            ServiceField.objects.create(code="LATE", name="Lĩnh vực chưa sao chép")
            status, text, primary, copy = _get(leader, "/stats/")
            assert status == 200
            assert "Lĩnh vực chưa sao chép" not in text  # read from the replica, which has not replayed it
            assert any("stats_" in sql for sql in copy)
            assert not any("stats_" in sql or "eservices_servicefield" in sql for sql in primary)
            assert "replica-notice" not in text
        finally:
            _replica_sql("SELECT pg_wal_replay_resume()")
        pair.wait_replayed()
        status, text, _, copy = _get(leader, "/stats/")
        assert status == 200 and "Lĩnh vực chưa sao chép" in text and copy


def test_reads_inside_a_write_stay_on_the_primary(pair, world, django_db_blocker):
    from precinct.eservices.models import ServiceField

    with django_db_blocker.unblock():
        with reads_from_replica() as reads, CaptureQueriesContext(connections[REPLICA]) as copy:
            assert reads.use
            assert ServiceField.objects.count() >= 0  # the replica
            with transaction.atomic():
                ServiceField.objects.filter(code="NONE").count()  # inside a transaction: the primary
            assert len(copy) == 1
            ServiceField.objects.create(code="WRITTEN", name="x")
            ServiceField.objects.get(code="WRITTEN")  # after a write: its own write, on the primary
            assert len(copy) == 1 and reads.wrote
        with CaptureQueriesContext(connections[REPLICA]) as copy:
            ServiceField.objects.count()  # outside any stretch: the primary
            assert len(copy) == 0


def test_a_lagging_replica_is_not_read_and_the_footer_says_so(pair, world, leader, django_db_blocker):
    from precinct.eservices.models import ServiceField

    with django_db_blocker.unblock(), override_settings(DATABASE_REPLICA_MAX_LAG=1):
        _replica_sql("SELECT pg_wal_replay_pause()")
        try:
            ServiceField.objects.create(code="LAGGED", name="Lĩnh vực mới")
            time.sleep(1.5)
            status, text, primary, copy = _get(leader, "/stats/")
            assert status == 200 and "Lĩnh vực mới" in text  # the primary's rows
            assert not any("stats_" in sql for sql in copy) and any("stats_" in sql for sql in primary)
            assert "Số liệu từ máy chủ chính: máy chủ bản sao đang chậm" in text
        finally:
            _replica_sql("SELECT pg_wal_replay_resume()")
        pair.wait_replayed()
        replica.forget()
        status, text, _, copy = _get(leader, "/stats/")
        assert "replica-notice" not in text and copy


def test_with_the_replica_stopped_dashboards_answer_from_the_primary(pair, world, leader, django_db_blocker):
    with django_db_blocker.unblock():
        assert replica.check().usable  # cached as up: the first request finds it down in the middle
        pair.replica.stop("fast")
        try:
            status, text, primary, _ = _get(leader, "/stats/")
            assert status == 200 and any("stats_" in sql for sql in primary)
            assert "Số liệu từ máy chủ chính: không kết nối được máy chủ bản sao." in text
            leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            status, text, _, _ = _get(leader, "/stats/")
            assert status == 200 and "Figures read from the primary server: the replica cannot be reached." in text
            status, text, _, _ = _get(Client(), "/stats/public/")
            assert status == 200 and "replica-notice" not in text  # said to officers, not to the public
            api = leader.get("/api/v1/stats/dossiers")
            assert api.status_code == 200 and "totals" in api.json()
        finally:
            pair.replica.start()
        pair.wait_replayed()
        replica.forget()
        status, text, _, copy = _get(leader, "/stats/")
        assert status == 200 and copy and "replica-notice" not in text


def _replica_figures(text: str) -> dict[str, float]:
    figures = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in ("precinct_database_replica_lag_seconds", "precinct_database_replica_up"):
            figures[name] = float(value)
    return figures


def test_metrics_give_the_replicas_lag_and_minus_one_when_it_is_down(pair, world, django_db_blocker):
    """/metrics measures the real standby at each scrape: 0 caught up, the replay's age while it is behind,
    -1 (and up 0) while it cannot be reached."""
    from precinct.eservices.models import ServiceField

    scrape = Client()
    with django_db_blocker.unblock():
        # Caught up reads 0. The primary may write a little more WAL between the wait and the scrape (the
        # standby then reads a moment behind, rightly): scrape again until it has replayed that too.
        deadline = time.monotonic() + 15
        while True:
            pair.wait_replayed()
            figures = _replica_figures(scrape.get("/metrics").content.decode())
            if figures["precinct_database_replica_lag_seconds"] == 0.0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        # Caught up reads 0 once the standby's WAL receiver is streaming again. While it reconnects (after an
        # earlier test stopped the standby) the figure is the age of the last replayed commit: a known limit of
        # the measure (docs/adr/0040), so only "reachable, not far behind" is asserted then.
        assert figures["precinct_database_replica_up"] == 1.0
        assert 0.0 <= figures["precinct_database_replica_lag_seconds"] < 120
        _replica_sql("SELECT pg_wal_replay_pause()")
        try:
            ServiceField.objects.create(code="LAGMETRIC", name="x")  # received by the standby, not replayed
            figures = _replica_figures(scrape.get("/metrics").content.decode())
            assert figures["precinct_database_replica_lag_seconds"] > 0
            assert figures["precinct_database_replica_up"] == 1.0
        finally:
            _replica_sql("SELECT pg_wal_replay_resume()")
        pair.wait_replayed()
        pair.replica.stop("fast")
        try:
            figures = _replica_figures(scrape.get("/metrics").content.decode())
            assert figures == {"precinct_database_replica_lag_seconds": -1.0, "precinct_database_replica_up": 0.0}
        finally:
            pair.replica.start()
        pair.wait_replayed()
        replica.forget()
        figures = _replica_figures(scrape.get("/metrics").content.decode())
        assert figures["precinct_database_replica_up"] == 1.0
