"""The Celery application behind the distributed task backend (ADR 0029): `celery -A config worker`.

Django's `@task` functions are registered with it by django-tasks-celery as their modules are imported;
`autodiscover_tasks()` imports every installed app's `tasks.py` in the worker, so the worker knows them all.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("precinct")


def _celery_settings() -> dict[str, object]:
    """The CELERY_* settings under Celery's own lower-case names. Celery reads its configuration several times
    per message sent (`send_task`: seven look-ups); with `config_from_object(..., namespace="CELERY")` each
    look-up tries the prefixed and the plain name on every source, an AttributeError per miss, which was about
    a third of an enqueue's CPU (bench/tasks_bench.py, docs/PERFORMANCE.md). Plain keys hit the first dict."""
    from django.conf import settings

    return {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith("CELERY_")
    }


app.conf.update(_celery_settings())
app.autodiscover_tasks()
