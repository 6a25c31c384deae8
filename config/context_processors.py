"""What every page's frame (templates/base.html) shows, computed once."""

from functools import cache

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

SITE_LINKS = {
    "home": "roles:home",
    "roles": "roles:directory",
    "jobs": "jobs:list",
    "methodology": "roles:methodology",
    "account": "accounts:home",
    "about": "roles:about",
    "api_docs": "api-v1:openapi-view",
    "compare": "roles:compare",
}


@cache
def _site_urls(prefix: str) -> dict[str, str]:
    return {name: reverse(route) for name, route in SITE_LINKS.items()}


def site_urls(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The site navigation's addresses, reversed once per script prefix rather than on every page."""
    return {"site_urls": _site_urls(get_script_prefix())}


def version(request: HttpRequest) -> dict[str, str]:
    """rolescope's version, shown in every page's footer."""
    from ops.version import VERSION

    return {"rolescope_version": VERSION}
