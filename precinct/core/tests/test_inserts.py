import pytest
from django.utils import timezone

from precinct.core.inserts import PreparedInsert
from precinct.notifications.models import Notification, PendingCompose

pytestmark = pytest.mark.django_db


def test_a_prepared_insert_writes_what_save_would_and_returns_the_id(world):
    citizen = world.users["citizen"]
    row = Notification(
        recipient=citizen,
        channel="email",
        address="dan@example.vn",
        key="k-1",
        language="vi",
        subject="Hồ sơ đã được tiếp nhận",
        body="Trạng thái: Đã nộp",
        attachment={"kind": "dossier_receipt", "id": 7, "nested": [1, None, "ư"]},
    )
    PreparedInsert(Notification, returning="id").save(row)
    assert row.pk is not None and not row._state.adding
    stored = Notification.objects.get(pk=row.pk)
    assert row.created_at is not None  # auto_now_add, as save() sets it
    for field in Notification._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(row, field.attname), field.name
    assert stored.status == "queued" and stored.attempts == 0  # the model's defaults


def test_named_fields_and_no_returning():
    insert = PreparedInsert(PendingCompose, ("composer", "ref", "created_at"))
    assert insert.run({"composer": "x", "ref": 5, "created_at": timezone.now()}) is None
    assert list(PendingCompose.objects.values_list("composer", "ref")) == [("x", 5)]
