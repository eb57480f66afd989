"""The dossier code's format, in one place: what the submission service writes and what the synthetic-data
generator (precinct.devdata) writes must be the same codes, so they never collide."""

import datetime


def dossier_code(unit_code: str, day: datetime.date, sequence: int) -> str:
    """`<receiving unit's code>-<yymmdd of submission>-<the day's sequence at that unit, 4 digits or more>`,
    e.g. "07168-261103-0042" (ward 07168, 3 November 2026, its 42nd)."""
    return f"{unit_code}-{day:%y%m%d}-{sequence:04d}"
