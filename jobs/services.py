"""Writes for postings."""

from django.db import transaction
from django.utils import timezone

from jobs.models import Posting


@transaction.atomic
def postings_expire() -> int:
    """Expire every published posting past its date. Returns how many changed; a second run changes none."""
    return Posting.objects.filter(status=Posting.Status.PUBLISHED, expires_at__lte=timezone.now()).update(
        status=Posting.Status.EXPIRED
    )
