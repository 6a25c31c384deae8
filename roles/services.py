"""Writes for roles: one role per detailed occupation, and the curated roles editors maintain."""

import json
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from occupations.models import Occupation
from occupations.services import soc_code_of
from roles.models import Category, Role
from sources import versions

CURATED = Path(__file__).resolve().parent / "fixtures" / "curated_roles.json"


@transaction.atomic
def categories_ensure(*, path: Path = CURATED) -> int:
    """Create the default categories that do not exist yet; existing ones keep their edits."""
    created = 0
    for entry in json.loads(path.read_text())["categories"]:
        _, was_created = Category.objects.get_or_create(slug=entry["slug"], defaults=entry)
        created += was_created
    return created


@transaction.atomic
def roles_sync() -> int:
    """Give every detailed occupation a role. Existing roles (curated or edited) are left alone."""
    categories_ensure()
    by_major = {
        group.strip(): category
        for category in Category.objects.all()
        for group in category.soc_major_groups.split(",")
        if group.strip()
    }
    fallback = Category.objects.order_by("-position").first()
    assert fallback is not None
    has_role = set(Role.objects.filter(is_curated=False).values_list("occupation_id", flat=True))
    taken = set(Role.objects.values_list("slug", flat=True))
    new = []
    for occupation in Occupation.objects.filter(level=Occupation.Level.DETAILED).exclude(code__in=has_role):
        slug = slugify(occupation.title)[:100] or occupation.code
        if slug in taken:
            slug = f"{slug}-{occupation.code}"
        taken.add(slug)
        new.append(
            Role(
                slug=slug,
                title=occupation.title,
                category=by_major.get(occupation.code[:2], fallback),
                occupation=occupation,
            )
        )
    Role.objects.bulk_create(new, batch_size=500)
    if new:
        versions.bump("data")
    return len(new)


@transaction.atomic
def curated_roles_load(*, path: Path = CURATED) -> int:
    """Create or update the curated roles in `path` (the customer's own text)."""
    categories_ensure(path=path)
    count = 0
    for entry in json.loads(path.read_text())["roles"]:
        Role.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "category": Category.objects.get(slug=entry["category"]),
                "occupation": Occupation.objects.get(code=entry["occupation"]),
                "is_curated": True,
                "short_description": entry["short_description"],
                "duties": "\n".join(entry["duties"]),
                "skills": "\n".join(entry["skills"]),
            },
        )
        count += 1
    versions.bump("data")
    return count


@transaction.atomic
def role_save(*, role: Role) -> Role:
    """Save an editor's change to a role (or create one): every page, search and role card shows it at once."""
    role.save()
    versions.bump("data")
    return role


def role_for_code(text: str) -> Role | None:
    """The role of the occupation a SOC or O*NET-SOC code names ("29-1141", "29-1141.00"): the occupation's own
    role (not a curated one), or None when `text` is not a code or no role takes its figures from it."""
    code = soc_code_of(text)
    if code is None:
        return None
    return (
        Role.objects.select_related("category", "occupation")
        .filter(occupation_id=code)
        .order_by("is_curated", "title")
        .first()
    )
