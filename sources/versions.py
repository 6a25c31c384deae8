"""The data version: changes whenever an import succeeds, so caches keyed on it never serve stale figures."""

import time

from django.core.cache import cache
from django.db.models import Max

from sources.models import ImportRun

CACHE_KEY = "rolescope:data-version"
# Every process re-reads the version from the shared cache at most this often, and the cache from the
# database at most every RECHECK_SECONDS; importers clear both, so a new release shows within seconds.
LOCAL_SECONDS = 2.0
RECHECK_SECONDS = 10

_local: tuple[int, float] | None = None


def data_version() -> int:
    """Id of the newest successful import (0 before any)."""
    global _local
    now = time.monotonic()
    if _local is not None and _local[1] > now:
        return _local[0]
    version = cache.get(CACHE_KEY)
    if version is None:
        newest = ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).aggregate(newest=Max("id"))["newest"]
        version = int(newest or 0)
        cache.set(CACHE_KEY, version, RECHECK_SECONDS)
    _local = (int(version), now + LOCAL_SECONDS)
    return int(version)


def data_version_bump() -> None:
    """Forget the cached version so the next read sees the import that just finished."""
    global _local
    _local = None
    cache.delete(CACHE_KEY)
