from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "precinct.devdata"
    label = "devdata"
    verbose_name = "Development data"  # never shown to users: the app has no admin, pages or models
