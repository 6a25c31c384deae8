"""Full-text search over postings: a GIN index on PostgreSQL, an FTS5 table on SQLite.

Both index `Posting.search_text` (title, employer, role and description, kept by `Posting.save`). Words are
stemmed (English on PostgreSQL, Porter on SQLite) and every query word matches as a prefix, so "engineer"
finds "Engineering Manager" and "nurs" finds "Nurse".
"""

import re

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

MAX_WORDS = 8
WORD = re.compile(r"[^\W_]+")

SQLITE_INSTALL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS jobs_posting_fts USING fts5(
        search_text, content='jobs_posting', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    # Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers; `install` runs after
    # every migrate (jobs.apps), so they come back.
    """CREATE TRIGGER IF NOT EXISTS jobs_posting_fts_insert AFTER INSERT ON jobs_posting BEGIN
        INSERT INTO jobs_posting_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER IF NOT EXISTS jobs_posting_fts_delete AFTER DELETE ON jobs_posting BEGIN
        INSERT INTO jobs_posting_fts(jobs_posting_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        END""",
    """CREATE TRIGGER IF NOT EXISTS jobs_posting_fts_update AFTER UPDATE OF search_text ON jobs_posting BEGIN
        INSERT INTO jobs_posting_fts(jobs_posting_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO jobs_posting_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
]
POSTGRES_INSTALL = [
    """CREATE INDEX IF NOT EXISTS jobs_posting_search_gin ON jobs_posting
        USING gin (to_tsvector('english'::regconfig, search_text))""",
]


def install(db: BaseDatabaseWrapper, *, rebuild: bool = False) -> None:
    """Create the index (idempotent). `rebuild` re-reads every posting into SQLite's FTS table."""
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            missing = not cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'jobs_posting_fts_insert'"
            ).fetchone()
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)
            if rebuild or missing:
                cursor.execute("INSERT INTO jobs_posting_fts(jobs_posting_fts) VALUES ('rebuild')")
        elif db.vendor == "postgresql":
            for statement in POSTGRES_INSTALL:
                cursor.execute(statement)


def words(text: str) -> list[str]:
    """The query's words, lower-cased, at most MAX_WORDS of them."""
    return [word.lower() for word in WORD.findall(text)][:MAX_WORDS]


def matches(text: str, *, in_order: bool = False) -> Q | None:
    """A filter for postings matching every word of `text` (as prefixes); None when it has no words.

    `in_order` is for a page of a search known to match many postings (jobs.search): SQLite then reads the
    postings in their sort order and checks each against the words, stopping after a page, instead of looking up
    every match by id and sorting them all (a unary plus keeps it from using the id for the lookup)."""
    terms = words(text)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        sql = "to_tsvector('english'::regconfig, \"jobs_posting\".\"search_text\") @@ to_tsquery('english', %s)"
        # The SQL is constant; the words travel as a parameter.
        return Q(RawSQL(sql, [" & ".join(f"{term}:*" for term in terms)], output_field=BooleanField()))  # noqa: S611
    if connection.vendor == "sqlite":
        sql = '"jobs_posting"."id" IN (SELECT rowid FROM jobs_posting_fts WHERE jobs_posting_fts MATCH %s)'
        sql = f"+{sql}" if in_order else sql
        return Q(RawSQL(sql, [" ".join(f'"{term}"*' for term in terms)], output_field=BooleanField()))  # noqa: S611
    query = Q()
    for term in terms:
        query &= Q(search_text__icontains=term)
    return query
