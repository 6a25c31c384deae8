"""Make the database ready for the app servers: wait for it, then migrate, load the bundled data if it is not
there yet and set up the schedules, once, however many servers start together.

`deploy/entrypoint` runs this before it starts gunicorn or a worker. Three app servers starting at the same
moment all call it: on PostgreSQL a session-level advisory lock lets one of them work while the others wait,
and then find nothing left to do; on SQLite (one machine) a file lock beside the database does the same.
"""

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, connection

from ops.probes import migrations_applied

PREPARE_LOCK_KEY = 0x726F6C66  # "rolf": the advisory lock of `prepare`, beside the import lock's "role"


class Command(BaseCommand):
    help = "Wait for the database, then migrate, load the bundled data if needed and set up schedules, once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait",
            type=float,
            default=60.0,
            help="Seconds to wait for the database to accept connections (default 60).",
        )
        parser.add_argument(
            "--wait-only",
            action="store_true",
            help="Only wait for the database and its migrations (a worker: the web servers or init migrate).",
        )
        parser.add_argument("--no-data", action="store_true", help="Migrate, but do not load the bundled data.")

    def handle(self, *args: Any, **options: Any) -> None:
        deadline = time.monotonic() + options["wait"]
        self.wait_for_database(deadline)
        if options["wait_only"]:
            while not migrations_applied():
                if time.monotonic() > deadline:
                    raise CommandError(
                        "The database's migrations were not applied in time: is a web server or init up?"
                    )
                self.stdout.write("prepare: waiting for the migrations...")
                time.sleep(2)
            return
        started = time.monotonic()
        with self.exclusive():
            waited = time.monotonic() - started
            if waited > 1:
                self.stdout.write(f"prepare: waited {waited:.1f} s for another server to finish preparing")
            call_command("migrate", interactive=False, verbosity=0)
            if not options["no_data"]:
                call_command("load_snapshot", if_needed=True, verbosity=options["verbosity"])
                self.refresh_derived()
            call_command("setup_schedules", verbosity=0)
        self.stdout.write(f"prepare: database ready in {time.monotonic() - started:.1f} s")

    def refresh_derived(self) -> None:
        """What is stored rendered and depends on the code deployed: the role page's sections (roles.sections)."""
        from roles.sections import sections_refresh

        started = time.monotonic()
        rendered = sections_refresh()
        if rendered:
            self.stdout.write(f"prepare: {rendered} role page sections rendered in {time.monotonic() - started:.1f} s")

    def wait_for_database(self, deadline: float) -> None:
        while True:
            try:
                connection.ensure_connection()
                return
            except OperationalError as exc:
                if time.monotonic() > deadline:
                    raise CommandError(f"The database did not accept connections in time: {exc}") from None
                self.stdout.write("prepare: waiting for the database...")
                time.sleep(1)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One server prepares at a time; the lock goes with the process if it dies."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [PREPARE_LOCK_KEY])
            try:
                yield
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [PREPARE_LOCK_KEY])
            return
        path = Path(str(settings.DATABASES["default"]["NAME"]) + ".prepare.lock")
        with open(path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
