import json

import pytest

from precinct.eservices.catalogue import catalogue_import
from precinct.eservices.demo import CATALOGUE
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit, dossier_transition


@pytest.fixture
def signing(signing_keys):
    return signing_keys


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
        actor = world.users["leader_a" if action == "approve" else "officer_a"]  # officers propose, leaders decide
        dossier = dossier_transition(actor=actor, dossier=dossier, action=action)
    return dossier


@pytest.fixture
def issued(world, signing, approved):
    return dossier_transition(actor=world.users["leader_a"], dossier=approved, action="issue_result")
