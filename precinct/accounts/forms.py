from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from precinct.accounts.models import SexChoices


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username or personal identification number"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CitizenRegistrationForm(forms.Form):
    """Shape and required-ness only; the rules live in accounts.services.citizen_register."""

    personal_id = forms.CharField(
        label=_("Personal identification number"),
        max_length=12,
        min_length=1,
        help_text=_("12 digits, as on your chip-based citizen identity card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *SexChoices.choices])
    phone = forms.CharField(
        label=_("Phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )
    email = forms.EmailField(
        label=_("Email (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords do not match."))
        return data


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false"}
        ),
    )


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ResetRequestForm(PasswordResetForm):
    """Django's reset request; the answer is the same whether an account has this address or not, and so is
    the work done while the asker waits: `save` only queues the mail (accounts.tasks), every time."""

    email = forms.EmailField(
        label=_("The email address of your account"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, *, domain_override: str | None = None, use_https: bool = False, request=None, **_options) -> None:  # type: ignore[no-untyped-def, override]
        from precinct.accounts.tasks import accounts_password_reset_mail_task

        domain = domain_override or (request.get_host() if request is not None else "")
        accounts_password_reset_mail_task.enqueue(email=self.cleaned_data["email"], domain=domain, use_https=use_https)

    def mail_links(self, *, domain: str, use_https: bool) -> None:
        """Django's own reset mail, one per active account with the address (run by the background task)."""
        from django.conf import settings

        PasswordResetForm.save(
            self,
            domain_override=domain,
            subject_template_name="accounts/password_reset_subject.txt",
            email_template_name="accounts/password_reset_email.txt",
            use_https=use_https,
            extra_email_context={"minutes": str(settings.PASSWORD_RESET_TIMEOUT // 60)},
        )

    def send_mail(self, subject_template_name: str, email_template_name: str, context: dict, *args, **kwargs) -> None:  # type: ignore[no-untyped-def, override]
        from precinct.accounts.services import password_reset_requested

        password_reset_requested(user=context["user"])
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
