"""The site inbox's link for a planning reminder (`planning-<kind>:<task id>:<period>`): the task's page,
labelled with its plan's number and position."""

from collections.abc import Sequence

from django.urls import reverse

from precinct.notifications.links import Link, key_parts
from precinct.planning.models import ReminderKind, Task

KINDS = tuple(f"planning-{kind}" for kind in ReminderKind.values)


def task_links(keys: Sequence[str]) -> dict[str, Link]:
    by_key = {key: int(parts[0]) for key in keys if (parts := key_parts(key)) and parts[0].isdigit()}
    tasks = {task.pk: task for task in Task.objects.filter(pk__in=by_key.values()).select_related("plan")}
    return {
        key: Link(label=str(tasks[ref]), url=reverse("planning:task", args=[ref]))
        for key, ref in by_key.items()
        if ref in tasks
    }
