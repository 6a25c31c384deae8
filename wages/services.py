"""Writes to OEWS releases that change what the site shows: publishing a staged release and rolling back."""

import getpass

from django.db import transaction

from geo.models import NATIONAL
from sources import derived, versions
from sources.locks import holder, import_lock
from wages.models import Release, ReleaseChange, WageEstimate


class ReleaseRefused(Exception):
    """A publish or rollback that would leave the site in a state nobody asked for; the message says why."""


def operator() -> str:
    """Who runs this process, for the audit when no one is named."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no entry for the uid (a container without /etc/passwd)
        return "unknown"


def release_change_record(*, release: Release, action: str, by: str = "", note: str = "") -> ReleaseChange:
    return ReleaseChange.objects.create(
        release=release, action=action, by=by or operator(), holder=holder(), note=note[:500]
    )


def release_publish(*, year: int, by: str = "") -> Release:
    """Make the staged release of `year` public: the newest public release is the current one, so a release newer
    than the current one becomes current at once, on every page, API answer, cache and memo (the data version is
    bumped in the same transaction). Refused for a release that is not loaded, already public, or without national
    estimates (the role pages would have no figures)."""
    with import_lock(), transaction.atomic():  # not while an import is writing
        release = Release.objects.select_for_update().filter(year=year).first()
        if release is None:
            loaded = ", ".join(r.name for r in Release.objects.order_by("-year")) or "none"
            raise ReleaseRefused(f"May {year} is not loaded (loaded: {loaded}); import it with --stage first.")
        if not release.staged:
            current = Release.objects.current()
            status = "the current release" if current and current.year == year else "public (in the history)"
            raise ReleaseRefused(f"{release.name} is already {status}; nothing to publish.")
        if not WageEstimate.objects.filter(release=release, area_id=NATIONAL).exists():
            raise ReleaseRefused(f"{release.name} has no national estimates; load its national file before publishing.")
        before = Release.objects.current()
        release.staged = False
        release.save(update_fields=["staged"])
        after = Release.objects.current()
        if after is not None and after.year == year:
            note = f"current release now (was {before.name if before else 'none'})"
        else:
            note = f"public as history; the current release stays {after.name if after else 'none'}"
        release_change_record(release=release, action=ReleaseChange.Action.PUBLISHED, by=by, note=note)
        versions.bump("data")
        derived.changed("oews")  # the role profiles' history and national figures, in this transaction
    return release


def release_rollback(*, by: str = "") -> tuple[Release, Release]:
    """Stage the current release again, so the previous public release is current again (its figures stay loaded:
    `release_publish` makes it current once more). Returns (the release rolled back, the release now current)."""
    with import_lock(), transaction.atomic():
        public = list(Release.objects.public().select_for_update().order_by("-year")[:2])
        if not public:
            raise ReleaseRefused("No release is public; nothing to roll back.")
        if len(public) == 1:
            raise ReleaseRefused(f"{public[0].name} is the only public release; there is no earlier one to go back to.")
        withdrawn, previous = public
        withdrawn.staged = True
        withdrawn.save(update_fields=["staged"])
        release_change_record(
            release=withdrawn,
            action=ReleaseChange.Action.ROLLED_BACK,
            by=by,
            note=f"staged again; {previous.name} is the current release again",
        )
        versions.bump("data")
        derived.changed("oews")  # the role profiles' history and national figures, in this transaction
    return withdrawn, previous
