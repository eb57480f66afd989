"""The one hook through which a higher app (incidents) hears of crime reports without `tips` knowing it.

`tip_referred.send(sender=Tip, referral=TipReferral(tip, actor, summary, case_reference))`
    Sent by `services.handling.tip_transition()` inside its transaction, after the report is saved as
    "referred to a case" and before its audit row: a receiver's writes commit or roll back with the
    report's, and a receiver may refuse the referral by raising a `DomainError` (nothing is written then).
    The payload never carries the report's encrypted content or its key: only the report (its clear
    fields: reference, category, ward, receiving unit, dates, priority), who referred it, and what the
    officer chose to copy into the case (`summary`, possibly empty) and which existing case to join
    (`case_reference`, possibly empty), both typed by the officer.
"""

from dataclasses import dataclass

from django.dispatch import Signal

from precinct.core.actors import Actor
from precinct.tips.models import Tip


@dataclass(frozen=True, slots=True)
class TipReferral:
    """A report just referred to a case: the report as saved, who referred it, the text the officer chose
    to copy (nothing of the reporter's text unless they typed or pasted it here) and the reference of an
    existing case to link it to ("" for a new one)."""

    tip: Tip
    actor: Actor
    summary: str = ""
    case_reference: str = ""


tip_referred = Signal()
