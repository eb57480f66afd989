import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from precinct.eservices.catalogue import catalogue_import
from precinct.eservices.demo import CATALOGUE
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def catalogue(world):
    catalogue_import(actor=None, data=json.loads(CATALOGUE.read_text(encoding="utf-8")))


def pdf(name: str = "giay-to.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def dossier(world, catalogue):
    """A citizen's CT-06 dossier (no files), received by ward A."""
    return dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=world.ward_a.code,
    )
