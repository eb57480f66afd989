import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from precinct.eservices.catalogue import catalogue_import
from precinct.eservices.demo import CATALOGUE

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def catalogue(world):
    catalogue_import(actor=None, data=json.loads(CATALOGUE.read_text(encoding="utf-8")))


def pdf(name: str = "giay-to.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
