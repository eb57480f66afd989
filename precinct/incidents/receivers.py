"""What the incident register hears from other apps (connected in IncidentsConfig.ready())."""

from typing import Any

from precinct.cameras.signals import AlertHandedOn
from precinct.incidents.flagged_guests import on_stays_recorded
from precinct.incidents.services import incident_from_camera_alert, incident_from_referral
from precinct.tips.signals import TipReferral


def on_tip_referred(sender: Any, *, referral: TipReferral, **kwargs: Any) -> None:
    """A crime report referred to a case creates an incident, or joins the one the officer named. Runs in
    the report's transaction: a refusal (an unknown case) undoes the referral."""
    incident_from_referral(
        actor=referral.actor, tip=referral.tip, summary=referral.summary, case_reference=referral.case_reference
    )


def on_camera_alert_handed_on(sender: Any, *, handed_on: AlertHandedOn, **kwargs: Any) -> None:
    """A camera alert handed on from the duty console creates an incident linked to it (one per alert). Runs
    in the hand-on's transaction: a refusal (the officer cannot record incidents there) undoes the hand-on."""
    incident_from_camera_alert(actor=handed_on.actor, alert=handed_on.alert, note=handed_on.note)


def on_stays_recorded_flag_guests(sender: Any, *, stays: Any, **kwargs: Any) -> None:
    """A batch of guests' stays recorded by residence's worker: the stays of suspects in an open incident are
    flagged and told to the ward's officers (incidents/flagged_guests.py). Runs in the worker's transaction."""
    on_stays_recorded(sender, stays=stays)
