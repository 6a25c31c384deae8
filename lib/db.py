"""Database housekeeping shared by the importers and cron commands."""

from django.db import connection


def refresh_statistics() -> None:
    """Let the query planner see the tables' current sizes (after an import or a day's changes).

    SQLite keeps no statistics until asked: without them it scans the postings by status rather than
    reading the few that full-text search found. PostgreSQL's autovacuum would get there, later."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
