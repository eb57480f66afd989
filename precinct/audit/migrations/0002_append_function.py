# The audit chain's append in one round trip on PostgreSQL (docs/adr/0002): take the chain's lock, read
# the previous hash, finish the row's hash and insert it, so the lock is held for one statement and the
# commit instead of three round trips and the commit. SQLite appends in Python (one writer at a time).

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION precinct_audit_append(
    lock_key bigint, canonical_before text, canonical_after text,
    p_occurred_at timestamptz, p_actor_id bigint, p_actor_label varchar, p_unit_id bigint, p_unit_path varchar,
    p_action varchar, p_target_type varchar, p_target_id varchar, p_target_label varchar,
    p_before jsonb, p_after jsonb, p_request_id varchar,
    OUT new_id bigint, OUT new_prev_hash varchar, OUT new_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- Each statement of a volatile function sees what committed before it started, but only under READ
    -- COMMITTED: in an older snapshot the previous row could be missing and the chain would fork.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audit rows can only be appended in READ COMMITTED transactions (this one is %)',
            current_setting('transaction_isolation');
    END IF;
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT hash INTO new_prev_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1;
    new_prev_hash := coalesce(new_prev_hash, repeat('0', 64));
    new_hash := encode(sha256(convert_to(canonical_before || new_prev_hash || canonical_after, 'UTF8')), 'hex');
    INSERT INTO audit_auditevent (occurred_at, actor_id, actor_label, unit_id, unit_path, action, target_type,
                                  target_id, target_label, before, after, request_id, prev_hash, hash)
    VALUES (p_occurred_at, p_actor_id, p_actor_label, p_unit_id, p_unit_path, p_action, p_target_type,
            p_target_id, p_target_label, p_before, p_after, p_request_id, new_prev_hash, new_hash)
    RETURNING id INTO new_id;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS precinct_audit_append"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
