"""Demo signing: a demo certificate authority and keys for the units that issue results in the demo: the
province, its departments and every unit whose officers have accounts (the demo wards). Other units get
theirs with `manage.py signing_key issue <code>`; until then they refuse to issue, saying why.
Idempotent: key files already in PRECINCT_SIGNING_DIR are reused (opening a PKCS#12 file costs ~0.2 s,
generating an RSA key more), a new key is made only for a unit that has none."""

from typing import Any

from django.db.models import Q

from precinct.core.demo import DemoAccount
from precinct.core.errors import DomainError
from precinct.organisation.models import Unit, UnitKind
from precinct.organisation.selectors import province_root_or_none
from precinct.results import keys, services
from precinct.results.models import SigningKey

DEMO_KEY_FILE = "demo"


def seed(*, stdout: Any) -> list[DemoAccount]:
    authority = keys.ca_load()
    if authority is None:
        root = province_root_or_none()
        organisation = root.name if root else "Precinct"
        authority = keys.ca_create(name=f"DEMO CA — {organisation}", organisation=organisation)
    have = set(SigningKey.objects.filter(is_active=True).values_list("unit_id", flat=True))
    created = reused = 0
    issuing = Unit.objects.filter(
        Q(kind__in=(UnitKind.PROVINCE, UnitKind.DEPARTMENT)) | Q(role_assignments__isnull=False), is_active=True
    )
    for unit in issuing.exclude(pk__in=have).distinct().order_by("path"):
        folder = keys.signing_dir() / "units" / unit.code
        key_file = f"units/{unit.code}/{DEMO_KEY_FILE}.p12"
        if (folder / f"{DEMO_KEY_FILE}.p12").exists():
            try:
                services.signing_key_register(actor=None, unit=unit, key_file=key_file)
                reused += 1
                continue
            except DomainError as exc:  # a stale demo key (another CA, expired): replaced below
                stdout.write(f"Signing: replacing the demo key of {unit.code} ({exc.fields or exc.message}).")
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
