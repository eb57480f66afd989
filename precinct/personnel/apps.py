from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonnelConfig(AppConfig):
    name = "precinct.personnel"
    label = "personnel"
    verbose_name = _("Personnel")

    def ready(self) -> None:
        from precinct.personnel import measures, receivers

        measures.register_all()
        receivers.connect()
