"""Forms for postings, organisation profiles and candidate profiles. A posting form only collects what the writer
typed: `jobs.services.postings.posting_upsert` checks it, the same way for the site, the API and feeds."""

from typing import Any

from django import forms

from accounts.models import Organisation
from geo.resolve import Place
from jobs.models import Candidate, JobBoard, Posting, WebhookEndpoint
from jobs.schemas import MAX_PAY, PostingFields
from jobs.services.postings import PostingInvalid, place_or_error, role_or_error, web_address
from roles.models import Role


class PostingForm(forms.Form):
    title = forms.CharField(max_length=300)
    role = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave it empty to use the role suggested from the title; you can change it afterwards.",
    )
    location = forms.CharField(
        max_length=200, required=False, help_text="City and state, ZIP or metro area. Empty only for remote jobs."
    )
    arrangement = forms.ChoiceField(choices=Posting.Arrangement.choices, initial=Posting.Arrangement.ONSITE)
    employment_type = forms.ChoiceField(choices=Posting.EmploymentType.choices, initial="full_time")
    salary_min = forms.DecimalField(
        min_value=0, max_value=MAX_PAY, max_digits=10, decimal_places=2, required=False, label="Pay from"
    )
    salary_max = forms.DecimalField(
        min_value=0, max_value=MAX_PAY, max_digits=10, decimal_places=2, required=False, label="Pay up to"
    )
    salary_period = forms.ChoiceField(
        choices=[("", "—"), *Posting.Period.choices], required=False, label="Pay per", help_text="In US dollars."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20_000,
        required=False,
        help_text="Markdown: **bold**, *italic*, lists, [links](https://example.com). Other markup is removed.",
    )
    apply_url = forms.CharField(max_length=500, required=False, label="Apply at (web address)")
    apply_email = forms.EmailField(required=False, label="Or apply by email")

    def fields_written(self) -> PostingFields:
        """What the writer typed, for posting_upsert (call after is_valid())."""
        return PostingFields.model_validate({name: self.cleaned_data.get(name) for name in PostingFields.model_fields})

    def add_posting_errors(self, invalid: PostingInvalid) -> None:
        for field, messages in invalid.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    @staticmethod
    def initial_for(posting: Posting) -> dict[str, Any]:
        """The form's values for an existing posting (pay as stored, to the cent)."""
        return PostingFields.of(posting).model_dump() | {
            "salary_min": posting.salary_min,
            "salary_max": posting.salary_max,
        }


class EmployerForm(forms.ModelForm):
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "website", "location", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def clean_website(self) -> str:
        return web_address(self.cleaned_data.get("website", ""))


class CandidateForm(forms.Form):
    desired_roles = forms.CharField(
        max_length=600,
        required=False,
        label="Roles you want",
        help_text="Up to five role titles, separated by commas, e.g. 'Back-End Developer, Data Scientist'.",
    )
    location = forms.CharField(max_length=200, required=False, help_text="Where you want to work.")
    open_to_work = forms.BooleanField(required=False, label="I am open to work")
    job_alerts = forms.BooleanField(
        required=False,
        initial=True,
        label="Email me new postings for these roles and place, daily (only while open to work)",
    )

    def clean_desired_roles(self) -> list[Role]:
        names = [name.strip() for name in self.cleaned_data.get("desired_roles", "").split(",") if name.strip()]
        if len(names) > 5:
            raise forms.ValidationError("At most five roles.")
        roles: list[Role] = []
        for name in names:
            role = role_or_error(name)
            if role not in roles:
                roles.append(role)
        return roles

    def clean_location(self) -> Place | None:
        text = self.cleaned_data.get("location", "").strip()
        return place_or_error(text) if text else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("open_to_work") and not data.get("desired_roles") and not self.errors.get("desired_roles"):
            self.add_error("desired_roles", "Name at least one role you want, so employers can count you.")
        return data

    @staticmethod
    def initial_for(candidate: Candidate) -> dict[str, Any]:
        return {
            "desired_roles": ", ".join(role.title for role in candidate.desired_roles.all()),
            "location": candidate.location_label or candidate.location_text,
            "open_to_work": candidate.open_to_work,
            "job_alerts": candidate.job_alerts,
        }


class FeedUploadForm(forms.Form):
    feed = forms.FileField(
        label="Feed file",
        help_text="A JSON array of postings or a CSV file with a header row, in the layouts docs/api.md describes.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )

    def content_type(self) -> str | None:
        """The feed's type, from its name (browsers disagree on the type they send for a .csv file)."""
        name = self.cleaned_data["feed"].name.lower()
        return "application/json" if name.endswith(".json") else "text/csv" if name.endswith(".csv") else None


# Boards an organisation adds in the site are named by their token on the vendor's public API (whose address the
# connector builds). Boards read at an address of the organisation's choosing (careers pages) are added by staff in
# the admin or with `manage.py import_board`: the site would otherwise fetch any address a member types.
SITE_BOARD_KINDS = [(kind, label) for kind, label in JobBoard.Kind.choices if kind != JobBoard.Kind.JSONLD]


class JobBoardForm(forms.Form):
    kind = forms.ChoiceField(choices=SITE_BOARD_KINDS, label="Applicant tracking system")
    token = forms.RegexField(
        regex=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$",
        max_length=100,
        label="Board name",
        help_text="Your board's name in that system, as in its public job board address (e.g. 'acme').",
        error_messages={"invalid": "Letters, digits, '.', '_' and '-' only, as in the board's address."},
    )


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        max_length=500, label="Endpoint address", help_text="Where we send events: https://, a public address."
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Events to send",
        help_text="None ticked: every event.",
    )
