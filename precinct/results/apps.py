from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "precinct.results"
    label = "results"
    verbose_name = _("Signed results")

    def ready(self) -> None:
        from precinct.eservices.signals import dossier_changed, dossier_transition_checking
        from precinct.results import receivers

        dossier_transition_checking.connect(receivers.refuse_issue_without_key, dispatch_uid="results.check")
        dossier_changed.connect(receivers.sign_issued_result, dispatch_uid="results.sign")
