"""Demo catalogue: 37 real police procedures over 13 fields (deadlines and fees are marked as samples)."""

import json
from pathlib import Path
from typing import Any

from precinct.core.demo import DemoAccount
from precinct.eservices.catalogue import catalogue_import

CATALOGUE = Path(__file__).parent / "data" / "catalogue_demo.json"


def seed(*, stdout: Any) -> list[DemoAccount]:
    result = catalogue_import(actor=None, data=json.loads(CATALOGUE.read_text(encoding="utf-8")))
    stdout.write(
        f"Catalogue: {result.fields} fields, {result.new_versions} procedures published, {result.unchanged} unchanged."
    )
    return []
