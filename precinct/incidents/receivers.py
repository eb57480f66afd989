"""What the incident register hears from other apps (connected in IncidentsConfig.ready())."""

from typing import Any

from precinct.incidents.services import incident_from_referral
from precinct.tips.signals import TipReferral


def on_tip_referred(sender: Any, *, referral: TipReferral, **kwargs: Any) -> None:
    """A crime report referred to a case creates an incident, or joins the one the officer named. Runs in
    the report's transaction: a refusal (an unknown case) undoes the referral."""
    incident_from_referral(
        actor=referral.actor, tip=referral.tip, summary=referral.summary, case_reference=referral.case_reference
    )
