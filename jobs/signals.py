"""Postings and candidate profiles feed the role pages' platform counts: every change bumps the platform
version, which is part of those pages' cache keys."""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from jobs.models import Candidate, Posting
from jobs.platform import platform_changed


@receiver(post_save, sender=Posting)
@receiver(post_delete, sender=Posting)
@receiver(post_save, sender=Candidate)
@receiver(post_delete, sender=Candidate)
@receiver(m2m_changed, sender=Candidate.desired_roles.through)
def _platform_changed(sender: Any, **kwargs: Any) -> None:
    platform_changed()
