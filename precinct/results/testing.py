"""Test helpers: signing keys for the test world's units (issuing a result needs the unit's key)."""

from typing import Any

from precinct.results import keys, services
from precinct.results.models import SigningKey


def unit_key(unit: Any, *, name: str = "test") -> SigningKey:
    """Register a key for the unit, reusing the file an earlier test of the session wrote (generating RSA keys
    is slow; the database is new for every test, the signing directory is not)."""
    authority = keys.ca_load() or keys.ca_create(name="Test CA", organisation="Công an tỉnh Thử nghiệm")
    key_file = f"units/{unit.code}/{name}.p12"
    if not (keys.signing_dir() / key_file).exists():
        keys.unit_key_write(
            authority, unit_code=unit.code, common_name=unit.name, organisation="Công an tỉnh", filename=name
        )
    return services.signing_key_register(actor=None, unit=unit, key_file=key_file)


def world_signing_keys(world: Any) -> dict[str, SigningKey]:
    """Keys for ward A, ward B and the department of `precinct.testing.build_world()`."""
    return {name: unit_key(getattr(world, name)) for name in ("ward_a", "ward_b", "department")}
