"""Database housekeeping shared by the importers and cron commands, and one row read with SQL made once."""

from typing import Any

from django.db import connection, connections
from django.db.models.expressions import Col

# A row's column position -> the ORM's converters for it and its column (`SQLCompiler.get_converters` of the columns)
Converters = dict[int, tuple[list[Any], Col]]


def refresh_statistics() -> None:
    """Let the query planner see the tables' current sizes (after an import or a day's changes).

    SQLite keeps no statistics until asked: without them it scans the postings by status rather than
    reading the few that full-text search found. PostgreSQL's autovacuum would get there, later."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def fetch_one(sql: str, params: list[Any], converters: Converters, using: str = "default") -> list[Any] | None:
    """The one row of `sql` (made once by the caller, for a query run on every page), with the ORM's converters
    applied to its values as a queryset would (JSON decoded, SQLite's text to decimals and datetimes); None when
    there is no row."""
    database = connections[using]
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, (functions, column) in converters.items():
        for convert in functions:
            values[position] = convert(values[position], column, database)
    return values
