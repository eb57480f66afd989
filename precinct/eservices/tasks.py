"""Background work for the one-stop shop."""

from dataclasses import asdict
from typing import Any

from django.tasks import task

from precinct.eservices.escalation import escalation_sweep


@task
def escalation_sweep_task() -> dict[str, Any]:
    return asdict(escalation_sweep())
