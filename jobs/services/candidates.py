"""Writes for candidate profiles."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from jobs.models import Candidate
from sources import versions


@transaction.atomic
def candidate_save(*, user: User, data: dict[str, Any]) -> Candidate:
    candidate, _ = Candidate.objects.get_or_create(user=user)
    place = data.get("location")
    candidate.location_text = place.query if place else ""
    candidate.location_label = place.label if place else ""
    candidate.area = place.area if place else None
    candidate.open_to_work = bool(data.get("open_to_work"))
    candidate.job_alerts = bool(data.get("job_alerts", candidate.job_alerts))
    candidate.save()
    candidate.desired_roles.set(data.get("desired_roles", []))
    versions.bump("platform")
    return candidate
