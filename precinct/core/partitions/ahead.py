"""The partitions made ahead of time, for the daily job and `manage.py partitions_ahead`."""

import logging

from django.conf import settings
from django.db import connection, transaction

from precinct.core.partitions import months

logger = logging.getLogger(__name__)


def partitions_ensure(*, months_ahead: int | None = None) -> list[str]:
    """Create this month's and the next months' partitions of every partitioned table; names of those made."""
    ahead = settings.PRECINCT_PARTITION_MONTHS_AHEAD if months_ahead is None else months_ahead
    with transaction.atomic():
        created = months.ensure_ahead(connection, months_ahead=ahead)
    if created:
        logger.info("partitions created: %s", ", ".join(created))
    return created
