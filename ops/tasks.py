"""What the background worker runs for the project as a whole (not for one app): registered in `ops.apps`."""

from datetime import time

from django.core.management import call_command

from lib.schedules import Recurring


def sessions_clear_expired() -> str:
    """`manage.py clearsessions`: expired sessions are deleted (the session backend's own clear_expired)."""
    call_command("clearsessions")
    return "expired sessions cleared"


SCHEDULES = (Recurring("sessions: clear expired", "ops.tasks.sessions_clear_expired", at=time(3, 10)),)
