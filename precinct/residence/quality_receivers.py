"""The incremental scan's trigger (connected in ResidenceConfig.ready): every save of a person, a household, a
membership or a residence record (and a membership's removal) notes the persons it concerns; after the
transaction commits, workqueue.persons_sync brings their part of the work queue in step, once per transaction
however many writes it made. Past `BULK_LIMIT` persons in one transaction (a large import) the wards concerned
are scanned whole instead. Bulk writes that bypass save() (the generator's COPY) are left to the full scan."""

import logging
import threading
from typing import Any

from django.db import transaction

from precinct.residence.models import Household, HouseholdMember, Person, ResidenceRecord

BULK_LIMIT = 500
log = logging.getLogger(__name__)
_pending = threading.local()


def _note(person_ids: set[int] | None = None, household_id: int | None = None) -> None:
    """Note the persons; every write queues a run after commit, and the first run takes them all (the rest find
    nothing left). Persons noted in a transaction that rolled back are checked with the next: harmless, as the
    check is idempotent."""
    state = getattr(_pending, "state", None)
    if state is None:
        state = _pending.state = {"persons": set(), "households": set()}
    state["persons"].update(person_ids or ())
    if household_id is not None:
        state["households"].add(household_id)
    transaction.on_commit(_run, robust=True)  # at once when no transaction is open


def _run() -> None:
    state = getattr(_pending, "state", None)
    _pending.state = None
    if not state:
        return
    from precinct.residence import workqueue

    persons = set(state["persons"])
    if state["households"]:
        persons.update(
            HouseholdMember.objects.filter(household_id__in=state["households"]).values_list("person_id", flat=True)
        )
    if len(persons) > BULK_LIMIT:
        from precinct.organisation.models import Unit

        paths = set(Person.objects.filter(pk__in=persons).values_list("unit_id", flat=True))
        for unit in Unit.objects.filter(pk__in=paths):
            workqueue.ward_sync(actor=None, unit=unit)
        return
    workqueue.persons_sync(person_ids=sorted(persons))


def on_person_saved(sender: Any, instance: Person, **kwargs: Any) -> None:
    _note({instance.pk})


def on_household_saved(sender: Any, instance: Household, **kwargs: Any) -> None:
    _note({instance.head_id} if instance.head_id else None, household_id=instance.pk)


def on_member_changed(sender: Any, instance: HouseholdMember, **kwargs: Any) -> None:
    _note({instance.person_id}, household_id=instance.household_id)


def on_record_saved(sender: Any, instance: ResidenceRecord, **kwargs: Any) -> None:
    _note({instance.person_id})


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(on_person_saved, sender=Person, dispatch_uid="residence.quality.person")
    post_save.connect(on_household_saved, sender=Household, dispatch_uid="residence.quality.household")
    post_save.connect(on_member_changed, sender=HouseholdMember, dispatch_uid="residence.quality.member")
    post_delete.connect(on_member_changed, sender=HouseholdMember, dispatch_uid="residence.quality.member_gone")
    post_save.connect(on_record_saved, sender=ResidenceRecord, dispatch_uid="residence.quality.record")
