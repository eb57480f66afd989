import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.tips import crypto
from precinct.tips.models import Tip, UnitKey
from precinct.tips.tasks import tips_expire_task
from precinct.tips.tests.conftest import file_tip


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_keys_create_is_idempotent_and_list_shows_missing_files(world):
    assert "Created 3 key pair(s)" in run("tips_keys", "create")  # the province's duty desk, wards A and B
    assert "Created 0 key pair(s)" in run("tips_keys", "create")
    assert UnitKey.objects.filter(is_active=True).count() == 3
    assert AuditEvent.objects.filter(action="tips.unit_key_rotate").count() == 3
    key = UnitKey.objects.get(unit=world.ward_a)
    (crypto.key_dir() / f"{key.key_id}.key").unlink()
    listing = run("tips_keys", "list")
    assert f"{key.key_id} active  " in listing and "MISSING" in listing
    assert listing.count("present") == 2
    run("tips_keys", "rotate", "--all")
    assert UnitKey.objects.filter(is_active=True).count() == 3 and UnitKey.objects.count() == 6


def test_the_expiry_task_expires_what_is_due(world):
    due = Tip.objects.get(reference=file_tip()["reference"])
    kept = Tip.objects.get(reference=file_tip()["reference"])
    Tip.objects.filter(pk=due.pk).update(retain_until=timezone.localdate() - datetime.timedelta(days=1))
    result = tips_expire_task.call()
    assert result == {"expired": [due.reference]}
    due.refresh_from_db()
    kept.refresh_from_db()
    assert due.is_purged and not kept.is_purged
