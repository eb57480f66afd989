import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from precinct.eservices.models import Procedure
from precinct.eservices.services import Upload, dossier_submit, dossier_transition
from precinct.eservices.tests.conftest import catalogue, pdf  # noqa: F401 (fixture)
from precinct.payments.models import PaymentRequest, RequestStatus
from precinct.payments.providers.sandbox import SandboxProvider
from precinct.payments.services import payment_callback, payment_start
from precinct.residence.models import ResidenceKind
from precinct.residence.services import household_create, person_create, residence_register


@pytest.fixture(autouse=True)
def _stays_worker_now(settings):
    """The stays worker queued after every batch and ready at once (as NOTIFY_LATER_SECONDS = 0 in the root
    conftest): a deferred run would wait past the test."""
    from precinct.residence.services import stays

    settings.RESIDENCE_STAYS_SECONDS = 0
    stays._process.forget()


def submit(world, code: str, form: dict):
    procedure = Procedure.objects.get(code=code)
    uploads = [Upload(d["name"], pdf()) for d in procedure.current.required_documents if d.get("required")]
    return dossier_submit(
        actor=world.users["citizen"],
        procedure=procedure,
        form_data=form,
        unit_code=world.ward_a.code,
        uploads=uploads,
    )


def pay_fees(dossier) -> None:
    """The applicant pays every unpaid fee in the sandbox (the fee blocks approving and issuing)."""
    for request in PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.UNPAID):
        _payment, url = payment_start(actor=dossier.applicant, request=request, return_url="http://testserver/r/")
        params = SandboxProvider().callback_params(dict(parse_qsl(urlsplit(url).query)), response_code="00")
        assert payment_callback(provider="sandbox", params=params).accepted


def advance(world, dossier, actions):
    officer = world.users["leader_a"]
    for action in actions:
        pay_fees(dossier)
        dossier = dossier_transition(actor=officer, dossier=dossier, action=action, note="Ghi chú")
    return dossier


@pytest.fixture
def register(world):
    """Ward A's small register: a household of two at Tổ 3, Khu 5, both with a permanent residence."""
    officer = world.users["officer_a"]
    head = person_create(
        actor=officer,
        unit=world.ward_a,
        full_name="Nguyễn Văn Hùng",
        personal_id="022075001234",
        date_of_birth=datetime.date(1975, 3, 2),
        sex="male",
        place_of_origin="Hạ Long, Quảng Ninh",
        ethnicity="Kinh",
    )
    wife = person_create(
        actor=officer,
        unit=world.ward_a,
        full_name="Trần Thị Lan",
        personal_id="022178004321",
        date_of_birth=datetime.date(1978, 7, 9),
        sex="female",
        place_of_origin="Cẩm Phả, Quảng Ninh",
        ethnicity="Kinh",
    )
    household = household_create(
        actor=officer, unit=world.ward_a, street="Tổ 3, Khu 5", number="12", head=head, members=[(wife, "spouse")]
    )
    for person in (head, wife):
        residence_register(
            actor=officer,
            person=person,
            kind=ResidenceKind.PERMANENT,
            unit=world.ward_a,
            address="Số 12, Tổ 3, Khu 5",
            start=datetime.date(2010, 1, 1),
            household=household,
        )
    return {"head": head, "wife": wife, "household": household}
