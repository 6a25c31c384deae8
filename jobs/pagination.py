"""Pages of a large, sorted match set without an exact count or a deep OFFSET: shared by /jobs/ and GET /api/v1/jobs.

- **Capped count.** `capped_count` counts at most `COUNT_CAP + 1` rows (a LIMITed subquery), so a search matching
  half a million postings costs the same as one matching a thousand; beyond the cap the total is "1,000+".
- **Keyset (seek) pages.** "Next" and "Previous" carry a cursor: the sort key and id of the last (or first) row
  shown. The next page is the rows after that key in the sort order, which an index reads from where it left off
  instead of skipping every row before it. The cursor is signed (`django.core.signing`), so a forged or damaged
  one is refused (`InvalidCursor`) rather than read, and it names the sort order it belongs to.
- **Numbered pages** (`?page=3`, the links of earlier versions) still work, with an OFFSET.

The order must end with a unique, non-null key (`-id`). Other keys may be NULL: where NULLs come in the order
(`OrderBy.nulls_first` / `nulls_last`, else the database's own place for them) is part of the seek predicate.
"""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Model, OrderBy, Q, QuerySet
from django.db.models import Field as DjangoField

COUNT_CAP = 1000
CURSOR_SALT = "jobs.pagination.cursor"
CURSOR_MAX_LENGTH = 400
MAX_PAGE_NUMBER = 10_000
T = TypeVar("T", bound=Model)


class InvalidCursor(ValueError):
    """A cursor we did not make, damaged, or made for another sort order: the message says what to do."""


@dataclass(frozen=True)
class Count:
    """How many rows matched: exact up to the cap, else `value` is the cap and `exact` is False."""

    value: int
    exact: bool


def capped_count(queryset: QuerySet[Any], cap: int | None = None) -> Count:
    """The number of rows, counting at most `cap + 1` of them (SELECT COUNT(*) FROM (... LIMIT cap + 1))."""
    cap = COUNT_CAP if cap is None else cap
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return Count(value=min(counted, cap), exact=counted <= cap)


@dataclass(frozen=True)
class Key:
    """One key of the order: a field, its direction, and where its NULLs come."""

    field: str
    descending: bool
    nulls_first: bool

    def reversed(self) -> "Key":
        return Key(self.field, not self.descending, not self.nulls_first)

    def order(self) -> OrderBy:
        """This key in ORDER BY, naming where its NULLs go only where the database would put them elsewhere (an
        index in the database's own order can then serve it)."""
        if self.nulls_first == _native_nulls_first(self.descending):
            return OrderBy(F(self.field), descending=self.descending)
        if self.nulls_first:
            return OrderBy(F(self.field), descending=self.descending, nulls_first=True)
        return OrderBy(F(self.field), descending=self.descending, nulls_last=True)

    def beyond(self, value: Any) -> Q:
        """Non-null values after `value` in this key's direction."""
        return Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})

    def up_to(self, value: Any) -> Q:
        """Non-null values up to `value` (inclusive) in this direction: the range an index can seek to."""
        return Q(**{f"{self.field}__{'lte' if self.descending else 'gte'}": value})

    def equal(self, value: Any) -> Q:
        return Q(**{f"{self.field}__isnull": True}) if value is None else Q(**{self.field: value})

    def null(self, is_null: bool = True) -> Q:
        return Q(**{f"{self.field}__isnull": is_null})


def _native_nulls_first(descending: bool) -> bool:
    # PostgreSQL sorts NULL as the largest value (first when descending); SQLite as the smallest.
    return bool(connection.features.nulls_order_largest) == descending


def keys_of(queryset: QuerySet[Any]) -> list[Key]:
    """The queryset's order as keys, with each key's NULLs placed where this database puts them."""
    keys = []
    for item in queryset.query.order_by:
        if isinstance(item, str):
            descending = item.startswith("-")
            keys.append(Key(item.lstrip("-"), descending, nulls_first=_native_nulls_first(descending)))
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            native = _native_nulls_first(item.descending)
            nulls_first = True if item.nulls_first else False if item.nulls_last else native
            keys.append(Key(item.expression.name, item.descending, nulls_first))
        else:
            raise TypeError(f"cannot page by {item!r}: order by fields")
    if not keys or keys[-1].field not in {"id", "pk"}:
        raise TypeError("the order must end with the id, so that every row has its own place")
    return keys


def _after(keys: Sequence[Key], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in the order of `keys` (lexicographic, NULLs where each key puts them)."""
    key, value = keys[0], values[0]
    if len(keys) == 1:
        return key.beyond(value)  # the id: never NULL, never equal
    rest = _after(keys[1:], values[1:])
    if value is None:
        tied = key.null() & rest
        return (tied | key.null(False)) if key.nulls_first else tied
    after = key.beyond(value) | (key.equal(value) & rest)
    return after if key.nulls_first else after | key.null()


def _segments(keys: Sequence[Key], values: Sequence[Any]) -> list[Q]:
    """`_after` as one or two filters, each a range on the first key that an index can seek into, read in order:
    the rows after `values` with the same nullness of the first key as it, then those with the other, if they
    come later."""
    key, value = keys[0], values[0]
    if len(keys) == 1:
        return [key.beyond(value)]
    rest = _after(keys[1:], values[1:])
    if value is None:
        tied = key.null() & rest
        return [tied, key.null(False)] if key.nulls_first else [tied]
    same = key.up_to(value) & (key.beyond(value) | (key.equal(value) & rest))
    return [same] if key.nulls_first else [same, key.null()]


def seek(queryset: QuerySet[T], keys: Sequence[Key], values: Sequence[Any], limit: int) -> list[T]:
    """Up to `limit` rows after `values` in the queryset's order (`keys`)."""
    rows: list[T] = []
    for segment in _segments(keys, values):
        rows += queryset.filter(segment)[: limit - len(rows)]
        if len(rows) >= limit:
            break
    return rows


def signature(keys: Sequence[Key]) -> str:
    """The order, as a cursor names it: a cursor for one order is refused by another."""
    return ",".join(("-" if key.descending else "") + key.field for key in keys)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or, going back, before) the row with these key values."""

    order: str
    values: tuple[Any, ...]
    page: int  # the page number it leads to, shown as "Page 3"
    backwards: bool = False
    capped: bool = False  # the search matched more than COUNT_CAP postings: later pages need not count again

    def encode(self) -> str:
        values = [value.isoformat() if hasattr(value, "isoformat") else value for value in self.values]
        payload = {"o": self.order, "v": values, "p": self.page, "b": int(self.backwards), "c": int(self.capped)}
        # Signed without a timestamp: the same page gives the same links, so the answer's ETag stays the same.
        return signing.Signer(salt=CURSOR_SALT).sign_object(payload)


def cursor_decode(raw: str, *, model: type[Model], keys: Sequence[Key]) -> Cursor:
    """The cursor in a link, checked: signed by us, for this order, with a value of the right type for each key."""
    if len(raw) > CURSOR_MAX_LENGTH:
        raise InvalidCursor("The page link is damaged (its cursor is too long). Start again from the first page.")
    try:
        payload = signing.Signer(salt=CURSOR_SALT).unsign_object(raw)
    except (signing.BadSignature, ValueError, zlib.error):
        raise InvalidCursor(
            "The page link is damaged or out of date (its cursor was not made by this site). "
            "Start again from the first page."
        ) from None
    if not isinstance(payload, dict) or payload.get("o") != signature(keys):
        raise InvalidCursor("The page link belongs to another sort order. Start again from the first page.")
    raw_values, page = payload.get("v"), payload.get("p")
    if not isinstance(raw_values, list) or len(raw_values) != len(keys) or not isinstance(page, int):
        raise InvalidCursor("The page link is damaged. Start again from the first page.")
    values = []
    try:
        for key, value in zip(keys, raw_values, strict=True):
            field = model._meta.get_field("id" if key.field == "pk" else key.field)
            assert isinstance(field, DjangoField), "the order is by the model's own fields"
            values.append(None if value is None else field.to_python(value))
    except (ValidationError, TypeError, ValueError):  # a value the field cannot read
        raise InvalidCursor("The page link is damaged. Start again from the first page.") from None
    if values[-1] is None or page < 1:
        raise InvalidCursor("The page link is damaged. Start again from the first page.")
    return Cursor(
        order=signature(keys),
        values=tuple(values),
        page=page,
        backwards=bool(payload.get("b")),
        capped=bool(payload.get("c")),
    )


@dataclass
class Page(Generic[T]):
    """One page of rows, with what links to its neighbours need."""

    items: list[T]
    number: int
    count: Count
    page_size: int
    next_cursor: str | None
    previous_cursor: str | None
    has_previous: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def num_pages(self) -> int | None:
        """The number of pages, when the count is exact."""
        return max(1, -(-self.count.value // self.page_size)) if self.count.exact else None

    @property
    def previous_is_first(self) -> bool:
        """The previous page is the first, whose link needs no cursor."""
        return self.number == 2


def _values(row: Model, keys: Sequence[Key]) -> tuple[Any, ...]:
    return tuple(getattr(row, "pk" if key.field == "id" else key.field) for key in keys)


def _seek_page(
    queryset: QuerySet[T], keys: Sequence[Key], where: Cursor, page_size: int
) -> tuple[list[T], int, bool, bool]:
    """The page after (or before) a cursor: (items, its number, whether more follow, whether a page precedes)."""
    if not where.backwards:
        rows = seek(queryset, keys, where.values, page_size + 1)
        return rows[:page_size], where.page, len(rows) > page_size, True
    reverse = [key.reversed() for key in keys]
    rows = seek(queryset.order_by(*(key.order() for key in reverse)), reverse, where.values, page_size + 1)
    has_previous = len(rows) > page_size
    # More follow: the row the cursor was made from. Without a page before, this is the first.
    return list(reversed(rows[:page_size])), where.page if has_previous else 1, True, has_previous


def _numbered_page(
    queryset: QuerySet[T], count: Count, number: int | None, clamp: bool, page_size: int
) -> tuple[list[T], int, bool, bool]:
    """Page `number` by OFFSET: (items, its number, whether more follow, whether a page precedes)."""
    page = max(1, min(number or 1, MAX_PAGE_NUMBER))
    if clamp and count.exact and page > 1:
        page = min(page, max(1, -(-count.value // page_size)))
    start = (page - 1) * page_size
    rows = list(queryset[start : start + page_size + 1]) if count.value else []  # nothing to read
    return rows[:page_size], page, len(rows) > page_size, page > 1


def page_of(
    queryset: QuerySet[T],
    *,
    page_size: int,
    cursor: str | None = None,
    number: int | None = None,
    clamp: bool = False,
    in_order: QuerySet[T] | None = None,
) -> Page[T]:
    """A page of `queryset` (ordered, ending with the id): after or before `cursor`, or numbered `number` (an
    OFFSET, for links made before cursors), or the first. `clamp` shows the last page for a number past the end,
    when the count says where that is (as Django's Paginator.get_page). `in_order` is the same rows in a form the
    database reads in their order, for a match set larger than the cap (jobs.search.search_pages). Raises
    InvalidCursor."""
    keys = keys_of(queryset)
    where = cursor_decode(cursor, model=queryset.model, keys=keys) if cursor else None
    # Past the first page of a search that matched more than the cap, "1,000+" stands without counting again.
    count = Count(COUNT_CAP, exact=False) if where and where.capped else capped_count(queryset)
    if in_order is not None and not count.exact:
        queryset = in_order
    if where:
        items, page, more, has_previous = _seek_page(queryset, keys, where, page_size)
    else:
        items, page, more, has_previous = _numbered_page(queryset, count, number, clamp, page_size)
    order, capped = signature(keys), not count.exact
    next_cursor = Cursor(order, _values(items[-1], keys), page + 1, capped=capped).encode() if more and items else None
    previous_cursor = None
    if has_previous and items and page > 2:
        previous_cursor = Cursor(order, _values(items[0], keys), page - 1, backwards=True, capped=capped).encode()
    return Page(
        items=items,
        number=page,
        count=count,
        page_size=page_size,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        has_previous=has_previous and page > 1,
    )
