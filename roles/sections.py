"""The role page's place-independent sections, rendered once per role and release and stored (`RoleSections`).

A role page for a random role and place spent most of its time rendering sections that are the same for every
place and visitor: the national wages and their change, the description, duties, skills, technology, education and
job zone. Each template in SECTIONS is rendered with the role and its card built from the occupation's profile only
(`roles.card.profile_card`), put in the page as it is (`{{ national_sections }}` in roles/detail.html), and stored
with the role profiles when the data they read is imported or a release is published (`sections_rebuild`, a
`sources.derived` builder). A page reads its row in the same query as the profile (`profile_row_read`).

A stored row is used only when its digest is what the page would render it from now: the role's row (an edit
changes `updated_at` and the text), the profile's build time, the names in SECTIONS and the templates and code that
format them. Otherwise the page renders the sections and stores them again, so an edit, a profile built on first
read, another release asked for with ?release= or a deploy with new templates needs no hook to stay correct.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from market.platform import PlatformCounts
from roles.card import RoleCard, profile_card
from roles.models import Role, RoleSections
from roles.profiles import ProfileRow, profiles_of_release
from wages.models import Release
from wages.queries import current_release

# The page's context name -> a template that depends on the role and the release only. A template listed here sees
# `card` (a `profile_card`: no place, no related roles, no platform counts: card.platform is all zeros and
# card.market the public estimate) and `role`; a section that shows the place or rolescope's own counts stays in
# roles/detail.html.
SECTIONS: dict[str, str] = {
    "national_sections": "roles/_national.html",
    "occupation_sections": "roles/_occupation.html",
    "pay_meaning_section": "roles/_pay_meaning.html",
    "outlook_section": "roles/_outlook.html",
    "entry_section": "roles/_entry.html",
}

# What formats the sections besides their templates: a change to these files renders every stored section again.
_ROOT = Path(__file__).resolve().parent.parent
_CODE = ("roles/templatetags/rolescope.py", "roles/card.py", "roles/profiles.py", "wages/summary.py", "wages/models.py")


@cache
def _code_digest() -> bytes:
    """The templates of this app and the code that formats figures, as deployed (read once per process)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr(sorted(SECTIONS.items())).encode())
    files = sorted((_ROOT / "roles" / "templates").rglob("*.html")) + [_ROOT / name for name in _CODE]
    for path in files:
        digest.update(str(path.relative_to(_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.digest()


def sections_digest(role: Role, built_at: datetime | None) -> str:
    """What the stored HTML of `role` was rendered from: its row, its profile's build time, SECTIONS and the code."""
    digest = hashlib.blake2b(_code_digest(), digest_size=16)
    digest.update(repr([getattr(role, field.attname) for field in Role._meta.concrete_fields]).encode())
    digest.update((built_at.isoformat() if built_at else "").encode())
    return digest.hexdigest()


def _no_counts() -> PlatformCounts:
    return PlatformCounts("United States", 0, 0, settings.PLATFORM_MARKET_MINIMUM)  # no section reads them


def render_sections(card: RoleCard) -> dict[str, str]:
    context = {"card": card, "role": card.role}
    return {name: render_to_string(template, context) for name, template in SECTIONS.items()}


def page_sections(card: RoleCard, row: ProfileRow) -> dict[str, SafeString]:
    """The sections of the page of `card` (whose profile is `row`): the stored HTML when it is current, else
    rendered now (from the role and the profile, as `sections_build` does) and stored for the next page."""
    digest = sections_digest(card.role, row.built_at)
    html = row.sections_html
    if html is None or row.sections_digest != digest:
        html = render_sections(profile_card(card.role, row.profile, _no_counts()))
        if card.release is not None and row.built_at is not None:
            _store([RoleSections(role=card.role, release=card.release, digest=digest, html=html)])
    # rendered by our templates with autoescaping, so safe to put in the page as they are
    return {name: mark_safe(html[name]) for name in SECTIONS}  # noqa: S308


def _store(rows: Iterable[RoleSections]) -> None:
    RoleSections.objects.bulk_create(
        list(rows), update_conflicts=True, unique_fields=["role", "release"], update_fields=["digest", "html"]
    )


def sections_rebuild() -> int:
    """Replace every stored section with the current release's, for every role (after the role profiles are
    built, in the same import). Other releases' are rendered when first asked for."""
    RoleSections.objects.all().delete()
    release = current_release()
    if release is None:
        return 0
    return sections_build(release)


def sections_refresh() -> int:
    """Render and store again the current release's sections whose digest is no longer what a page would render
    them from (a deploy with new templates, say): `manage.py prepare` runs it before the servers start, so their
    pages do not render them one by one."""
    release = current_release()
    if release is None:
        return 0
    stored = dict(RoleSections.objects.filter(release=release).values_list("role_id", "digest"))
    return sections_build(release, stored)


def sections_build(release: Release, stored: dict[int, str] | None = None) -> int:
    """Render and store the sections of every role with its occupation's stored profile in `release` (only those
    whose digest differs from `stored`'s, role id -> digest, when given)."""
    roles: dict[str, list[Role]] = {}
    for role in Role.objects.select_related("occupation"):
        roles.setdefault(role.occupation_id, []).append(role)
    no_counts = _no_counts()
    written = 0
    batch: list[RoleSections] = []
    for soc, profile, built_at in profiles_of_release(release):
        for role in roles.get(soc, []):
            digest = sections_digest(role, built_at)
            if stored is None or stored.get(role.id) != digest:
                html = render_sections(profile_card(role, profile, no_counts))
                batch.append(RoleSections(role=role, release=release, digest=digest, html=html))
        if len(batch) >= 100:
            _store(batch)
            written, batch = written + len(batch), []
    _store(batch)
    return written + len(batch)
