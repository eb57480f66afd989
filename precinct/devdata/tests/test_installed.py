"""Development tooling is installed everywhere but in production, unless PRECINCT_DEVDATA asks for it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import django, json; from django.apps import apps; django.setup(); "
    "print(json.dumps(apps.is_installed('precinct.devdata')))"
)
PRODUCTION = {
    "PRECINCT_ENV": "production",
    "SECRET_KEY": "s" * 50,
    "ALLOWED_HOSTS": "precinct.example",
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
}


def installed(**env: str) -> bool:
    clean = {k: v for k, v in os.environ.items() if k not in ("PRECINCT_ENV", "PRECINCT_DEVDATA", "DATABASE_URL")}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        check=True,
    )
    return bool(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, True),  # development: `make run`, the tests and bench/ find generate_dossiers
        (PRODUCTION, False),
        ({**PRODUCTION, "PRECINCT_DEVDATA": "1"}, True),  # a load test on a production-like server
        ({"PRECINCT_DEVDATA": "0"}, False),
    ],
)
def test_devdata_is_installed_outside_production_only(env, expected):
    assert installed(**env) is expected
