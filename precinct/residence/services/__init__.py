"""Writes to the population register, one module per concern (register, stays, reading, corrections, import);
every write runs in one transaction with its audit row. Callers import from here."""

from precinct.residence.services.corrections import correction_approve, correction_reject, correction_request
from precinct.residence.services.households import household_join, household_split
from precinct.residence.services.importing import error_report, register_import
from precinct.residence.services.reading import household_read, person_read, persons_export
from precinct.residence.services.register import (
    dossier_apply,
    household_create,
    not_duplicate_mark,
    person_create,
    residence_register,
)
from precinct.residence.services.stays import (
    establishment_register,
    key_hash,
    stay_notices_process,
    stay_notices_receive,
    stay_row_errors,
    stays_flag,
)

__all__ = [
    "correction_approve",
    "correction_reject",
    "correction_request",
    "dossier_apply",
    "error_report",
    "establishment_register",
    "household_create",
    "household_join",
    "household_read",
    "household_split",
    "key_hash",
    "not_duplicate_mark",
    "person_create",
    "person_read",
    "persons_export",
    "register_import",
    "residence_register",
    "stay_notices_process",
    "stay_notices_receive",
    "stay_row_errors",
    "stays_flag",
]
