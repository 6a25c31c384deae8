"""The data version: changes whenever an import succeeds, so caches keyed on it never serve stale figures."""

from django.core.cache import cache
from django.db.models import Max

from sources.models import ImportRun

CACHE_KEY = "rolescope:data-version"
# Every process re-reads the version at least this often; importers also publish it to the shared cache.
RECHECK_SECONDS = 10


def data_version() -> int:
    """Id of the newest successful import (0 before any)."""
    version = cache.get(CACHE_KEY)
    if version is None:
        newest = ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).aggregate(newest=Max("id"))["newest"]
        version = int(newest or 0)
        cache.set(CACHE_KEY, version, RECHECK_SECONDS)
    return int(version)


def data_version_bump() -> None:
    """Forget the cached version so the next read sees the import that just finished."""
    cache.delete(CACHE_KEY)
