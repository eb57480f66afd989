"""docs/OPERATIONS.md's backup and restore, done as written: `pg_dump -Fc` of a database with data, `pg_restore`
into an empty database, and `audit_verify` passes on the copy (and catches a row altered in it)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction

from precinct.audit.models import AuditEvent
from precinct.audit.services import audit_record


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql://", "postgres://"), "LOG_LEVEL": "ERROR"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_an_empty_database_passes_audit_verify(world, tmp_path: Path):
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
            pytest.fail("CI on PostgreSQL must run the backup test")
        pytest.skip("pg_dump / pg_restore: runs in the PostgreSQL pass")
    for unit in (world.province, world.department, world.ward_a, world.ward_b):
        with transaction.atomic():
            audit_record(actor=None, action="test.backup", target=unit, after={"unit": unit.code})
    rows = AuditEvent.objects.count()
    assert rows > 3
    dump = tmp_path / "precinct.dump"
    source = connection.settings_dict["NAME"]
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), _url(source)], check=True)  # noqa: S603, S607

    target = f"restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        restore = ["pg_restore", "--no-owner", "--exit-on-error", "-d", _url(target), str(dump)]
        subprocess.run(restore, check=True)  # noqa: S603
        with psycopg.connect(_url(target)) as copy:
            assert copy.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == rows
        verified = _manage(_url(target), "audit_verify")
        assert verified.returncode == 0, verified.stderr
        assert f"{rows} rows verified" in verified.stdout
        # The check is real: a row altered in the restored copy is caught.
        with psycopg.connect(_url(target), autocommit=True) as copy:
            copy.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
            copy.execute(
                "UPDATE audit_auditevent SET action = 'x.altered' WHERE id = (SELECT min(id) FROM audit_auditevent)"
            )
        assert _manage(_url(target), "audit_verify").returncode != 0
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
