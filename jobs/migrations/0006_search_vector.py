"""PostgreSQL: full-text search reads a stored tsvector column (`jobs_posting.search_vector`, generated from
`search_text`) with a GIN index, instead of a GIN index on the expression `to_tsvector(search_text)` (jobs.fulltext).
The column is not in the model, so the migration state does not change; SQLite keeps its FTS5 table."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jobs import fulltext

    if schema_editor.connection.vendor == "postgresql":
        for statement in fulltext.POSTGRES_INSTALL:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jobs import fulltext

    if schema_editor.connection.vendor == "postgresql":
        for statement in fulltext.POSTGRES_UNINSTALL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0005_feed_imports_and_idempotency")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
