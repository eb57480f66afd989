"""The provider interface. A provider builds the URL the payer is sent to, verifies callbacks (the
server-to-server notification and the browser's return) and answers what it knows about a payment."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from precinct.payments.models import Payment

# How long a payer has on the provider's page (VNPay's vnp_ExpireDate): an attempt still pending after it
# can no longer be paid, and is shown as expired.
EXPIRE_MINUTES = 15


class InvalidCallback(Exception):
    """The callback is unsigned, its signature does not match, or it is not for this merchant."""


class ProviderError(Exception):
    """The provider could not be reached or answered something unusable."""


@dataclass(frozen=True)
class Callback:
    """A callback whose signature has been verified."""

    txn_ref: str
    amount_vnd: int | None  # None when the amount is not a whole number of VND
    response_code: str
    transaction_status: str
    transaction_no: str
    bank_code: str
    pay_date: str

    @property
    def succeeded(self) -> bool:
        return self.response_code == "00" and self.transaction_status in ("00", "")

    @property
    def cancelled(self) -> bool:
        return self.response_code == "24"  # the payer cancelled on the provider's page


@dataclass(frozen=True)
class ProviderState:
    """What the provider says about a payment: 'paid', 'failed', 'pending' or 'not_found'."""

    status: str
    amount_vnd: int | None = None
    detail: str = ""


class Provider(ABC):
    name: str

    @abstractmethod
    def redirect_url(self, payment: "Payment", *, return_url: str, client_ip: str, language: str) -> str:
        """Where to send the payer to pay `payment`."""

    @abstractmethod
    def verify_callback(self, params: Mapping[str, str]) -> Callback:
        """The callback's content, or InvalidCallback when it is not authentic."""

    @abstractmethod
    def query(self, payment: "Payment") -> ProviderState:
        """The provider's own view of the payment (for reconciliation); ProviderError when unreachable."""
