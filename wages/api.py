"""GET /wages and GET /releases."""

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema
from pydantic import Field

from geo.models import NATIONAL, Area
from geo.resolve import gazetteer, place_or_problem
from lib.api import (
    AREA_PATTERN,
    ERRORS,
    OCCUPATION_CODE_PATTERN,
    PLACE_ANSWERS,
    PLACE_MAX_LENGTH,
    PLACE_PATTERN,
    Problem,
)
from lib.api_csv import Format, csv_rows, format_field
from lib.api_http import JsonAnswer
from lib.problems import ApiProblem
from occupations.models import Occupation
from occupations.services import soc_code_of
from sources.schemas import ImportOut, newest_imports
from wages import downloads
from wages.bulk import ListFilters, WageListOut, wage_list
from wages.models import Release
from wages.queries import cell_estimate, located_estimates, release_or_problem
from wages.schemas import ReleaseStatusOut, WageOut, release_field
from wages.summary import WageSummary

router = Router(tags=["wages"])


class WageQuery(ListFilters):
    occupation: str | None = Field(
        None,
        description="SOC code (15-1252) or O*NET-SOC code (15-1252.00). Without it: the list of estimates "
        "(filtered by area, area_kind, state and group, paged with cursor).",
        pattern=OCCUPATION_CODE_PATTERN,
        examples=["15-1252"],
    )
    area: str | None = Field(
        None, description="BLS 7-digit area code; national (0000000) when neither is given.", pattern=AREA_PATTERN
    )
    location: str | None = Field(
        None,
        description="A place instead of an area: 'Sunnyvale, CA', a ZIP code...",
        max_length=PLACE_MAX_LENGTH,
        pattern=PLACE_PATTERN,
    )
    release: int | None = release_field()


def area_for(code: str | None, location: str | None) -> Area:
    """The area asked for: by code, or the one a place resolves to; both must then agree."""
    areas = gazetteer().areas  # every OEWS area, in process memory
    area = None
    if code is not None:
        area = areas.get(code)
        if area is None:
            near = sorted(known for known in areas if known.startswith(code[:2]))[:5]
            raise ApiProblem(404, "Unknown area", f"There is no OEWS area {code}.", suggestions=near)
    if location is not None:
        place = place_or_problem(location)
        if area is not None and area.code != place.area.code:
            raise ApiProblem(
                409,
                "Area and location disagree",
                f"“{place.label}” is in {place.area.name} ({place.area.code}), not area {area.code}; give one of them.",
            )
        return place.area
    return area or areas[NATIONAL]


@router.get(
    "/wages",
    response={200: WageOut | WageListOut, 409: Problem, **PLACE_ANSWERS, **ERRORS},
    summary="OEWS estimate, or a list of estimates",
    operation_id="get_wages",
)
def wages(request: HttpRequest, query: Query[WageQuery]) -> HttpResponse:
    """The full OEWS estimate for an occupation in an area, or for a place: a place falls back, as the role page
    does, from its area to its state to the nation where BLS publishes no estimate, and `area_note` says so.
    Without `occupation`: a page of the release's estimates (WageListOut, or CSV), see wages.bulk."""
    if query.occupation is None:
        listed = area_for(query.area, query.location).code if query.area or query.location else None
        return wage_list(request, query, listed, query.release or 0)
    return wage_answer(query.occupation, query.area, query.location, query.release or 0).response()


def wage_answer(occupation: str, area: str | None, location: str | None, year: int) -> JsonAnswer:
    """The answer to one query as asked: the place resolved and the release found in process memory, the estimate
    read in one indexed query."""
    found = area_for(area, location)
    code = soc_code_of(occupation) or occupation
    return JsonAnswer.of(wage_body(code, found, year, location is not None))


def wage_body(occupation_code: str, area: Area, year: int, fall_back: bool = False) -> bytes:
    """One estimate's JSON."""
    release = release_or_problem(year)
    note = ""
    if fall_back:
        located = located_estimates([(occupation_code, area)], release)
        found = located[(occupation_code, area.code)]
        estimate, note = found.estimate, found.note
    else:
        estimate = cell_estimate(release, area, occupation_code)
    if estimate is None:
        if not Occupation.objects.filter(code=occupation_code).exists():
            near = Occupation.objects.filter(code__startswith=occupation_code[:5]).values_list("code", flat=True)[:5]
            raise ApiProblem(
                404, "Unknown occupation", f"There is no occupation {occupation_code}.", suggestions=list(near)
            )
        raise ApiProblem(
            404,
            "No estimate",
            f"BLS publishes no {release.name} estimate for {occupation_code} in area {area.code}.",
            suggestions=[f"area={NATIONAL}"],
        )
    answer = WageOut.of(WageSummary(estimate, release))
    answer.area_note = note
    return answer.model_dump_json().encode()


class ReleasesOut(Schema):
    current: int | None = Field(description="Year of the current OEWS release, the one shown by default.")
    oews: list[ReleaseStatusOut] = Field(
        description="OEWS wage releases loaded, newest first, staged ones included, each with its status and changes."
    )
    imports: list[ImportOut] = Field(description="The newest successful import of each data set.")


releases_router = Router(tags=["releases"])


class ReleasesQuery(Schema):
    format: Format | None = format_field()


@releases_router.get("", response={200: ReleasesOut, **ERRORS}, summary="Data releases", operation_id="list_releases")
@csv_rows(ReleaseStatusOut, rows="oews", filename="oews-releases.csv")
def releases(request: HttpRequest, query: Query[ReleasesQuery]) -> ReleasesOut:
    """The data releases loaded, with where each came from, which OEWS release is current and which are staged. As
    CSV: one row per OEWS release (`oews`)."""
    loaded = list(Release.objects.order_by("-year").prefetch_related("changes"))
    current = next((release.year for release in loaded if not release.staged), None)
    statuses = [ReleaseStatusOut.of_status(release, current) for release in loaded]
    for release, status in zip(loaded, statuses, strict=True):  # wages.downloads: the whole release as a file
        status.download = request.build_absolute_uri(f"{request.path.rstrip('/')}/{release.year}/download")
        status.download_sha256 = downloads.sha256_of(release)
    return ReleasesOut(current=current, oews=statuses, imports=newest_imports())


class DownloadPath(Schema):
    year: int = Field(description="The release's reference year: 2025 for May 2025.", ge=1997, le=2100)


@releases_router.get(
    "/{year}/download",
    response={200: None, 404: Problem, **ERRORS},
    summary="A whole OEWS release as gzipped CSV",
    operation_id="download_release",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The release in BLS's all_data column layout, gzipped; its SHA-256 is in the "
                "releases list as download_sha256.",
                "content": {"application/gzip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def release_download(request: HttpRequest, path: Path[DownloadPath]) -> FileResponse:
    """Every estimate of a loaded release in one file, served from disk (written when the data was loaded)."""
    release = release_or_problem(path.year)
    target, sha256 = downloads.ensured(release)
    response = FileResponse(
        target.open("rb"),
        content_type="application/gzip",
        as_attachment=True,
        filename=f"oews-M{release.year}-all-data.csv.gz",
    )
    response["ETag"] = f'"{sha256[:32]}"'
    response["Digest"] = f"sha-256={sha256}"
    return response
