"""`manage.py fetch_data SOURCE [--release R]`: download a data set's official file from its publisher, check it, and
load it through the data set's own importer (atomic, recorded in ImportRun like a file given by hand).

SOURCES is the one list of what can be fetched: per source, the publisher's address for a release, the files the
download must hold, and the importer that loads it. Downloads and their provenance (address, time, size, sha256 of
the download and of each file used inside it) are kept under FETCH_DIR/<source>/<release>/.
"""

import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from geo.imports import geo
from lib.download import Downloaded, download
from market.imports import projections
from occupations.imports import onet
from sources.models import ImportRun
from wages.imports import oews

MAX_DOWNLOAD_BYTES = 2 * 1024**3  # BLS's all-areas OEWS zip is about 80 MB, the O*NET text zip about 100 MB
PROVENANCE = "PROVENANCE.json"


class FetchError(Exception):
    """Why nothing was imported: the message says what to do."""


@dataclass(frozen=True)
class Fetched:
    download: Downloaded
    runs: list[ImportRun]


@dataclass(frozen=True)
class Source:
    title: str
    url: str  # the publisher's address; {fields} come from `release_fields`
    release_help: str  # what --release looks like, e.g. "2025 (May 2025)"
    release_fields: Callable[[str], dict[str, str] | None]  # None: not a release of this source
    members: tuple[str, ...]  # files the zip must hold ({fields} allowed); empty: the download is the file itself
    load: Callable[["Staged"], list[ImportRun]] = field(compare=False)
    default_release: str = ""  # a source with one current file and no release in its address


@dataclass(frozen=True)
class Staged:
    """A checked download, ready for its importer."""

    path: Path
    release: str
    fields: dict[str, str]
    members: dict[str, str]  # expected name -> name inside the zip
    stage: bool


def _year(release: str) -> dict[str, str] | None:
    return {"year": release, "yy": release[2:]} if re.fullmatch(r"20\d\d", release) else None


def _onet_release(release: str) -> dict[str, str] | None:
    return {"release": release, "underscored": release.replace(".", "_")} if re.fullmatch(r"\d+\.\d", release) else None


def _wage_year(release: str) -> dict[str, str] | None:
    return {"span": release} if re.fullmatch(r"20\d\d-\d\d", release) else None


def _current(release: str) -> dict[str, str] | None:
    return {} if release == "current" else None


def _load_oews(staged: Staged) -> list[ImportRun]:
    return [oews.load(staged.path, year=int(staged.fields["year"]), stage=staged.stage)]


def _load_onet(staged: Staged) -> list[ImportRun]:
    return [onet.load(staged.path)]


def _load_projections(staged: Staged) -> list[ImportRun]:
    return [projections.load(staged.path)]


def _load_oews_areas(staged: Staged) -> list[ImportRun]:
    """OFLC's Geography.csv gives every county its OEWS area; the geography it joins to is the data folder's (or the
    bundled snapshot's), reloaded with it in the same import."""
    member = staged.members["Geography.csv"]
    areas = staged.path.with_name(f"oflc_geography_{staged.fields['span'].replace('-', '_')}.csv")
    with zipfile.ZipFile(staged.path) as archive, archive.open(member) as source:
        areas.write_bytes(source.read())
    folder = settings.ROLESCOPE_DATA_DIR / "geo"
    if not folder.is_dir():
        folder = settings.ROLESCOPE_SNAPSHOT_DIR / "geo"
    return [geo.load(folder, areas_file=areas)]


BLS_OEWS = "https://www.bls.gov/oes/special-requests/"
SOURCES: dict[str, Source] = {
    "oews": Source(
        title="BLS OEWS, all areas (cross-industry rows of all_data_M_YYYY.xlsx)",
        url=BLS_OEWS + "oesm{yy}all.zip",
        release_help="the May reference year, e.g. 2025",
        release_fields=_year,
        members=("all_data_M_{year}.xlsx",),
        load=_load_oews,
    ),
    "oews-national": Source(
        title="BLS OEWS, national (national_MYYYY_dl.xlsx)",
        url=BLS_OEWS + "oesm{yy}nat.zip",
        release_help="the May reference year, e.g. 2024",
        release_fields=_year,
        members=("national_M{year}_dl.xlsx",),
        load=_load_oews,
    ),
    "projections": Source(
        title="BLS Employment Projections (occupation.xlsx, tables 1.2 and 1.10)",
        url="https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx",
        release_help="'current' (BLS publishes only the current projections at this address)",
        release_fields=_current,
        members=(),
        load=_load_projections,
        default_release="current",
    ),
    "onet": Source(
        title="O*NET database, text files",
        url="https://www.onetcenter.org/dl_files/database/db_{underscored}_text.zip",
        release_help="the O*NET release, e.g. 30.1",
        release_fields=_onet_release,
        members=("Occupation Data.txt", "Task Statements.txt", "Job Zones.txt"),
        load=_load_onet,
    ),
    "oews-areas": Source(
        title="DOL OFLC FLAG wage data: OEWS areas by county (Geography.csv)",
        url="https://flag.dol.gov/sites/default/files/wages/OFLC_Wages_{span}.zip",
        release_help="the wage year, July to June, e.g. 2025-26",
        release_fields=_wage_year,
        members=("Geography.csv",),
        load=_load_oews_areas,
    ),
}


def source_url(source: Source, fields: dict[str, str]) -> str:
    """The publisher's address, or under FETCH_BASE_URL (a mirror, or the tests' server) as BASE/host/path."""
    url = source.url.format(**fields)
    base = settings.FETCH_BASE_URL.rstrip("/")
    if not base:
        return url
    parts = urlsplit(url)
    return f"{base}/{parts.netloc}{parts.path}"


def _check_sha256(downloaded: Downloaded, expected: str | None) -> None:
    if expected and downloaded.sha256 != expected.strip().lower():
        downloaded.path.unlink(missing_ok=True)
        raise FetchError(
            f"{downloaded.url}: its sha256 is {downloaded.sha256}, not the {expected} given with --sha256; "
            "the download was removed and nothing was imported."
        )


def _members(downloaded: Downloaded, wanted: list[str]) -> dict[str, str]:
    """Each wanted file's name inside the zip (found in any folder of it); a clear refusal when one is missing."""
    if not wanted:
        return {}
    if not zipfile.is_zipfile(downloaded.path):
        with downloaded.path.open("rb") as handle:
            start = handle.read(60)
        raise FetchError(
            f"{downloaded.url} is not a zip (it starts {start!r}: the publisher may have answered with a web page); "
            "nothing was imported."
        )
    with zipfile.ZipFile(downloaded.path) as archive:
        by_name = {Path(name).name: name for name in archive.namelist() if not name.endswith("/")}
        missing = [name for name in wanted if name not in by_name]
        if missing:
            held = ", ".join(sorted(by_name)[:12]) or "nothing"
            raise FetchError(
                f"{downloaded.path.name} from {downloaded.url} has no {', '.join(missing)} (it holds {held}): "
                "has the publisher changed the layout? Nothing was imported."
            )
        return {name: by_name[name] for name in wanted}


def _provenance(downloaded: Downloaded, members: dict[str, str]) -> dict[str, object]:
    inside = {}
    if members:
        with zipfile.ZipFile(downloaded.path) as archive:
            for name, member in members.items():
                digest = hashlib.sha256()
                with archive.open(member) as handle:
                    while chunk := handle.read(1 << 20):
                        digest.update(chunk)
                inside[name] = digest.hexdigest()
    return {
        "url": downloaded.url,
        "file": downloaded.path.name,
        "fetched_at": timezone.now().isoformat(timespec="seconds"),
        "bytes": downloaded.size,
        "sha256": downloaded.sha256,
        "members_sha256": inside,
    }


def _record(folder: Path, entry: dict[str, object]) -> None:
    path = folder / PROVENANCE
    entries = json.loads(path.read_text()) if path.exists() else []
    entries.append(entry)
    path.write_text(json.dumps(entries, indent=2) + "\n")


def fetch(
    name: str, release: str | None, *, sha256: str | None = None, stage: bool = False, download_only: bool = False
) -> Fetched:
    """Download `name`'s file for `release` from its publisher, check it, and (unless `download_only`) import it."""
    source = SOURCES.get(name)
    if source is None:
        raise FetchError(f"no source named {name!r}; the sources are {', '.join(SOURCES)}.")
    release = release or source.default_release
    if not release:
        raise FetchError(f"{name} needs --release: {source.release_help}.")
    fields = source.release_fields(release)
    if fields is None:
        raise FetchError(f"{release!r} is not a release of {name}: give {source.release_help}.")
    if not settings.FETCH_USER_AGENT.strip():
        raise FetchError(
            "Set FETCH_USER_AGENT to a name and a contact email, e.g. 'rolescope/1.0 (ops@example.org)': "
            "BLS refuses downloads from clients that do not say who they are."
        )
    if stage and source.load is not _load_oews:
        raise FetchError("--stage is for OEWS releases only.")
    url = source_url(source, fields)
    folder = Path(settings.FETCH_DIR) / name / release
    downloaded = download(
        url,
        folder / Path(urlsplit(url).path).name,
        user_agent=settings.FETCH_USER_AGENT,
        timeout=settings.FETCH_TIMEOUT_SECONDS,
        retries=settings.FETCH_RETRIES,
        max_bytes=MAX_DOWNLOAD_BYTES,
    )
    _check_sha256(downloaded, sha256)
    members = _members(downloaded, [member.format(**fields) for member in source.members])
    _record(folder, _provenance(downloaded, members))
    if download_only:
        return Fetched(downloaded, [])
    staged = Staged(path=downloaded.path, release=release, fields=fields, members=members, stage=stage)
    return Fetched(downloaded, source.load(staged))
