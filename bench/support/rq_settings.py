"""Settings for measuring RQ (django-tasks-rq) in bench/tasks_bench.py: the project's, plus django_rq."""

import os

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
RQ_QUEUES = {"default": {"URL": os.environ.get("RQ_URL", "redis://127.0.0.1:6379/14")}}
