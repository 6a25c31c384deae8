"""Build what every worker needs before gunicorn forks them (`preload_app`, `deploy/gunicorn.conf.py`): the place
gazetteer, the role search index, the supply splits, the compiled templates, the URL patterns and the API. Forked
workers share these pages with the master until they write to them, so a fresh worker answers its first request
about as fast as a warm one, and each worker's own memory stays small. Nothing here is per role: what a role page
shows of its occupation is read from `roles.RoleProfile`, built when the data was loaded.

The memos are keyed by the data version (`sources.versions`): a worker that later sees a newer version rebuilds
its own copy, exactly as before.
"""

import gc
import inspect
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.template.loader import get_template
from django.urls import get_resolver

logger = logging.getLogger("rolescope.warm")

TEMPLATES = (
    "roles/detail.html",
    "roles/home.html",
    "roles/directory.html",
    "jobs/list.html",
    "jobs/detail.html",
    "base.html",
)


WARM_PLACE = "Austin, TX"


def warm_role_page() -> None:
    """Render one role page (the first role by slug) for one place with the view's own code, the page cache left out:
    every code path a page takes (the card and its sections, the place resolution, the template tags and the context
    processors) runs once, so a worker's first page pays only for its own role and place."""
    from django.contrib.auth.models import AnonymousUser
    from django.http.request import validate_host
    from django.test import RequestFactory

    from roles.card import role_slugs
    from roles.views import role_detail

    slugs = role_slugs()
    if not slugs:
        return
    slug = min(slugs)
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"] + ["localhost"]
    host = next(host for host in hosts if validate_host(host, settings.ALLOWED_HOSTS or ["localhost"]))
    request = RequestFactory(HTTP_HOST=host).get(f"/roles/{slug}/", {"location": WARM_PLACE})
    request.user = AnonymousUser()
    inspect.unwrap(role_detail)(request, slug=slug)


def warm_before_fork() -> None:
    from geo.resolve import resolve
    from market.difficulty import national_market
    from roles.card import role_slugs
    from roles.search import search_roles
    from wages.queries import current_release

    started = time.monotonic()
    try:
        resolve(WARM_PLACE)  # the gazetteer: cities, ZIP codes, counties, metro areas
        search_roles("registered nurse")  # the role search index
        role_slugs()
        national_market("29-1141")  # the supply splits
        current_release()
        for name in TEMPLATES:
            get_template(name)  # compiled once, kept by the cached template loader
        # The URL patterns (and with them the API's routes and schemas) and the cache's Redis client library are
        # otherwise loaded by a worker's first request: about 170 ms of imports.
        get_resolver().resolve("/roles/registered-nurses/")
        get_resolver().resolve("/api/v1/wages")
        caches["default"].get("warm")  # imports redis with REDIS_URL; the connection is closed before the fork
        warm_role_page()
    except Exception:  # a server with no data yet still starts; workers build what they need on demand
        logger.warning("Warming before the fork failed; workers will build their indexes themselves.", exc_info=True)
    finally:
        # Nothing that holds a socket may cross the fork: each worker opens its own connections.
        connections.close_all()
        caches.close_all()
    gc.collect()
    gc.freeze()  # objects built so far are never scanned by the collector again, so their pages stay shared
    logger.info("Warmed before the fork in %.1f s.", time.monotonic() - started)


def warm_worker() -> None:
    """A forked worker, before its first request (gunicorn's post_fork): open its connections and render the warm
    role page once more. Its memos are the master's; what this costs is the copy of the memory pages a request
    writes to (reference counts), which its first request would otherwise pay."""
    started = time.monotonic()
    try:
        caches["default"].get("warm")
        warm_role_page()
    except Exception:  # the worker serves anyway, and builds what it needs on demand
        logger.warning("Warming a new worker failed.", exc_info=True)
    logger.info("Warmed a new worker in %.3f s.", time.monotonic() - started)
