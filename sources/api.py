"""GET /releases: the data loaded, with provenance."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from lib.api import ERRORS
from sources.models import ImportRun
from wages.models import Release
from wages.schemas import ReleaseOut

router = Router(tags=["releases"])


class ImportOut(Schema):
    source: str = Field(description="oews, onet, projections, geo, cps, cip_soc or ipeds.")
    release: str
    file_name: str = Field(description="The file (or folder) loaded, without the server's path.")
    sha256: str = Field(description="SHA-256 of the file loaded (empty for a folder).")
    rows_read: int
    rows_written: int
    rows_skipped: int
    loaded_at: datetime | None


class ReleasesOut(Schema):
    oews: list[ReleaseOut] = Field(description="OEWS wage releases, newest first.")
    imports: list[ImportOut] = Field(description="The newest successful import of each data set.")


@router.get("", response={200: ReleasesOut, **ERRORS}, summary="Data releases")
def releases(request: HttpRequest) -> ReleasesOut:
    """The data releases loaded, with where each came from."""
    newest: dict[tuple[str, str], ImportRun] = {}
    runs = ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).exclude(source="snapshot")
    for run in runs.order_by("-finished_at"):
        newest.setdefault((run.source, run.release if run.source == "oews" else ""), run)
    return ReleasesOut(
        oews=[ReleaseOut.of(release) for release in Release.objects.order_by("-year")],
        imports=[
            ImportOut(
                source=run.source,
                release=run.release,
                file_name=run.file_name.rsplit("/", 1)[-1],
                sha256=run.sha256,
                rows_read=run.rows_read,
                rows_written=run.rows_written,
                rows_skipped=run.rows_rejected,
                loaded_at=run.finished_at,
            )
            for run in sorted(newest.values(), key=lambda r: (r.source, r.release))
        ],
    )
