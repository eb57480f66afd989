from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("The signed PDF"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))
    code = forms.CharField(label=_("Dossier code (optional)"), max_length=64, required=False)
