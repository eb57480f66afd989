"""Personnel hears of officers saved anywhere (organisation's officer_save, a transfer, the import, the admin) to
recount the summaries of the units they left and joined (summary.py), in the same transaction as the save.
Connected in PersonnelConfig.ready(); organisation knows nothing of it."""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from precinct.organisation.models import Officer
from precinct.personnel import summary


def officer_unit_before(sender: Any, instance: Officer, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    before = None
    if instance.pk is not None:
        before = Officer.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first()
    instance._personnel_unit_before = before  # type: ignore[attr-defined]


def officer_saved(sender: Any, instance: Officer, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    summary.units_refresh([getattr(instance, "_personnel_unit_before", None), instance.unit_id])


def officer_deleted(sender: Any, instance: Officer, **kwargs: Any) -> None:
    summary.units_refresh([instance.unit_id])


def connect() -> None:
    pre_save.connect(officer_unit_before, sender=Officer, dispatch_uid="personnel.officer_unit_before")
    post_save.connect(officer_saved, sender=Officer, dispatch_uid="personnel.officer_saved")
    post_delete.connect(officer_deleted, sender=Officer, dispatch_uid="personnel.officer_deleted")
