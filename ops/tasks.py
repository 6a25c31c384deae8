"""What the background worker runs for the project as a whole (not for one app): registered in `ops.apps`."""

import os
import time as clock
from datetime import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from lib.schedules import Recurring


def sessions_clear_expired() -> str:
    """`manage.py clearsessions`: expired sessions are deleted (the session backend's own clear_expired)."""
    call_command("clearsessions")
    return "expired sessions cleared"


def backup_nightly() -> str:
    """The scheduled backup into BACKUP_DIR, keeping the newest BACKUP_KEEP (nothing when BACKUP_DIR is unset)."""
    from ops.backup import backup_scheduled

    if not settings.BACKUP_DIR:
        return "BACKUP_DIR is not set: no scheduled backup"
    path, removed = backup_scheduled(Path(settings.BACKUP_DIR), settings.BACKUP_KEEP)
    return f"backed up to {path}; removed {len(removed)} older"


def worker_heartbeat() -> str:
    """Touches WORKER_HEARTBEAT_FILE: `deploy/entrypoint worker-alive` (the worker container's healthcheck) passes
    while it is recent, i.e. while this worker takes tasks from the queue and the scheduler queues them."""
    path = Path(settings.WORKER_HEARTBEAT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{clock.time():.0f}\n")
    os.utime(path)
    return "alive"


SCHEDULES = (
    Recurring("sessions: clear expired", "ops.tasks.sessions_clear_expired", at=time(3, 10)),
    Recurring("ops: backup", "ops.tasks.backup_nightly", at=time(2, 30)),
    Recurring("ops: worker heartbeat", "ops.tasks.worker_heartbeat", minutes=1),
)
