"""Writes for an organisation's profile on the job board: `accounts` saves it, this rewrites what its postings
carry of it."""

from typing import Any

from django.db import transaction

from accounts.models import Organisation
from accounts.services import organisation_update


@transaction.atomic
def organisation_profile_update(*, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """Save an organisation's profile; a new name is searchable at once (it is part of every posting's search
    text)."""
    if organisation_update(organisation=organisation, data=data):
        for posting in organisation.postings.select_related("employer", "role"):
            posting.search_text = posting.search_document()
            posting.save(update_fields=["search_text"])
    return organisation
