"""Background work for payments: the daily reconciliation with the providers (read only)."""

import logging
from typing import Any

from django.tasks import task

from precinct.payments.reconcile import reconcile

logger = logging.getLogger(__name__)


@task
def payments_reconcile_task() -> dict[str, Any]:
    """`manage.py payments_reconcile` from the scheduler: disagreements are logged as errors (mailed to
    ADMINS), for a person to decide on; nothing is changed."""
    report = reconcile(days=30)
    for row in report.disagreements:
        logger.error(
            "Payment %s disagrees with %s: ours %s, theirs %s", row.txn_ref, row.provider, row.ours, row.theirs
        )
    if report.errors:
        logger.error("%s payment(s) could not be checked with their provider", len(report.errors))
    return {"checked": report.checked, "disagree": len(report.disagreements), "unreachable": len(report.errors)}
