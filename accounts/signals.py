"""Deleting what a key's access rests on (the key, its owner, the owner's profile or organisation) bumps the `access`
version, as revoking does: key lookups are kept in each process's memory (accounts.services._active_key) until that
version changes, so without the bump a deleted key kept working on every server for up to the memo's 30 s. Deletes
from the admin, the shell or a cascade all come through here."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import ApiKey, Organisation, Profile
from sources import versions


@receiver(post_delete, sender=ApiKey)
@receiver(post_delete, sender=User)
@receiver(post_delete, sender=Profile)
@receiver(post_delete, sender=Organisation)
def access_deleted(sender: type, **kwargs: Any) -> None:
    versions.bump("access")  # in the delete's transaction: the bump commits with it
