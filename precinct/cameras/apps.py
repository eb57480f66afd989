from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "precinct.cameras"
    label = "cameras"
    verbose_name = _("Cameras")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from precinct.cameras import metrics

        metrics.register()
