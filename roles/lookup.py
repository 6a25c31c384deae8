"""A role or a category by what a caller wrote, or the problem to answer with: the API, the job board's filters and
any other edge that takes a role slug (or a SOC / O*NET-SOC code) or a category slug read them here."""

from lib.problems import ApiProblem
from roles.card import role_by_slug
from roles.models import Category, Role
from roles.search import search_roles
from roles.services import role_for_code


def role_missing(slug: str) -> ApiProblem:
    """404 for a role that does not exist, with the nearest roles' slugs as suggestions."""
    suggestions = [hit.slug for hit in search_roles(slug.replace("-", " "), limit=5)]
    return ApiProblem(404, "Unknown role", f"There is no role “{slug[:100]}”.", suggestions=suggestions)


def role_or_problem(slug: str) -> Role:
    """The role with this slug, or the role of the occupation a SOC / O*NET-SOC code names."""
    role = role_by_slug(slug) or role_for_code(slug)
    if role is None:
        raise role_missing(slug)
    return role


def category_or_problem(slug: str) -> Category:
    """The category with this slug, or a 404 listing every category's slug."""
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ApiProblem(
            404,
            "Unknown category",
            f"There is no category “{slug}”.",
            suggestions=list(Category.objects.values_list("slug", flat=True)),
        )
    return category
