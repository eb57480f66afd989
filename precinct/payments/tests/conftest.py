from urllib.parse import parse_qsl, urlsplit

import pytest

from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.eservices.tests.conftest import catalogue  # noqa: F401 (fixture)
from precinct.payments.models import PaymentRequest
from precinct.payments.providers.sandbox import SandboxProvider
from precinct.payments.services import payment_start

RETURN_URL = "http://testserver/payments/return/"


@pytest.fixture
def fee_dossier(world, catalogue):  # noqa: F811
    """A citizen's CT-03 dossier (fee 15,000 VND), received by ward A."""
    return dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-03"),
        form_data={"dia_chi": "Tổ 5, khu 3, phường A", "den_ngay": "2027-06-30"},
        unit_code=world.ward_a.code,
    )


@pytest.fixture
def fee_request(fee_dossier) -> PaymentRequest:
    return PaymentRequest.objects.get(dossier=fee_dossier)


def url_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def start(world, request):
    """Start a payment as the applicant; the payment and the parameters of the provider's URL."""
    payment, url = payment_start(actor=world.users["citizen"], request=request, return_url=RETURN_URL)
    return payment, url_params(url)


def sandbox_callback(pay_params: dict[str, str], *, response_code: str = "00", **changes: str) -> dict[str, str]:
    """What the sandbox bank reports for a pay request, signed; `changes` are applied before signing."""
    provider = SandboxProvider()
    params = dict(pay_params, **changes)
    return provider.callback_params(params, response_code=response_code)
