"""Each loaded OEWS release as one gzipped CSV in BLS's own "all_data" column layout (AREA, AREA_TITLE, AREA_TYPE,
... ANNUAL, HOURLY), BLS's special values ("#", "*", "**", "~") in their cells as BLS writes them: what an integrator
mirrors in one call (`GET /api/v1/releases/{year}/download`), with its SHA-256 in `/api/v1/releases`.

The files are written once per change of the data they hold, by the background worker: an OEWS import, a publish or
a rollback queues `wages.tasks.release_downloads_write` in its transaction (a builder registered with
`sources.derived`), and the worker writes into ROLESCOPE_DOWNLOAD_DIR, a folder every app server reads (one volume
shared by the app servers and the worker in compose.yaml). Each file is written to a temporary name in that folder and
renamed, so a reader never sees half a file. A file that is not there (no worker has run yet, data loaded another
way) is written on first request, the same way; requests are served from it. The SHA-256 sits beside each file."""

import csv
import gzip
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from geo.models import NATIONAL, Area
from geo.resolve import gazetteer
from lib.tasks import task_enqueue
from occupations.models import Occupation
from wages.models import ESTIMATE_FIELDS, Release, WageEstimate

HEADER = [
    "AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "NAICS", "NAICS_TITLE", "I_GROUP", "OWN_CODE", "OCC_CODE",
    "OCC_TITLE", "O_GROUP", "TOT_EMP", "EMP_PRSE", "JOBS_1000", "LOC_QUOTIENT", "PCT_TOTAL", "PCT_RPT", "H_MEAN",
    "A_MEAN", "MEAN_PRSE", "H_PCT10", "H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90", "A_PCT10", "A_PCT25", "A_MEDIAN",
    "A_PCT75", "A_PCT90", "ANNUAL", "HOURLY",
]  # fmt: skip
# Our fields in the order of the file's TOT_EMP ... A_PCT90 columns (PCT_TOTAL and PCT_RPT are empty cross-industry).
FIELD_ORDER = (
    "employment", "employment_rse", "jobs_per_1000", "location_quotient", None, None, "hourly_mean", "annual_mean",
    "mean_rse", "hourly_p10", "hourly_p25", "hourly_median", "hourly_p75", "hourly_p90", "annual_p10", "annual_p25",
    "annual_median", "annual_p75", "annual_p90",
)  # fmt: skip
AREA_TYPES = {"national": "1", "state": "2", "territory": "3", "metro": "4", "nonmetro": "6"}
CROSS_INDUSTRY = ["000000", "Cross-industry", "cross-industry", "1235"]


def directory() -> Path:
    return Path(settings.ROLESCOPE_DOWNLOAD_DIR)


def path_of(year: int) -> Path:
    """The file of release `year`: written again after every OEWS import, publish or rollback commits (the derived
    builder below), so a request never writes it unless it is missing."""
    return directory() / f"oews-M{year}-all-data.csv.gz"


def _remove_older(target: Path, year: int) -> None:
    for old in directory().glob(f"oews-M{year}-all-data-v*.csv.gz*"):
        if not old.name.startswith(target.name):
            old.unlink(missing_ok=True)


def short_area(area: Area) -> str:
    """The AREA column as BLS writes it: 99 for the nation, the state FIPS code, the CBSA or nonmetro number."""
    if area.code == NATIONAL:
        return "99"
    if area.kind in (Area.Kind.STATE, Area.Kind.TERRITORY):
        return str(int(area.code[:2]))
    return str(int(area.code))


def _area_columns(area: Area) -> list[str]:
    national = area.code == NATIONAL
    return [
        short_area(area),
        "National" if national else area.name,
        AREA_TYPES.get(area.kind, ""),
        "US" if national else area.state_abbr,
    ]


def _cell(value: Any, special: str | None) -> str:
    if special:
        return special
    return "" if value is None else str(value)


def o_groups(release: Release) -> dict[str, str]:
    """Occupation code -> O_GROUP as BLS writes it in the release: the SOC level, except for a broad group, which
    BLS calls "detailed" when the release publishes none of its detailed occupations (it stands for them), and
    "minor" when it is the only broad group of its minor group."""
    published = set(
        WageEstimate.objects.filter(release=release, area_id=NATIONAL).values_list("occupation_id", flat=True)
    )
    hierarchy = list(Occupation.objects.values_list("code", "level", "parent_id"))
    children: dict[str, list[str]] = {}
    for code, _, parent in hierarchy:
        children.setdefault(parent or "", []).append(code)
    groups = {}
    for code, level, parent in hierarchy:
        if level == Occupation.Level.BROAD and not published & set(children.get(code, [])):
            level = "detailed"
        elif level == Occupation.Level.BROAD and parent and len(children.get(parent, [])) == 1:
            level = "minor"
        groups[code] = level
    return groups


def rows(release: Release) -> Iterator[list[str]]:
    """The release's rows in the official layout, in (area code, occupation code) order, read in chunks."""
    areas = {code: _area_columns(area) for code, area in gazetteer().areas.items()}
    groups = o_groups(release)
    occupations = {
        code: (title, groups.get(code, "")) for code, title in Occupation.objects.values_list("code", "title")
    }
    fields = ("area_id", "occupation_id", *ESTIMATE_FIELDS, "annual_only", "hourly_only", "special")
    query = WageEstimate.objects.filter(release=release).order_by("area_id", "occupation_id").values_list(*fields)
    for area_code, code, *values in query.iterator(chunk_size=5000):
        found = dict(zip(ESTIMATE_FIELDS, values[: len(ESTIMATE_FIELDS)], strict=True))
        annual_only, hourly_only, special = values[len(ESTIMATE_FIELDS) :]
        special = special or {}
        title, level = occupations.get(code, ("", ""))
        yield [
            *areas.get(area_code, [area_code, "", "", ""]),
            *CROSS_INDUSTRY,
            code,
            title,
            level,
            *(_cell(found[name], special.get(name)) if name else "" for name in FIELD_ORDER),
            "TRUE" if annual_only else "",
            "TRUE" if hourly_only else "",
        ]


def write(release: Release) -> tuple[Path, str]:
    """Write the release's file (to a temporary name, then renamed) and its SHA-256 beside it; (path, sha256)."""
    target = path_of(release.year)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".oews-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw:
            hashing = _Hashing(raw, digest)
            with gzip.GzipFile(fileobj=hashing, mode="wb", mtime=0, compresslevel=6) as zipped:
                text = io.TextIOWrapper(zipped, encoding="utf-8", newline="")
                writer = csv.writer(text, lineterminator="\n")
                writer.writerow(HEADER)
                writer.writerows(rows(release))
                text.flush()
                text.detach()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sha256 = digest.hexdigest()
    Path(f"{target}.sha256").write_text(f"{sha256}  {target.name}\n")
    _remove_older(target, release.year)
    return target, sha256


class _Hashing:
    """A binary file that hashes what is written to it."""

    def __init__(self, raw: Any, digest: Any) -> None:
        self.raw, self.digest = raw, digest

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return int(self.raw.write(data))

    def flush(self) -> None:
        self.raw.flush()


def ensured(release: Release) -> tuple[Path, str]:
    """The release's file and its SHA-256, written now if it is not there."""
    target = path_of(release.year)
    digest_file = Path(f"{target}.sha256")
    if target.exists() and digest_file.exists():
        return target, digest_file.read_text().split()[0]
    return write(release)


def sha256_of(release: Release) -> str:
    return ensured(release)[1]


def downloads_rebuild() -> int:
    """The `sources.derived` builder: queue the worker's task that writes every loaded release's file again
    (`wages.tasks.release_downloads_write`), committed with the import, publish or rollback that changed them. Until
    it has run, the previous file and its digest are served together."""
    task_enqueue("wages.tasks.release_downloads_write")
    return 0
