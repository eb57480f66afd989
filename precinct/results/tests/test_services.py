import hashlib

import pytest
from pypdf import PdfReader

from precinct.audit.models import AuditEvent
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.eservices.models import DossierStatus
from precinct.eservices.services import dossier_transition
from precinct.results import services
from precinct.results.models import ResultDocument, SigningKey
from precinct.results.tests.conftest import unit_key

pytestmark = pytest.mark.django_db


def test_issuing_signs_and_stores_the_result(world, issued):
    document = ResultDocument.objects.get(dossier=issued)
    data = document.file.read()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert document.size == len(data)
    assert document.unit == world.ward_a
    assert "Công an phường A" in document.signer_subject
    text = PdfReader(__import__("io").BytesIO(data)).pages[0].extract_text()
    assert issued.code in text
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Bổ sung hồ sơ xin việc tại Hạ Long" in text
    assert AuditEvent.objects.filter(action="results.result_issue", target_id=str(document.pk)).exists()
