"""Writes to OEWS releases that change what the site shows: publishing a staged release, rolling back (one release,
or to a named one) and deleting a staged release."""

import getpass
import logging

from django.db import transaction

from geo.models import NATIONAL, Area
from sources import derived, versions
from sources.locks import holder, import_lock
from wages.models import Release, ReleaseChange, WageEstimate

logger = logging.getLogger("rolescope.releases")


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


def areas_missing(release: Release, current: Release) -> list[str]:
    """The areas `current` has estimates for and `release` has none for (codes, sorted)."""
    had = set(WageEstimate.objects.filter(release=current).values_list("area_id", flat=True).distinct())
    has = set(WageEstimate.objects.filter(release=release).values_list("area_id", flat=True).distinct())
    return sorted(had - has)


def _refuse_partial(release: Release, current: Release | None) -> str:
    """Refuse `release` (about to become current) when it lacks areas `current` has: a national-only file would
    blank every local figure. Returns the note for the audit when the caller allowed it."""
    if current is None or release.year < current.year:
        return ""
    missing = areas_missing(release, current)
    if not missing:
        return ""
    names = ", ".join(Area.objects.filter(code__in=missing[:3]).order_by("code").values_list("name", flat=True))
    return (
        f"{release.name} has no estimates for {len(missing):,} areas that {current.name} has (e.g. {names}): "
        f"publishing it would blank their local figures"
    )


def release_publish(*, year: int, by: str = "", allow_partial: bool = False) -> Release:
    """Make the staged release of `year` public: the newest public release is the current one, so a release newer
    than the current one becomes current at once, on every page, API answer, cache and memo (the data version is
    bumped in the same transaction). Refused for a release that is not loaded, already public, without national
    estimates (the role pages would have no figures), or, unless `allow_partial`, without estimates for areas the
    current release has (a national-only file would blank every local figure)."""
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
        partial = _refuse_partial(release, before)
        if partial and not allow_partial:
            raise ReleaseRefused(f"{partial}. Load its full file, or publish it with --allow-partial.")
        release.staged = False
        release.save(update_fields=["staged"])
        after = Release.objects.current()
        if after is not None and after.year == year:
            note = f"current release now (was {before.name if before else 'none'})"
        else:
            note = f"public as history; the current release stays {after.name if after else 'none'}"
        if partial:
            note = f"{note}; published partial: {partial.partition(': publishing')[0]}"
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


def release_rollback_plan(*, year: int) -> list[Release]:
    """The public releases newer than `year` (newest first), which rolling back to `year` stages again. Refused
    when `year` is not a public release older than the current one."""
    public = list(Release.objects.public().order_by("-year"))
    if not any(release.year == year for release in public):
        names = ", ".join(release.name for release in public) or "none"
        raise ReleaseRefused(f"May {year} is not a public release (public: {names}).")
    newer = [release for release in public if release.year > year]
    if not newer:
        raise ReleaseRefused(f"May {year} is already the current release; nothing to roll back.")
    return newer


def release_rollback_to(*, year: int, by: str = "") -> tuple[list[Release], Release]:
    """Stage again every public release newer than `year`, so May `year` is current (their figures stay loaded;
    `release_publish` makes each public again). Returns (the releases staged, newest first; the release now
    current). One transaction and one data version bump."""
    with import_lock(), transaction.atomic():
        list(Release.objects.public().select_for_update().filter(year__gte=year))  # locked until the end
        withdrawn = release_rollback_plan(year=year)
        target = Release.objects.get(year=year)
        for release in withdrawn:
            release.staged = True
            release.save(update_fields=["staged"])
            release_change_record(
                release=release,
                action=ReleaseChange.Action.ROLLED_BACK,
                by=by,
                note=f"staged again; rolled back to {target.name}, the current release again",
            )
        versions.bump("data")
        derived.changed("oews")
    return withdrawn, target


def release_delete(*, year: int, by: str = "") -> int:
    """Delete a staged release and its estimates (a public one is refused: roll it back first). Its audit rows go
    with it, so the deletion is logged (rolescope.releases). Returns the estimates deleted."""
    with import_lock(), transaction.atomic():
        release = Release.objects.select_for_update().filter(year=year).first()
        if release is None:
            raise ReleaseRefused(f"May {year} is not loaded.")
        if not release.staged:
            raise ReleaseRefused(
                f"{release.name} is public; only a staged release can be deleted (roll it back first: "
                f"manage.py release_rollback)."
            )
        estimates, _ = WageEstimate.objects.filter(release=release).delete()
        release.delete()
        versions.bump("data")  # pages and answers kept for ?release={year} go
    logger.warning("%s deleted (staged, %s estimates) by %s", release.name, estimates, by or operator())
    return estimates
