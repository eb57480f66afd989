"""Demo signing: a demo certificate authority and a key for every active unit (idempotent: existing
files in PRECINCT_SIGNING_DIR are reused, a new key is made only for a unit that has none)."""

from typing import Any

from precinct.core.demo import DemoAccount
from precinct.organisation.models import Unit
from precinct.results import keys, services
from precinct.results.models import SigningKey

DEMO_KEY_FILE = "demo"


def seed(*, stdout: Any) -> list[DemoAccount]:
    authority = keys.ca_load()
    if authority is None:
        root = Unit.objects.filter(parent__isnull=True).order_by("code").first()
        organisation = root.name if root else "Precinct"
        authority = keys.ca_create(name=f"DEMO CA — {organisation}", organisation=organisation)
    have = set(SigningKey.objects.filter(is_active=True).values_list("unit_id", flat=True))
    created = reused = 0
    for unit in Unit.objects.filter(is_active=True).exclude(pk__in=have).order_by("path"):
        folder = keys.signing_dir() / "units" / unit.code
        key_file = f"units/{unit.code}/{DEMO_KEY_FILE}.p12"
        if (folder / f"{DEMO_KEY_FILE}.p12").exists():
            try:
                services.signing_key_register(actor=None, unit=unit, key_file=key_file)
                reused += 1
                continue
            except Exception:  # noqa: S112 - a stale demo key (another CA, expired): make a new one
                pass
        organisation = _root_name(unit)
        key_file, _cert = keys.unit_key_write(
            authority,
            unit_code=unit.code,
            common_name=unit.name,
            organisation=organisation,
            filename=DEMO_KEY_FILE,
        )
        services.signing_key_register(actor=None, unit=unit, key_file=key_file)
        created += 1
    stdout.write(f"Signing: demo CA in {keys.signing_dir()}, {created} unit keys created, {reused} reused.")
    return []


def _root_name(unit: Unit) -> str:
    while unit.parent_id is not None and unit.parent is not None:
        unit = unit.parent
    return unit.name
