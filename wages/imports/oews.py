"""Import OEWS estimates from BLS's own file layout (national "dl" files, all-data / state / MSA files).

Accepts .xlsx, .csv and .csv.gz with the BLS column names, and BLS's own zips of them (`oesm25all.zip` holding
`all_data_M_2025.xlsx`, `oesm24nat.zip` holding `national_M2024_dl.xlsx`). Only cross-industry rows are loaded.
"""

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db.models import Max

from geo.models import Area
from geo.services import county_areas_refresh
from occupations.models import Occupation
from occupations.services import occupation_hierarchy_refresh
from sources.loading import TableWriter, progress, recorded_import
from sources.models import ImportRun
from sources.parsing import DataFileError, Row, read_delimited, read_xlsx
from sources.pipeline import published_dates
from sources.registry import DataSet, SnapshotFile, register
from wages.models import BLS_NOTES, ESTIMATE_FIELDS, SPECIAL_VALUES, Release, ReleaseChange, WageEstimate
from wages.services import release_change_record

# BLS column for each estimate field, in the same order as ESTIMATE_FIELDS.
COLUMNS = dict(
    zip(
        ESTIMATE_FIELDS,
        (
            "TOT_EMP",
            "EMP_PRSE",
            "JOBS_1000",
            "LOC_QUOTIENT",
            "H_MEAN",
            "A_MEAN",
            "MEAN_PRSE",
            "H_PCT10",
            "H_PCT25",
            "H_MEDIAN",
            "H_PCT75",
            "H_PCT90",
            "A_PCT10",
            "A_PCT25",
            "A_MEDIAN",
            "A_PCT75",
            "A_PCT90",
        ),
        strict=True,
    )
)
INTEGER_FIELDS = {"employment", "annual_mean", "annual_p10", "annual_p25", "annual_median", "annual_p75", "annual_p90"}
REQUIRED = ["OCC_CODE", "AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "OCC_TITLE", "O_GROUP", *COLUMNS.values()]

AREA_KINDS = {
    "1": Area.Kind.NATIONAL,
    "2": Area.Kind.STATE,
    "3": Area.Kind.TERRITORY,
    "4": Area.Kind.METRO,
    "6": Area.Kind.NONMETRO,
}
LEVELS = {choice.value for choice in Occupation.Level}
SOC_CODE = re.compile(r"^\d{2}-\d{4}$")


@dataclass(frozen=True)
class OewsRow:
    area_code: str
    area_kind: str
    area_name: str
    state_abbr: str
    occupation_code: str
    occupation_title: str
    level: str
    values: tuple[Decimal | int | None, ...]  # in ESTIMATE_FIELDS order
    special: dict[str, str]
    annual_only: bool
    hourly_only: bool


def release_year_from_name(path: Path) -> int | None:
    """BLS names files after the release: national_M2024_dl.xlsx, all_data_M_2025.xlsx, and its zips oesm24nat.zip."""
    match = re.search(r"M_?(\d{4})", path.name)
    if match:
        return int(match.group(1))
    match = re.match(r"oesm(\d{2})[a-z]+\.zip$", path.name, re.IGNORECASE)
    return 2000 + int(match.group(1)) if match else None


# The estimates file inside one of BLS's release zips (the "Field Descriptions" and readme members are not).
ZIP_MEMBER = re.compile(r"(?:^|/)[^/]*M_?\d{4}[^/]*\.(xlsx|csv)$")
MAX_MEMBER_BYTES = 4 * 1024**3  # all_data_M_2024.xlsx is about 90 MB; more than this is not an OEWS file


@contextmanager
def release_file(path: Path) -> Iterator[Path]:
    """The estimates file at `path`; for one of BLS's zips, its one estimates workbook, unpacked to a temporary
    folder (a zip with none, or several, is refused naming what it holds)."""
    if path.suffix.lower() != ".zip":
        yield path
        return
    if not zipfile.is_zipfile(path):
        raise DataFileError(path, None, "not a readable zip (is the download complete?)")
    with zipfile.ZipFile(path) as archive:
        names = [info for info in archive.infolist() if not info.is_dir() and ZIP_MEMBER.search(info.filename)]
        if len(names) != 1:
            held = ", ".join(archive.namelist()[:10]) or "nothing"
            wanted = "no OEWS estimates file" if not names else "several OEWS estimates files"
            raise DataFileError(
                path,
                None,
                f"{wanted} (like all_data_M_2025.xlsx or national_M2024_dl.xlsx) in the zip; it holds {held}",
            )
        member = names[0]
        if member.file_size > MAX_MEMBER_BYTES:
            raise DataFileError(path, None, f"{member.filename} unpacks to {member.file_size:,} bytes, too large")
        with tempfile.TemporaryDirectory(prefix="rolescope-oews-") as folder:
            target = Path(folder) / Path(member.filename).name
            with archive.open(member) as source, target.open("wb") as written:
                shutil.copyfileobj(source, written, 1 << 20)
            yield target


def area_code(raw: str, kind: str) -> str:
    """BLS's 7-digit area code from the AREA column, which files write in short or long form."""
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 7:
        raise ValueError(f"{raw!r} is not an area code")
    if len(raw) == 7:
        return raw
    number = int(raw)
    if kind == Area.Kind.NATIONAL:
        return "0000000"
    if kind in (Area.Kind.STATE, Area.Kind.TERRITORY):
        return f"{number:02d}00000"
    if kind == Area.Kind.METRO:
        return f"00{number:05d}"
    return f"{number:07d}"


def parse_row(row: Row) -> OewsRow:
    kind = AREA_KINDS.get(row.text("AREA_TYPE"))
    if kind is None:
        raise row.error(f"column AREA_TYPE: {row['AREA_TYPE']!r} is not a BLS area type (1, 2, 3, 4 or 6)")
    code = row.text("OCC_CODE")
    if not SOC_CODE.match(code):
        raise row.error(f"column OCC_CODE: {code!r} is not a SOC code like 15-1252")
    level = row.text("O_GROUP").lower()
    if level not in LEVELS:
        raise row.error(f"column O_GROUP: {row['O_GROUP']!r} is not one of {', '.join(sorted(LEVELS))}")
    values: list[Decimal | int | None] = []
    special: dict[str, str] = {}
    for field, column in COLUMNS.items():
        raw = row.text(column)
        if raw in SPECIAL_VALUES:
            special[field] = raw
            values.append(None)
        elif field in INTEGER_FIELDS:
            values.append(row.integer(column))
        else:
            values.append(row.decimal(column))
    try:
        code_7 = area_code(row["AREA"], kind)
    except ValueError as exc:
        raise row.error(f"column AREA: {exc}") from None
    return OewsRow(
        area_code=code_7,
        area_kind=kind,
        area_name=row.text("AREA_TITLE"),
        state_abbr="" if kind == Area.Kind.NATIONAL else row.text("PRIM_STATE")[:2],
        occupation_code=code,
        occupation_title=row.text("OCC_TITLE"),
        level=level,
        values=tuple(values),
        special=special,
        annual_only=row.get("ANNUAL", "").strip().upper() == "TRUE",
        hourly_only=row.get("HOURLY", "").strip().upper() == "TRUE",
    )


_NOTE_LINE = re.compile(r"^\s*(\*\*|\*|#|~)\s*=\s*(.+?)\s*$")


def release_notes(path: Path) -> dict[str, str]:
    """BLS's notes to its symbols as the release's workbook prints them ("#  = indicates a wage equal to or
    greater than ..."), from its "Field Descriptions" sheet; BLS's usual notes for files without one (.csv)."""
    notes = dict(BLS_NOTES)
    if path.suffix.lower() != ".xlsx":
        return notes
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if "Field Descriptions" in workbook.sheetnames:
            for cells in workbook["Field Descriptions"].iter_rows(values_only=True):
                for cell in cells:
                    if isinstance(cell, str) and (match := _NOTE_LINE.match(cell)):
                        notes[match.group(1)] = match.group(2)
    finally:
        workbook.close()
    return notes


def parse(path: Path) -> Iterator[OewsRow | None]:
    """Yield each cross-industry row of an OEWS file; None for rows of an industry breakdown."""
    rows = read_xlsx(path, None, REQUIRED) if path.suffix.lower() == ".xlsx" else read_delimited(path, REQUIRED)
    for row in rows:
        naics = row.get("NAICS", "000000").strip()
        if naics not in ("000000", "0", ""):
            yield None
            continue
        yield parse_row(row)


def load(path: Path, *, year: int | None = None, published: date | None = None, stage: bool = False) -> ImportRun:
    """Replace the estimates of every area in the file for its release, atomically.

    A new release is public at once (the newest public one is current), or staged with `stage`: loaded for checking
    with `?release=YEAR` and shown nowhere else until `release_publish`. Loading a release again replaces its
    figures and keeps its status; a public release cannot be staged in place (its figures would change on the site
    at once)."""
    with release_file(path) as estimates:
        year = year or release_year_from_name(path) or release_year_from_name(estimates)
        if year is None:
            raise DataFileError(path, None, "cannot tell the release from the file name; pass --year")
        # the run records the file as given (a zip's sha256 is the download's)
        with recorded_import(source="oews", path=path, release=f"May {year}") as run:
            release = _release_to_load(estimates, year, published=published, stage=stage)
            _estimates_write(estimates, release, run)
            _release_summarise(estimates, release)
            occupation_hierarchy_refresh()
            county_areas_refresh()
    return run


def _release_to_load(path: Path, year: int, *, published: date | None, stage: bool) -> Release:
    """The release the file holds: new (staged with `stage`, else public), or the one loaded before."""
    release, created = Release.objects.get_or_create(year=year, defaults={"staged": stage})
    if created:
        action = ReleaseChange.Action.STAGED if stage else ReleaseChange.Action.PUBLISHED
        note = "loaded as staged" if stage else "loaded and public at once"
        release_change_record(release=release, action=action, note=f"{note} from {path.name}")
    elif stage and not release.staged:
        raise DataFileError(
            path,
            None,
            f"{release.name} is public, so new figures for it would show at once: import it without --stage to "
            "replace them, or roll it back first (manage.py release_rollback)",
        )
    if published and release.published != published:
        release.published = published
        release.save(update_fields=["published"])
    return release


def _estimates_write(path: Path, release: Release, run: ImportRun) -> None:
    """Every cross-industry estimate of the file; an area in the file loses the release's estimates it had."""
    occupations = dict(Occupation.objects.values_list("code", "title"))
    seen_areas: set[str] = set()
    # BLS lists a few broad occupations twice, once as broad and once as detailed, with the
    # same figures (13-1020 Buyers and Purchasing Agents): keep one, refuse a real conflict.
    seen_cells: dict[tuple[str, str], int] = {}
    writer = TableWriter(
        WageEstimate,
        ["release", "area", "occupation", *ESTIMATE_FIELDS, "annual_only", "hourly_only", "special"],
    )
    for parsed in progress(parse(path), f"OEWS May {release.year}"):
        run.rows_read += 1
        if parsed is None:
            run.rows_rejected += 1
            continue
        if parsed.area_code not in seen_areas:
            _area_replace(parsed, release)
            seen_areas.add(parsed.area_code)
        if _seen_before(parsed, seen_cells, path, run):
            run.rows_rejected += 1
            continue
        if occupations.get(parsed.occupation_code) != parsed.occupation_title:
            Occupation.objects.update_or_create(
                code=parsed.occupation_code, defaults={"title": parsed.occupation_title, "level": parsed.level}
            )
            occupations[parsed.occupation_code] = parsed.occupation_title
        writer.add(
            (
                release.year,
                parsed.area_code,
                parsed.occupation_code,
                *parsed.values,
                parsed.annual_only,
                parsed.hourly_only,
                parsed.special or None,
            )
        )
    writer.flush()
    if not seen_areas:
        raise DataFileError(path, None, "no cross-industry estimates in the file")
    run.rows_written = writer.written


def _area_replace(parsed: OewsRow, release: Release) -> None:
    """The area as the file names it, without the release's estimates it had (the file's replace them)."""
    Area.objects.update_or_create(
        code=parsed.area_code,
        defaults={"kind": parsed.area_kind, "name": parsed.area_name, "state_abbr": parsed.state_abbr},
    )
    WageEstimate.objects.filter(release=release, area_id=parsed.area_code).delete()


def _seen_before(parsed: OewsRow, seen_cells: dict[tuple[str, str], int], path: Path, run: ImportRun) -> bool:
    """Whether the file gave this (area, occupation) before with the same figures; a different repeat is an error."""
    cell = (parsed.area_code, parsed.occupation_code)
    fingerprint = hash((parsed.values, tuple(sorted(parsed.special.items()))))
    if cell not in seen_cells:
        seen_cells[cell] = fingerprint
        return False
    if seen_cells[cell] != fingerprint:
        raise DataFileError(
            path,
            run.rows_read + 1,
            f"{parsed.occupation_code} in area {parsed.area_code} appears twice with different figures",
        )
    return True


def _release_summarise(path: Path, release: Release) -> None:
    """What the release's pages say about it as a whole: its highest annual percentile, the notes of its file."""
    # percentiles only: BLS caps percentiles at the top of its range ("#"), never means
    annual = ("annual_p10", "annual_p25", "annual_median", "annual_p75", "annual_p90")
    highest = WageEstimate.objects.filter(release=release).aggregate(**{name: Max(name) for name in annual})
    release.highest_annual = max((value for value in highest.values() if value is not None), default=None)
    release.notes = release_notes(path)
    release.save(update_fields=["highest_annual", "notes"])


def release_files(data_dir: Path) -> list[tuple[int, Path]]:
    """One file per OEWS release year in a data folder, oldest first; the plain text form is preferred to .xlsx."""
    by_year: dict[int, list[Path]] = {}
    for path in sorted(data_dir.glob("oews*/*")):
        year = release_year_from_name(path)
        if year and re.search(r"\.(csv|csv\.gz|xlsx)$", path.name):
            by_year.setdefault(year, []).append(path)
    preference = (".gz", ".csv", ".xlsx")
    return [(year, min(paths, key=lambda p: preference.index(p.suffix))) for year, paths in sorted(by_year.items())]


def load_folder(data_dir: Path) -> list[ImportRun]:
    """Every OEWS release in a data folder, oldest first, with the publication dates its manifest records."""
    published = published_dates(data_dir)
    runs = [load(path, year=year, published=published.get(year)) for year, path in release_files(data_dir)]
    if not runs:
        raise DataFileError(data_dir / "oews*", None, "no OEWS files (e.g. oews-2025/all_data_M_2025*.csv.gz)")
    return runs


LICENSE = "Public domain (U.S. Bureau of Labor Statistics)"
SNAPSHOT_COLUMNS = [*REQUIRED, "ANNUAL", "HOURLY"]

register(
    DataSet(
        name="oews",
        title="BLS Occupational Employment and Wage Statistics",
        order=10,
        load=load_folder,
        files=(
            SnapshotFile(
                "oews-2025/all_data_M_2025_cross_industry.csv.gz",
                SNAPSHOT_COLUMNS,
                "BLS OEWS May 2025, cross-industry, all areas",
                LICENSE,
                "May 2025",
                published="2026-05-15",
                release_year=2025,
            ),
            *(
                SnapshotFile(
                    f"oews-history/national_M{year}_dl.csv",
                    SNAPSHOT_COLUMNS,
                    f"BLS OEWS May {year}, national",
                    LICENSE,
                    f"May {year}",
                    release_year=year,
                )
                for year in (2022, 2023, 2024)
            ),
        ),
    )
)
