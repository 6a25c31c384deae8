"""API contract for the provenance of the data loaded."""

from datetime import datetime

from ninja import Schema
from pydantic import Field

from sources.models import ImportRun
from sources.registry import data_sets


class ImportOut(Schema):
    source: str = Field(description="oews, onet, projections, geo, cps, cip_soc or ipeds.")
    release: str
    file_name: str = Field(description="The file (or folder) loaded, without the server's path.")
    sha256: str = Field(description="SHA-256 of the file loaded (empty for a folder).")
    rows_read: int
    rows_written: int
    rows_skipped: int
    loaded_at: datetime | None

    @staticmethod
    def of(run: ImportRun) -> "ImportOut":
        return ImportOut(
            source=run.source,
            release=run.release,
            file_name=run.file_name.rsplit("/", 1)[-1],
            sha256=run.sha256,
            rows_read=run.rows_read,
            rows_written=run.rows_written,
            rows_skipped=run.rows_rejected,
            loaded_at=run.finished_at,
        )


def newest_imports() -> list[ImportOut]:
    """The newest successful import of each registered data set (of each OEWS release, for wages)."""
    names = {name for data_set in data_sets() for name in data_set.sources}
    newest: dict[tuple[str, str], ImportRun] = {}
    runs = ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED, source__in=names)
    for run in runs.order_by("-finished_at"):
        newest.setdefault((run.source, run.release if run.source == "oews" else ""), run)
    return [ImportOut.of(run) for run in sorted(newest.values(), key=lambda r: (r.source, r.release))]
