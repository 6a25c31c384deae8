"""Deployment checks for what the sign-in, sign-up, reset and API throttles (accounts.throttle, lib.ratelimit) and
the site's links rely on. `manage.py check --deploy` shows them; the WSGI application logs the first at start-up.

- Without a shared cache (REDIS_URL), each worker process counts limits in its own memory: with 2 workers, 10 wrong
  passwords become 20, and the API limits double too.
- Without SITE_URL, absolute links are built from the request's (normalised) host (lib/site.py)."""

import logging
import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

logger = logging.getLogger("rolescope.checks")

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def web_workers() -> int:
    """Worker processes per app server, as deploy/gunicorn.conf.py sizes them (WEB_CONCURRENCY, else 2 a core + 1)."""
    try:
        return int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)
    except ValueError:
        return 1


def unshared_limits() -> str | None:
    """Why the limits are per worker, or None when every worker counts in one shared cache (or there is one)."""
    backend = settings.CACHES["default"]["BACKEND"]
    workers = web_workers()
    if backend not in PER_PROCESS_CACHES or workers < 2:
        return None
    return (
        f"No shared cache (REDIS_URL is not set) and {workers} web workers: every limit (sign-in, sign-up, password "
        f"reset, API keys and calls) is counted by each worker apart, so each allows {workers} times what it says."
    )


@register(Tags.security, deploy=True)
def check_shared_limits(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problem = unshared_limits()
    if problem is None:
        return []
    return [Warning(problem, hint="Set REDIS_URL (docs/operations.md), or run one worker.", id="rolescope.W001")]


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.SITE_URL:
        return []
    return [
        Warning(
            "SITE_URL is not set: canonical and share links and emails use the host each request names.",
            hint="Set SITE_URL to the address people use, e.g. https://rolescope.example.org.",
            id="rolescope.W002",
        )
    ]


def warn_at_start() -> None:
    """Log, once per server start, what `check --deploy` would warn about the limits."""
    problem = unshared_limits()
    if problem is not None:
        logger.warning("%s Set REDIS_URL.", problem)
