"""The role page's place-independent sections (roles.sections): stored rendered for every role when the data is
loaded, the same HTML as rendering them now, put in the page as they are, and rendered again (and stored) when what
they were rendered from changes (a role edited)."""

import pytest
from django.conf import settings
from django.test import Client

from market.platform import PlatformCounts
from roles.card import profile_card
from roles.models import Role, RoleSections
from roles.profiles import profile_read, profile_row_read
from roles.sections import SECTIONS, render_sections, sections_digest, sections_refresh
from roles.services import role_save
from wages.queries import current_release

pytestmark = pytest.mark.django_db


def fresh(role: Role) -> dict[str, str]:
    """The sections of `role` rendered now, from its profile (as a page with no stored row would)."""
    no_counts = PlatformCounts("United States", 0, 0, settings.PLATFORM_MARKET_MINIMUM)
    return render_sections(profile_card(role, profile_read(role.occupation_id), no_counts))


def test_every_role_has_its_sections_stored_as_rendering_them_now_gives():
    release = current_release()
    stored = {row.role_id: row for row in RoleSections.objects.filter(release=release)}
    roles = list(Role.objects.select_related("occupation"))
    assert len(stored) == len(roles)
    for role in roles[::40]:  # a spread of them: rendering every one is the build's work
        assert stored[role.id].html == fresh(role)
    sections_refresh()  # a database kept from a run of other code (--reuse-db) has other digests
    assert sections_refresh() == 0  # nothing changed since: nothing to render again
    for role in roles[::40]:
        digest = RoleSections.objects.get(role=role, release=release).digest
        assert digest == sections_digest(role, profile_row_read(role.occupation_id).built_at)


def test_the_page_shows_the_stored_sections_as_they_are():
    role = Role.objects.get(slug="registered-nurses")
    row = RoleSections.objects.get(role=role, release=current_release())
    page = Client().get("/roles/registered-nurses/", {"location": "Seattle, WA"}).content.decode()
    for name in SECTIONS:
        assert row.html[name] in page
    assert "National median wage by release" in page  # _national.html's table
    assert "Duties / responsibilities" in page  # _occupation.html


def test_an_edited_role_shows_its_new_text_and_its_sections_are_stored_again():
    role = Role.objects.get(slug="registered-nurses")
    before = RoleSections.objects.get(role=role, release=current_release())
    role.short_description = "Nurses <care> for patients, & edited by hand."
    role_save(role=role)
    page = Client().get("/roles/registered-nurses/").content.decode()
    assert "Nurses &lt;care&gt; for patients, &amp; edited by hand." in page  # escaped, as the template escapes it
    after = RoleSections.objects.get(role=role, release=current_release())
    assert after.digest != before.digest
    assert after.html == fresh(Role.objects.get(pk=role.pk))
    assert "Nurses &lt;care&gt;" in after.html["occupation_sections"]


def test_a_stale_row_is_rendered_again_by_refresh():
    role = Role.objects.get(slug="registered-nurses")
    sections_refresh()
    RoleSections.objects.filter(role=role).update(digest="stale", html={"national_sections": "", "x": ""})
    assert sections_refresh() == 1
    row = RoleSections.objects.get(role=role, release=current_release())
    assert row.html == fresh(role)
