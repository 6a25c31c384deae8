"""What the background worker runs for wages (django-q2, `manage.py qcluster`): the whole-release files, written
after an OEWS import, publish or rollback commits (queued by `wages.downloads.downloads_rebuild`), so neither the
process that imported nor a web request spends the minute it takes. Run twice, it writes the same files."""

import logging

from wages import downloads
from wages.models import Release

logger = logging.getLogger("rolescope.tasks")


def release_downloads_write() -> str:
    """Write every loaded release's file into ROLESCOPE_DOWNLOAD_DIR (shared by the worker and the app servers)."""
    written = []
    for release in Release.objects.order_by("year"):
        path, sha256 = downloads.write(release)
        logger.info("release download written: %s (sha256 %s)", path, sha256)
        written.append(path.name)
    return f"release downloads written: {', '.join(written) or 'none'}"
