# The chain's head in a one-row table (docs/adr/0045-audit-chain-head.md): `precinct_audit_append` reads the
# previous hash from `audit_chainhead` and updates it in the same statement, under the chain's lock it already
# takes, instead of reading the newest row of the audit table (on the partitioned table, one index probe per
# month attached). A missing head row is rebuilt from the table by the next append. The row is filled here from
# the table's newest row, on both backends (SQLite appends in Python and keeps the same row).

import importlib

from django.db import migrations, models

CREATE = r"""
CREATE OR REPLACE FUNCTION precinct_audit_append(
    lock_key bigint, canonical_before text, canonical_after text,
    p_occurred_at timestamptz, p_actor_id bigint, p_actor_label varchar, p_unit_id bigint, p_unit_path varchar,
    p_action varchar, p_target_type varchar, p_target_id varchar, p_target_label varchar,
    p_before jsonb, p_after jsonb, p_request_id varchar,
    OUT new_id bigint, OUT new_prev_hash varchar, OUT new_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head_found boolean;
BEGIN
    -- Each statement of a volatile function sees what committed before it started, but only under READ
    -- COMMITTED: in an older snapshot the previous head could be stale and the chain would fork.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audit rows can only be appended in READ COMMITTED transactions (this one is %)',
            current_setting('transaction_isolation');
    END IF;
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT hash INTO new_prev_hash FROM audit_chainhead WHERE id = 1;
    head_found := FOUND;
    IF NOT head_found THEN  -- rebuilt from the table (a database just flushed, or restored without it)
        SELECT hash INTO new_prev_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1;
    END IF;
    new_prev_hash := coalesce(new_prev_hash, repeat('0', 64));
    new_hash := encode(sha256(convert_to(canonical_before || new_prev_hash || canonical_after, 'UTF8')), 'hex');
    INSERT INTO audit_auditevent (occurred_at, actor_id, actor_label, unit_id, unit_path, action, target_type,
                                  target_id, target_label, before, after, request_id, prev_hash, hash)
    VALUES (p_occurred_at, p_actor_id, p_actor_label, p_unit_id, p_unit_path, p_action, p_target_type,
            p_target_id, p_target_label, p_before, p_after, p_request_id, new_prev_hash, new_hash)
    RETURNING id INTO new_id;
    IF head_found THEN
        UPDATE audit_chainhead SET last_id = new_id, hash = new_hash WHERE id = 1;
    ELSE
        INSERT INTO audit_chainhead (id, last_id, hash) VALUES (1, new_id, new_hash);
    END IF;
END
$$;
"""

FILL = """INSERT INTO audit_chainhead (id, last_id, hash)
          SELECT 1, id, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)
    schema_editor.execute(FILL, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("precinct.audit.migrations.0002_append_function")
        schema_editor.execute(previous.CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_partition_by_month")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("last_id", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "audit chain head", "verbose_name_plural": "audit chain head"},
        ),
        migrations.RunPython(forward, backward),
    ]
