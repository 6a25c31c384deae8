"""Shared pieces of the public API contract: problem documents, pagination, patterns for common fields."""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PaginationBase
from pydantic import Field, create_model

from lib.site import absolute_url

MAX_PAGE_SIZE = 100
# Patterns shared by the schemas, so invalid values are refused by validation with the field named.
SOC_PATTERN = r"^\d{2}-\d{4}$"
# A SOC code or an O*NET-SOC code (29-1141.00, 15-1252.01): both name an occupation.
OCCUPATION_CODE_PATTERN = r"^\d{2}-\d{4}(\.\d{2})?$"
# A role's slug, or the SOC / O*NET-SOC code of its occupation.
ROLE_PATTERN = r"^[-a-zA-Z0-9_]+(\.\d{2})?$"
AREA_PATTERN = r"^\d{7}$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# At least one letter or digit. Spelled out rather than \S: JSON Schema (ECMA) and pydantic (Rust regex) disagree
# on which characters are spaces (U+0085, U+FEFF), and the schema must accept exactly what the server does.
PLACE_START = "0-9A-Za-zÀ-ɏ"
# No NUL anywhere: no name or search can contain one (a request with one is a 400, see lib.http).
TEXT_PATTERN = r"^[^\x00]*$"
PLACE_PATTERN = rf"^[^\x00]*[{PLACE_START}][^\x00]*$"
# A name or list of names (roles to compare): the same rule, something to look up.
NAME_PATTERN = PLACE_PATTERN
PLACE_MAX_LENGTH = 100


def field_message(message: str) -> str:
    """A validation message as a person can act on it (pydantic names patterns, not what they mean)."""
    if PLACE_START in message:
        return "must contain a letter or digit (and no NUL character)"
    if TEXT_PATTERN in message or "\\x00" in message:
        return "must not contain a NUL character"
    return message


class Problem(Schema):
    """An RFC 9457 problem document."""

    type: str = Field("about:blank", description="A URI identifying the problem type.")
    title: str = Field(description="Short summary of the problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong and what to do about it.")
    errors: list[dict[str, str]] | None = Field(None, description="Validation errors: the field and the message.")
    suggestions: list[str] | None = Field(None, description="Close matches, when the value was not found.")
    choices: list[str] | None = Field(None, description="The values that match, when the input is ambiguous.")


# Error responses every endpoint can give, documented once: 400 (a NUL character in the address), 401 (a wrong
# key), 414 (an address longer than the server reads), 422 (a field out of bounds), 429 (over the limit).
# PLACE_ANSWERS for endpoints that take a place.
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 414: Problem, 422: Problem, 429: Problem}
PLACE_ANSWERS: dict[int, Any] = {300: Problem, 404: Problem}


def page_links(request: HttpRequest, *, count: int, page: int, page_size: int) -> tuple[str | None, str | None]:
    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        query["page_size"] = str(page_size)
        return absolute_url(request, f"{request.path}?{query.urlencode()}")

    last = max(1, -(-count // page_size))
    return (link(page + 1) if page < last else None, link(page - 1) if page > 1 and page <= last + 1 else None)


@cache
def _page_query(page_size: int) -> type[Schema]:
    """The page and page_size query parameters, with this endpoint's default page size."""
    return create_model(
        f"PageQuery{page_size}",
        __base__=Schema,
        page=(int, Field(1, ge=1, le=10_000, description="The page, from 1.")),
        page_size=(int, Field(page_size, ge=1, le=MAX_PAGE_SIZE, description="Items a page.")),
    )


class PagePagination(PaginationBase):
    """Numbered pages: `page` and `page_size` in, `count`, `next` and `previous` (absolute links) out. `prepare`
    turns one page of items into what the endpoint answers, in one go (e.g. with one query for all of them)."""

    items_attribute = "results"

    class Output(Schema):
        count: int = Field(description="Items in all pages.")
        page: int = Field(description="This page's number, from 1.")
        page_size: int = Field(description="Items a page.")
        next: str | None = Field(description="URL of the next page.")
        previous: str | None = Field(description="URL of the previous page.")
        results: list[Any]

    def __init__(
        self, *, page_size: int = 25, prepare: Callable[[list[Any]], list[Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.Input = _page_query(page_size)  # type: ignore[assignment]
        self.prepare = prepare

    def paginate_queryset(  # type: ignore[override]  # a list (search hits) or a QuerySet
        self, queryset: Sequence[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        count = self._items_count(queryset)  # type: ignore[arg-type]
        page, page_size = pagination.page, pagination.page_size
        start = (page - 1) * page_size
        items = list(queryset[start : start + page_size])
        following, preceding = page_links(request, count=count, page=page, page_size=page_size)
        return {
            "count": count,
            "page": page,
            "page_size": page_size,
            "next": following,
            "previous": preceding,
            "results": self.prepare(items) if self.prepare else items,
        }
