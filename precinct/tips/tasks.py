"""Background work for crime reports."""

from typing import Any

from django.tasks import task

from precinct.tips.services.retention import tips_expire_due


@task
def tips_expire_task() -> dict[str, Any]:
    """Expire every report past its retention (the same as `manage.py tips_expire`)."""
    done = tips_expire_due()
    return {"expired": done}
