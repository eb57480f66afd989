"""Background work for the audit log."""

import logging
from typing import Any

from django.tasks import task

from precinct.audit.anchor import audit_anchor_write
from precinct.audit.verify import audit_chain_verify

logger = logging.getLogger(__name__)


@task
def audit_chain_verify_task() -> dict[str, Any]:
    """Verify the whole chain off the request path; a break is logged as an error."""
    result = audit_chain_verify()
    if result.first_break is not None:
        logger.error("Audit chain broken at row %s: %s", result.first_break.row_id, result.first_break.reason)
    for problem in result.anchor_problems:
        logger.error("Audit anchor file: %s", problem)
    return {
        "rows_checked": result.rows_checked,
        "broken_at": result.first_break.row_id if result.first_break else None,
    }


@task
def audit_anchor_task() -> dict[str, Any]:
    """Sign the chain's head and append it outside the database (the `audit.anchor` job)."""
    result = audit_anchor_write()
    return {"written": result.written, "row_id": result.row_id, "reason": result.reason}
