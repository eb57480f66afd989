"""The daily trim of NotificationKey (ADR 0047) on PostgreSQL: N keys written over 20 months in time order (as
notify() writes them), then `notification_keys_trim` with the default 400 days: keys deleted per second, the CPU
of this process and of its PostgreSQL backend per thousand keys, and the BRIN index's size beside the table's.

Database BENCH_KEYS_DB (default precinct_bench_keys; dropped and created, migrated). Usage:
  .venv/bin/python bench/notification_keys_trim.py [--keys 2000000]
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from support.measure import floor, process_cpu  # bench/ is this script's folder, first on sys.path

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_KEYS_DB", "precinct_bench_keys")

FILL = """
INSERT INTO notifications_notificationkey (key, recipient_id, channel, created_at)
SELECT 'dossier_event:' || n, %s, 'email', %s::timestamptz + (n * %s) * interval '1 second'
  FROM generate_series(1, %s) AS n
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=2_000_000)
    args = parser.parse_args()
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ.update({"DATABASE_URL": f"{PG}/{DB}", "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from precinct.accounts.models import User
    from precinct.notifications.retention import notification_keys_trim

    call_command("migrate", verbosity=0)
    user = User.objects.create(username="bench.keys", kind="citizen")
    now = timezone.now()
    span = 600 * 86400  # 20 months
    start = now - datetime.timedelta(seconds=span)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL, [user.pk, start, span / args.keys, args.keys])
        cursor.execute("VACUUM ANALYZE notifications_notificationkey")
        cursor.execute(
            "SELECT pg_relation_size('notifications_notificationkey'),"
            " pg_relation_size('notifications_notificationkey_pkey'),"
            " pg_relation_size('notifications_notificationkey_created_brin')"
        )
        heap, pkey, brin = cursor.fetchone()
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()}, floor {floor() * 1000:.0f} ms"
    )
    print(
        f"filled {args.keys:,} keys in {time.perf_counter() - started:.0f} s: heap {heap / 2**20:.0f} MiB, "
        f"primary key {pkey / 2**20:.0f} MiB, BRIN on created_at {brin / 1024:.0f} KiB"
    )

    cpu, pg, wall = time.process_time(), process_cpu(pid), time.perf_counter()
    deleted = notification_keys_trim(now=now)
    wall, cpu, pg = time.perf_counter() - wall, time.process_time() - cpu, process_cpu(pid) - pg
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM notifications_notificationkey")
        left = cursor.fetchone()[0]
    print(
        f"trimmed {deleted:,} keys (older than 400 days) in {wall:.1f} s = {deleted / wall:,.0f} keys/s; "
        f"CPU per 1,000 keys: {cpu / deleted * 1e6:.1f} ms here, {pg / deleted * 1e6:.1f} ms in PostgreSQL; {left:,} left"
    )


if __name__ == "__main__":
    main()
