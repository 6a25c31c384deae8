"""Forms for postings, organisation profiles and candidate profiles. The API validates with the same forms,
so the site and /api/v1/jobs accept and refuse exactly the same things."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import URLValidator

from geo.resolve import Place, resolve
from jobs.models import Candidate, Employer, Posting
from roles.models import Role
from roles.search import suggested_role

MAX_HOURLY = Decimal(1_000)
MAX_YEARLY = Decimal(10_000_000)


def web_address(url: str) -> str:
    """`url` stripped, if it is an http(s) address (no javascript:, ftp: or other schemes); "" stays ""."""
    url = url.strip()
    if url:
        URLValidator(schemes=["https", "http"], message="Enter a web address starting with https://.")(url)
    return url


def place_or_error(text: str) -> Place:
    """The place `text` means, or a ValidationError that says what to type instead."""
    resolution = resolve(text)
    if resolution.place:
        return resolution.place
    if resolution.choices:
        raise forms.ValidationError(f"Several places match; write one of: {'; '.join(resolution.choices[:5])}.")
    hint = f" Did you mean {' or '.join(resolution.suggestions[:3])}?" if resolution.suggestions else ""
    raise forms.ValidationError((resolution.error or f"We don't know the place '{text}'.") + hint)


def role_or_error(text: str) -> Role:
    """A role named by its slug or title, else the closest match by the site's role search."""
    text = text.strip()
    found = Role.objects.filter(slug=text).first() or Role.objects.filter(title__iexact=text).first()
    found = found or suggested_role(text)
    if found is None:
        raise forms.ValidationError(f"No role matches '{text[:100]}'; pick one from the list.")
    return found


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
    salary_min = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False, label="Pay from")
    salary_max = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False, label="Pay up to")
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

    def clean_role(self) -> Role | None:
        text = self.cleaned_data.get("role", "")
        return role_or_error(text) if text.strip() else None

    def clean_location(self) -> Place | None:
        text = self.cleaned_data.get("location", "").strip()
        return place_or_error(text) if text else None

    def clean_apply_url(self) -> str:
        return web_address(self.cleaned_data.get("apply_url", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("arrangement") != Posting.Arrangement.REMOTE
            and not data.get("location")
            and not self.errors.get("location")
        ):
            self.add_error("location", "Say where the job is, or choose Remote.")
        low, high, period = data.get("salary_min"), data.get("salary_max"), data.get("salary_period")
        if (low is not None or high is not None) and not period:
            self.add_error("salary_period", "Say whether the pay is per hour or per year.")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", "The upper end of the pay is below the lower end.")
        limit = MAX_HOURLY if period == Posting.Period.HOUR else MAX_YEARLY
        for name in ("salary_min", "salary_max"):
            if data.get(name) is not None and data[name] > limit:
                self.add_error(name, f"At most ${limit:,} per {period or 'year'}.")
        if not data.get("apply_url") and not data.get("apply_email") and not self.errors.get("apply_url"):
            self.add_error("apply_url", "Give a web address or an email address to apply at.")
        if data.get("title") and data.get("role") is None and not self.errors.get("role"):
            data["role"] = suggested_role(data["title"])
        return data

    @staticmethod
    def initial_for(posting: Posting) -> dict[str, Any]:
        """The form's values for an existing posting (also the base an API PATCH is applied to)."""
        return {
            "title": posting.title,
            "role": posting.role.slug if posting.role else "",
            "location": posting.location_label or posting.location_text,
            "arrangement": posting.arrangement,
            "employment_type": posting.employment_type,
            "salary_min": posting.salary_min,
            "salary_max": posting.salary_max,
            "salary_period": posting.salary_period,
            "description": posting.description,
            "apply_url": posting.apply_url,
            "apply_email": posting.apply_email,
        }


class EmployerForm(forms.ModelForm):
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Employer
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
        }
