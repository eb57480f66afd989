"""Payment providers: one interface (base.Provider), two implementations sharing VNPay's public protocol.

`vnpay` talks to VNPay (or any gateway speaking its protocol); `sandbox` is a real local payment page for
development and demos that signs its callbacks with its own secret and keeps its own ledger.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from precinct.payments.providers.base import Callback, InvalidCallback, Provider, ProviderError, ProviderState

__all__ = ["NAMES", "Callback", "InvalidCallback", "Provider", "ProviderError", "ProviderState", "get_provider"]

NAMES = ("sandbox", "vnpay")


def get_provider(name: str | None = None) -> Provider:
    """The provider by name (the configured one when no name is given)."""
    name = name or settings.PAYMENTS_PROVIDER
    if name == "vnpay":
        from precinct.payments.providers.vnpay import VnpayProvider

        if not (settings.VNPAY_TMN_CODE and settings.VNPAY_HASH_SECRET):
            raise ImproperlyConfigured("The VNPay provider needs VNPAY_TMN_CODE and VNPAY_HASH_SECRET.")
        return VnpayProvider(
            tmn_code=settings.VNPAY_TMN_CODE,
            secret=settings.VNPAY_HASH_SECRET,
            pay_url=settings.VNPAY_PAY_URL,
            api_url=settings.VNPAY_API_URL,
        )
    if name == "sandbox":
        from precinct.payments.providers.sandbox import SandboxProvider

        return SandboxProvider()
    raise ImproperlyConfigured(f"Unknown payment provider {name!r} (choose one of {', '.join(NAMES)}).")
