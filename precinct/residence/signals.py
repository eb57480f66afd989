"""What residence tells other apps (ADR 0015's shape: one signal, one frozen payload; ADR 0039)."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from precinct.residence.models import Stay


@dataclass(frozen=True, slots=True)
class StayRecorded:
    """A guest's stay just recorded from an establishment's notice: who (a Vietnamese guest by personal ID, a
    foreigner by passport and nationality), which stay, and the ward it is in."""

    stay_pk: int
    arrival: datetime.datetime
    unit_path: str  # the establishment's ward
    guest_name: str
    personal_id: str
    passport_number: str  # upper case, without spaces or dashes
    nationality: str  # ISO 3166-1 alpha-2, upper case
    date_of_birth: datetime.date | None = None

    @classmethod
    def of(cls, stay: "Stay") -> "StayRecorded":
        """The message for a stored residence Stay."""
        return cls(
            stay_pk=stay.pk,
            arrival=stay.arrival,
            unit_path=stay.unit_path,
            guest_name=stay.guest_name,
            personal_id=stay.personal_id,
            passport_number=stay.passport_number,
            nationality=stay.nationality,
            date_of_birth=stay.date_of_birth,
        )


stays_recorded = Signal()
"""Sent by `services.stays.stay_notices_process()` inside the worker's transaction, once per batch of new stays:
`stays_recorded.send(sender=Stay, stays=(StayRecorded(...), ...))`. Only sent when someone listens (the query
that finds the new stays' ids is spared otherwise). A receiver may write its own rows in that transaction (the
incidents app flags the stays of guests it looks for through `services.stays.stays_flag`); an exception undoes
the batch, which the worker retries on its next run."""
