"""The Celery application behind the distributed task backend (ADR 0029): `celery -A config worker`.

Django's `@task` functions are registered with it by django-tasks-celery as their modules are imported;
`autodiscover_tasks()` imports every installed app's `tasks.py` in the worker, so the worker knows them all.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("precinct")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
