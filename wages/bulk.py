"""GET /api/v1/wages without an occupation: the estimates of a release as a list, filtered by area, kind of area,
state, occupation group or code prefix, up to 1,000 rows a page in a stable order (area code, then occupation code)
with a cursor, as JSON or CSV (`format=csv` or `Accept: text/csv`).

The rows are read with one indexed query a page (the (release, area, occupation) index), as tuples, not model
instances; area names come from the gazetteer in process memory and occupation titles from a memo."""

import json
import re
from decimal import Decimal
from typing import Any, Literal

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode
from ninja import Schema
from pydantic import Field

from geo.models import Area
from geo.resolve import gazetteer
from lib.api_csv import CSV_CONTENT_TYPE, Format, csv_text, format_field, wants_csv
from occupations.models import Occupation
from sources import versions
from wages.models import ESTIMATE_FIELDS, Release, WageEstimate
from wages.queries import release_or_problem
from wages.schemas import Percentiles, ReleaseOut

MAX_ROWS = 1000
CURSOR_PATTERN = r"^\d{7}_\d{2}-\d{4}$"
PREFIX_PATTERN = r"^\d{2}(-\d{0,4})?$"
AREA_KINDS = ("national", "state", "territory", "metro", "nonmetro")
PERCENTILE_KEYS = ("p10", "p25", "median", "p75", "p90", "mean")


class ListFilters(Schema):
    """The filters of the list (`occupation` absent); each narrows it."""

    area_kind: Literal["national", "state", "territory", "metro", "nonmetro"] | None = Field(
        None, description="List: only areas of this kind."
    )
    state: str | None = Field(
        None, description="List: only areas whose primary state is this (postal code).", pattern=r"^[A-Za-z]{2}$"
    )
    group: str | None = Field(
        None,
        description="List: only occupations in this SOC group or under this code prefix: a major group (15 or "
        "15-0000) or a prefix of a code (15-12, 15-1252).",
        pattern=PREFIX_PATTERN,
    )
    cursor: str | None = Field(
        None, description="List: the `next_cursor` of the previous page.", pattern=CURSOR_PATTERN
    )
    limit: int = Field(MAX_ROWS, ge=1, le=MAX_ROWS, description="List: rows a page, at most 1,000.")
    format: Format | None = format_field()


class WageRowOut(Schema):
    occupation_code: str
    occupation_title: str
    area_code: str
    area_name: str
    area_kind: str
    state: str
    employment: int | None
    employment_rse: float | None = Field(description="Percent.")
    jobs_per_1000: float | None
    location_quotient: float | None
    mean_rse: float | None = Field(description="Percent.")
    annual: Percentiles = Field(description="Annual wages, dollars.")
    hourly: Percentiles = Field(description="Hourly wages, dollars.")
    annual_only: bool
    hourly_only: bool
    special: dict[str, str] = Field(description="Field -> BLS symbol, for values published as a symbol.")


class WageListOut(Schema):
    release: ReleaseOut
    results: list[WageRowOut]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last page.")
    next: str | None = Field(description="URL of the next page (also in the Link header).")


@versions.memoized("occupation titles", maxsize=1)
def occupation_titles() -> dict[str, str]:
    return dict(Occupation.objects.values_list("code", "title"))


def code_prefix(group: str) -> str:
    """15 and 15-0000 are the major group (every code starting 15-); anything else is a prefix as written."""
    if re.fullmatch(r"\d{2}(-0000)?", group):
        return f"{group[:2]}-"
    return group


def _areas(filters: Any, area: str | None) -> list[str] | None:
    """The area codes the filters keep, from the gazetteer in memory; None for every area."""
    if area is None and filters.area_kind is None and filters.state is None:
        return None
    kept = []
    for code, known in gazetteer().areas.items():
        if area is not None and code != area:
            continue
        if filters.area_kind is not None and known.kind != filters.area_kind:
            continue
        if filters.state is not None and known.state_abbr != filters.state.upper():
            continue
        kept.append(code)
    return kept


def _rows(release: Release, filters: Any, area: str | None) -> list[tuple[Any, ...]]:
    query = WageEstimate.objects.filter(release=release)
    codes = _areas(filters, area)
    if codes == []:
        return []  # no area of that kind or state (state=AA): an empty page, not an empty IN ()
    if codes is not None:
        query = query.filter(area_id__in=codes)
    if filters.group:
        query = query.filter(occupation__code__startswith=code_prefix(filters.group))
    if filters.cursor:
        after_area, after_code = filters.cursor.split("_")
        query = query.filter(area_id__gte=after_area).exclude(area_id=after_area, occupation_id__lte=after_code)
    fields = ("area_id", "occupation_id", *ESTIMATE_FIELDS, "annual_only", "hourly_only", "special")
    page = query.order_by("area_id", "occupation_id").values_list(*fields)[: filters.limit + 1]
    # The rows as the driver gives them, without Django's per-value converters (a Decimal made for each of 17,000
    # values a page, then turned into a float for JSON): numbers come as numbers, `special` as JSON text.
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _num(value: Any) -> Any:
    return float(value) if type(value) is Decimal else value


def _row(values: tuple[Any, ...], areas: dict[str, Area], titles: dict[str, str]) -> dict[str, Any]:
    area_code, code, *figures = values
    found = dict(zip(ESTIMATE_FIELDS, figures[: len(ESTIMATE_FIELDS)], strict=True))
    annual_only, hourly_only, special = figures[len(ESTIMATE_FIELDS) :]
    if isinstance(special, str):
        special = json.loads(special)
    area = areas.get(area_code)
    return {
        "occupation_code": code,
        "occupation_title": titles.get(code, ""),
        "area_code": area_code,
        "area_name": area.name if area else "",
        "area_kind": area.kind if area else "",
        "state": area.state_abbr if area else "",
        **{name: _num(found[name]) for name in ("employment", "employment_rse", "jobs_per_1000", "location_quotient")},
        "mean_rse": _num(found["mean_rse"]),
        "annual": {key: _num(found[f"annual_{key}"]) for key in PERCENTILE_KEYS},
        "hourly": {key: _num(found[f"hourly_{key}"]) for key in PERCENTILE_KEYS},
        "annual_only": bool(annual_only),
        "hourly_only": bool(hourly_only),
        "special": special or {},
    }


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row as CSV columns: the percentiles spread out with their unit, a symbol in place of its empty value."""
    out = {key: value for key, value in row.items() if not isinstance(value, dict)}
    for unit, suffix in (("annual", "usd_per_year"), ("hourly", "usd_per_hour")):
        for key in PERCENTILE_KEYS:
            out[f"{unit}_{key}_{suffix}"] = row[unit][key]
    for name, symbol in row["special"].items():
        column = next((c for c in out if c == name or c.startswith(f"{name}_usd")), None)
        if column is not None:
            out[column] = symbol
    return out


def wage_list(request: HttpRequest, filters: Any, area: str | None, year: int) -> HttpResponse:
    """One page of the list as asked (`area`: a known area code, or None for all): JSON (WageListOut) or CSV, with a
    Link header to the next page."""
    release = release_or_problem(year)
    found = _rows(release, filters, area)
    page, more = found[: filters.limit], len(found) > filters.limit
    areas, titles = gazetteer().areas, occupation_titles()
    rows = [_row(values, areas, titles) for values in page]
    next_cursor = f"{page[-1][0]}_{page[-1][1]}" if more else None
    link = None
    if next_cursor is not None:
        query = request.GET.copy()
        query["cursor"] = next_cursor
        link = request.build_absolute_uri(f"{request.path}?{urlencode(list(query.lists()), doseq=True)}")
    if wants_csv(request, filters.format):
        header = None if rows else list(flat(_row(("", "", *[None] * len(ESTIMATE_FIELDS), False, False, {}), {}, {})))
        response = HttpResponse(csv_text([flat(row) for row in rows], header), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="oews-{release.year}-wages.csv"'
    else:
        body = {
            "release": ReleaseOut.of(release).model_dump(),
            "results": rows,
            "next_cursor": next_cursor,
            "next": link,
        }
        response = HttpResponse(json.dumps(body, separators=(",", ":")), content_type="application/json")
    if link is not None:
        response["Link"] = f'<{link}>; rel="next"'
    return response
