"""Full-text search over postings: a stored tsvector column with a GIN index on PostgreSQL, an FTS5 table on SQLite.

Both index `Posting.search_text` (title, employer, role and description, kept by `Posting.save`). Words are
stemmed (English on PostgreSQL, Porter on SQLite) and every query word matches as a prefix, so "engineer"
finds "Engineering Manager" and "nurs" finds "Nurse".

On PostgreSQL the words are parsed once, when a posting is written, into `jobs_posting.search_vector` (a generated
column, not in the model: Django never reads or writes it). A page of a search matching many postings reads the
postings in date order and checks each one (jobs.search); with a stored vector that check is a cheap comparison,
where an index on the expression `to_tsvector(search_text)` had PostgreSQL parse every posting's text again (95 ms
for a page of "engineer" over 1,000,000 postings, 2 ms with the column).
"""

import re
from typing import TypeVar

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

MAX_WORDS = 8
T = TypeVar("T", bound=Model)
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
POSTGRES_VECTOR = "to_tsvector('english'::regconfig, search_text)"
POSTGRES_INDEX = "jobs_posting_search_vector_gin"
POSTGRES_INSTALL = [
    f"""ALTER TABLE jobs_posting ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS ({POSTGRES_VECTOR}) STORED""",
    f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON jobs_posting USING gin (search_vector)",
    # The index on the expression, which the column replaces (migration jobs 0006).
    "DROP INDEX IF EXISTS jobs_posting_search_gin",
]
POSTGRES_UNINSTALL = [
    f"CREATE INDEX IF NOT EXISTS jobs_posting_search_gin ON jobs_posting USING gin ({POSTGRES_VECTOR})",
    f"DROP INDEX IF EXISTS {POSTGRES_INDEX}",
    "ALTER TABLE jobs_posting DROP COLUMN IF EXISTS search_vector",
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
        sql = '"jobs_posting"."search_vector" @@ to_tsquery(\'english\', %s)'
        # Each word as a prefix (`engineer:*`) or (`|`) as the whole word, which it also matches: the same postings.
        # The whole word is there for the planner. Unless the column's statistics hold 100 common words or more
        # (postings with few words between them), PostgreSQL guesses that a prefix matches 2% of the postings; it
        # estimates a whole word from the statistics. Guessing 2% when "engineer" matches 14%, it counted a page's
        # matches by reading all 143,000 of them from the GIN index (40 ms) instead of reading postings until it
        # had counted 1,001 (20 ms, jobs.pagination.capped_count).
        tsquery = " & ".join(f"({term}:* | {term})" for term in terms)
        # The SQL is constant; the words travel as a parameter.
        return Q(RawSQL(sql, [tsquery], output_field=BooleanField()))  # noqa: S611
    if connection.vendor == "sqlite":
        sql = '"jobs_posting"."id" IN (SELECT rowid FROM jobs_posting_fts WHERE jobs_posting_fts MATCH %s)'
        sql = f"+{sql}" if in_order else sql
        return Q(RawSQL(sql, [_fts_query(terms)], output_field=BooleanField()))  # noqa: S611
    query = Q()
    for term in terms:
        query &= Q(search_text__icontains=term)
    return query


def search(postings: QuerySet[T], text: str, *, in_order: bool = False) -> QuerySet[T] | None:
    """`postings` (a queryset of jobs.Posting) narrowed to those matching every word of `text`, as `matches`;
    None when it has no words.

    On SQLite, but for `in_order`, the FTS table is joined to the postings instead of filtering by
    `id IN (SELECT rowid ... MATCH ...)`: SQLite builds the whole list of matches before it reads the first
    posting for that filter (143,000 ids for "engineer" over 1,000,000 postings), where the join reads the matches
    one by one and stops when it has enough. Counting 1,001 of them (jobs.pagination.capped_count) takes 9 ms
    instead of 22 ms. Each posting has one row in the FTS table, so the join repeats no posting."""
    terms = words(text)
    if not terms:
        return None
    if connection.vendor == "sqlite" and not in_order:
        # Constant SQL; the words travel as a parameter (`extra` is the only way to join a table with no model).
        return postings.extra(
            tables=["jobs_posting_fts"],
            where=['"jobs_posting_fts"."rowid" = "jobs_posting"."id"', '"jobs_posting_fts" MATCH %s'],
            params=[_fts_query(terms)],
        )
    return postings.filter(matches(text, in_order=in_order))


def _fts_query(terms: list[str]) -> str:
    """SQLite FTS5: every word, quoted, as a prefix."""
    return " ".join(f'"{term}"*' for term in terms)
