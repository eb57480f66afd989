from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "precinct.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from precinct.cameras.models import Alert
        from precinct.cameras.signals import camera_alert_handed_on
        from precinct.incidents import measures, receivers
        from precinct.tips.models import Tip
        from precinct.tips.signals import tip_referred

        tip_referred.connect(receivers.on_tip_referred, sender=Tip, dispatch_uid="incidents.on_tip_referred")
        camera_alert_handed_on.connect(
            receivers.on_camera_alert_handed_on, sender=Alert, dispatch_uid="incidents.on_camera_alert_handed_on"
        )
        # Stays of guests the register looks for are told to their ward (ADR 0039), linked in the inbox.
        from precinct.incidents.flagged_guests import KIND, stay_links
        from precinct.notifications.links import register_link
        from precinct.residence.models import Stay
        from precinct.residence.signals import stays_recorded

        stays_recorded.connect(
            receivers.on_stays_recorded_flag_guests, sender=Stay, dispatch_uid="incidents.on_stays_recorded"
        )
        register_link(KIND, stay_links)
        measures.register_all()
