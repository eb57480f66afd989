from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def payments_configured(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.PAYMENTS_PROVIDER not in ("sandbox", "vnpay"):
        errors.append(Error("PAYMENTS_PROVIDER must be 'sandbox' or 'vnpay'.", id="payments.E001"))
    if settings.PAYMENTS_PROVIDER == "vnpay" and not (settings.VNPAY_TMN_CODE and settings.VNPAY_HASH_SECRET):
        errors.append(Error("PAYMENTS_PROVIDER=vnpay needs VNPAY_TMN_CODE and VNPAY_HASH_SECRET.", id="payments.E002"))
    if settings.PAYMENTS_PROVIDER == "sandbox" and not settings.PAYMENTS_SANDBOX_ENABLED:
        errors.append(Error("The sandbox provider needs PAYMENTS_SANDBOX_ENABLED.", id="payments.E003"))
    return errors
