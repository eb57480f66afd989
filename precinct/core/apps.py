from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "precinct.core"
    label = "core"
    verbose_name = "Precinct"
