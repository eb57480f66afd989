import json

import pytest

from precinct.eservices.catalogue import catalogue_import
from precinct.eservices.demo import CATALOGUE
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit, dossier_transition
from precinct.results import keys, services


def unit_key(unit, *, name: str = "test"):
    """Register a key for the unit, reusing the file from an earlier test of the session (RSA keys are slow
    to generate; the database is new for every test, the signing directory is not)."""
    authority = keys.ca_load() or keys.ca_create(name="Test CA", organisation="Công an tỉnh Thử nghiệm")
    key_file = f"units/{unit.code}/{name}.p12"
    if not (keys.signing_dir() / key_file).exists():
        keys.unit_key_write(
            authority, unit_code=unit.code, common_name=unit.name, organisation="Công an tỉnh", filename=name
        )
    return services.signing_key_register(actor=None, unit=unit, key_file=key_file)


@pytest.fixture
def signing(world):
    return {u: unit_key(getattr(world, u)) for u in ("ward_a", "ward_b", "department")}


@pytest.fixture
def catalogue(world):
    catalogue_import(actor=None, data=json.loads(CATALOGUE.read_text(encoding="utf-8")))


@pytest.fixture
def approved(world, catalogue):
    """A citizen's CT-06 dossier (fee-free), approved by ward A and ready for its result."""
    dossier = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Bổ sung hồ sơ xin việc tại Hạ Long"},
        unit_code=world.ward_a.code,
    )
    for action in ("receive", "start_review", "approve"):
        dossier = dossier_transition(actor=world.users["officer_a"], dossier=dossier, action=action)
    return dossier


@pytest.fixture
def issued(world, signing, approved):
    return dossier_transition(actor=world.users["officer_a"], dossier=approved, action="issue_result")
