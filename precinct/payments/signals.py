"""A hook through which later apps (statistics) follow fees without `payments` knowing them. Sent inside
the service's transaction, so a receiver's writes commit or roll back with the change.

`payment_request_changed(sender=PaymentRequest, request, dossier, previous, event)`
    Sent when a fee is billed (`previous` is None; `request.status` is unpaid), cancelled (unpaid →
    cancelled, when its dossier closes) or paid (unpaid or cancelled → paid, on the provider's verified
    notification; a second paid attempt on a paid request changes nothing and sends nothing).
    `dossier` is the request's dossier as the service holds it: for a payment, read under the dossier's own
    lock (taken first, services.py), so a transfer and a payment of one dossier are ordered.
    `event` is the dossier's history event when the change is made while that event's `dossier_changed`
    is being sent (billing on submission or on an action with a fee, cancelling on closing), else None.
"""

from django.dispatch import Signal

payment_request_changed = Signal()
