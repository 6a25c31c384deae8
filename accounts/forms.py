from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils import timezone


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is the key for?", help_text="e.g. 'HR system' or 'notebook'.")
    can_write = forms.BooleanField(
        required=False,
        initial=True,
        label="It may change postings",
        help_text="Create, publish, close and import your organisation's postings (scope postings:write).",
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on (optional)",
        help_text="Leave empty for a key that works until you revoke it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self) -> date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and not timezone.localdate() < day <= timezone.localdate() + timedelta(days=3 * 365):
            raise forms.ValidationError("Choose a day after today and within three years.")
        return day


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Their email address", help_text="The invitation works for this address only.")
    admin = forms.BooleanField(required=False, label="They may invite and remove members too")


class SignUpForm(UserCreationForm):
    """A person's account: username, email (for password resets) and a password checked by the validators."""

    email = forms.EmailField(required=True, help_text="Used only to reset your password.")
    kind = forms.ChoiceField(
        choices=[
            ("candidate", "Candidate: I am looking for work"),
            ("employer", "Employer: I post jobs for my organisation"),
        ],
        initial="candidate",
        required=False,
        widget=forms.RadioSelect,
        label="I am a",
    )
    organisation = forms.CharField(
        max_length=200, required=False, label="Organisation name", help_text="Employers only: who you post for."
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        # Whether an account already has it is never said here (accounts.views.sign_up emails that address).
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or "candidate"
        if data.get("kind") == "employer" and not data.get("organisation", "").strip():
            self.add_error("organisation", "Name the organisation you post jobs for.")
        return data
