from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from precinct.eservices.forms_schema import django_form_fields, to_json
from precinct.eservices.models import Level, ProcedureVersion
from precinct.organisation.selectors import commune_level_units, units_by_name


class DossierSubmitForm(forms.Form):
    """The procedure's own fields (from its JSON Schema), where to submit, and one file per document."""

    def __init__(self, *args: Any, version: ProcedureVersion, home_unit: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        if version.level == Level.COMMUNE:
            # In Vietnamese alphabetical order ("Hà An" before "Hiệp Hòa", "Đ…" after "D…"), the citizen's own
            # ward chosen when it is known.
            units = units_by_name(commune_level_units())
            self.fields["unit"] = forms.ChoiceField(
                label=_("Ward, commune or special zone police"),
                choices=[("", "—"), *[(u.code, u.display_name) for u in units]],
                initial=home_unit,
            )
        self.fields.update(django_form_fields(version.form_schema or {}))
        for index, doc in enumerate(version.required_documents):
            self.fields[f"doc.{index}"] = forms.FileField(
                label=doc["name_en"] if self._english() and doc.get("name_en") else doc["name"],
                required=False,
                help_text=_("PDF, PNG or JPEG, at most 10 MB")
                + (" · " + str(_("required")) if doc.get("required") else ""),
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
            )

    @staticmethod
    def _english() -> bool:
        from django.utils.translation import get_language

        return (get_language() or "vi").startswith("en")

    def form_data(self) -> dict[str, Any]:
        """The answers as the schema expects them: empty optional fields left out."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("form.") and value not in (None, ""):
                data[name.removeprefix("form.")] = to_json(value)
        return data

    def field_for(self, key: str) -> str | None:
        """The page's field for a service's message key (`documents.<i>` is the file field `doc.<i>`)."""
        name = "doc." + key.removeprefix("documents.") if key.startswith("documents.") else key
        return name if name in self.fields else None

    def uploads(self) -> list[tuple[str, Any]]:
        return [
            (doc["name"], self.cleaned_data.get(f"doc.{index}"))
            for index, doc in enumerate(self.version.required_documents)
            if self.cleaned_data.get(f"doc.{index}")
        ]


class ActionForm(forms.Form):
    note = forms.CharField(label=_("Reason / note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    target_unit = forms.CharField(required=False)
    new_due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(required=False)


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=64)
    personal_id = forms.CharField(
        label=_("Applicant's personal identification number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class ProcedureEditForm(forms.Form):
    """An operator's edit of a procedure; saving publishes a new version."""

    name = forms.CharField(label=_("Name (Vietnamese)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    deadline_days = forms.IntegerField(label=_("Deadline (working days)"), min_value=0, max_value=365)
    fee_vnd = forms.IntegerField(label=_("Fee (VND)"), min_value=0)
    cutoff = forms.TimeField(label=_("Daily cut-off time"), widget=forms.TimeInput(attrs={"type": "time"}))
    is_sample = forms.BooleanField(label=_("Sample data, to be verified"), required=False)
    required_documents = forms.JSONField(
        label=_("Required documents (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 5, "class": "mono"})
    )
    form_schema = forms.JSONField(
        label=_("Form (JSON Schema)"), widget=forms.Textarea(attrs={"rows": 12, "class": "mono"})
    )
    guide = forms.JSONField(
        label=_("Procedure guide (JSON): legal basis, who may apply, steps, result, where to submit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
    )

    def clean_guide(self) -> dict:
        return self.cleaned_data.get("guide") or {}

    def clean_required_documents(self) -> list:
        value = self.cleaned_data.get("required_documents") or []
        if not isinstance(value, list) or not all(isinstance(d, dict) and d.get("name") for d in value):
            raise forms.ValidationError(_('A list of {"name": …, "name_en": …, "required": true|false}.'))
        return value


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[
            (1, _("1 — Very dissatisfied")),
            (2, _("2 — Dissatisfied")),
            (3, _("3 — Acceptable")),
            (4, _("4 — Satisfied")),
            (5, _("5 — Very satisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
