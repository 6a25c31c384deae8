"""CSV beside JSON on the API's lists: `format=csv` (or `Accept: text/csv`) answers the same rows as the JSON's list,
one column per field, named as in the JSON (a nested object's fields as `object.field`; a list or a map as its JSON
text in one cell), and the paging links in a `Link` header (RFC 8288) instead of the body.

An endpoint opts in with `@csv_rows(ItemSchema)` under its route decorator and a `format` query field
(`format_field()`); `config.api.RolescopeAPI.create_response` turns the validated answer into CSV. Endpoints that
build their own answer (the wages list, the occupations) write their CSV themselves with `wants_csv`."""

import csv
import io
import json
import types
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, Literal, Union, get_args, get_origin

from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel, Field

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
Format = Literal["json", "csv"]


def format_field() -> Any:
    """The `format` query field of a list that answers in CSV too."""
    return Field(None, description="csv for a CSV file of the rows (also with Accept: text/csv); json otherwise.")


def wants_csv(request: HttpRequest, fmt: str | None) -> bool:
    """format=csv, or no format and an Accept header that names text/csv before (or without) JSON."""
    if fmt is not None:
        return fmt == "csv"
    accept = request.headers.get("Accept", "")
    return "text/csv" in accept and "application/json" not in accept.split("text/csv")[0]


def csv_text(rows: list[dict[str, Any]], header: list[str] | None = None) -> str:
    buffer = io.StringIO()
    if rows or header:
        writer = csv.DictWriter(buffer, fieldnames=header or list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The schema a field holds (itself, or inside `X | None`); None for anything else."""
    if get_origin(annotation) in (Union, types.UnionType):
        found = [arg for arg in get_args(annotation) if arg is not type(None)]
        annotation = found[0] if len(found) == 1 else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def columns_of(schema: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, ...]]:
    """The path of each CSV column in the JSON of `schema`: nested objects spread out, in field order."""
    for name, field in schema.model_fields.items():
        nested = _model_of(field.annotation)
        if nested is not None:
            yield from ((name, *path) for path in columns_of(nested))
        else:
            yield (name,)


def cell(item: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = item
    for key in path:
        if value is None:
            return None
        value = value.get(key)
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"  # as JSON writes them
    return value


def csv_answer(items: list[dict[str, Any]], schema: type[BaseModel], filename: str) -> HttpResponse:
    """The rows as CSV (`items`: the JSON's list, as the API renders it)."""
    paths = list(columns_of(schema))
    header = [".".join(path) for path in paths]
    rows = [dict(zip(header, (cell(item, path) for path in paths), strict=True)) for item in items]
    response = HttpResponse(csv_text(rows, header), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_rows(schema: type[BaseModel], *, rows: str = "results", filename: str) -> Callable[[Any], Any]:
    """Mark a list endpoint as answering CSV too: its answer's `rows` list, each item a `schema`."""

    def decorate(view: Any) -> Any:
        @wraps(view)
        def marked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            request.csv_rows = (schema, rows, filename)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return marked

    return decorate


def link_header(answer: Any) -> str | None:
    """A paged answer's `next` and `previous` links as a Link header; None when there are none."""
    if not isinstance(answer, dict):
        return None
    links = [
        f'<{answer[key]}>; rel="{rel}"' for key, rel in (("next", "next"), ("previous", "prev")) if answer.get(key)
    ]
    return ", ".join(links) or None
