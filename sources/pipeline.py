"""Load a whole data folder laid out like the project's shared data (and like the bundled snapshot)."""

import datetime
import json
import re
from pathlib import Path

from geo.imports import geo
from jobs.imports import postings
from lib.db import refresh_statistics
from market.imports import projections, supply
from occupations.imports import onet
from roles.services import curated_roles_load, roles_sync
from sources.models import ImportRun
from sources.parsing import DataFileError
from wages.imports import oews

MANIFEST = "MANIFEST.json"


def oews_files(data_dir: Path) -> list[tuple[int, Path]]:
    """One file per OEWS release year, oldest first; the plain text form is preferred to .xlsx."""
    by_year: dict[int, list[Path]] = {}
    for path in sorted(data_dir.glob("oews*/*")):
        year = oews.release_year_from_name(path)
        if year and re.search(r"\.(csv|csv\.gz|xlsx)$", path.name):
            by_year.setdefault(year, []).append(path)
    preference = (".gz", ".csv", ".xlsx")
    return [(year, min(paths, key=lambda p: preference.index(p.suffix))) for year, paths in sorted(by_year.items())]


def published_dates(data_dir: Path) -> dict[int, datetime.date]:
    """OEWS publication dates recorded in the folder's manifest, when it has one."""
    manifest = data_dir / MANIFEST
    if not manifest.exists():
        return {}
    entries = json.loads(manifest.read_text())["files"]
    return {
        int(entry["release_year"]): datetime.date.fromisoformat(entry["published"])
        for entry in entries
        if entry.get("published") and entry.get("release_year")
    }


def import_all(data_dir: Path) -> list[ImportRun]:
    """Import every data set in `data_dir`; each import is atomic on its own."""
    if not data_dir.is_dir():
        raise DataFileError(data_dir, None, "not a folder")
    published = published_dates(data_dir)
    runs = [oews.load(path, year=year, published=published.get(year)) for year, path in oews_files(data_dir)]
    if not runs:
        raise DataFileError(data_dir / "oews*", None, "no OEWS files (e.g. oews-2025/all_data_M_2025*.csv.gz)")
    runs.append(onet.load(data_dir / "onet"))
    workbooks = sorted((data_dir / "projections").glob("occupation*.xlsx"))
    if not workbooks:
        raise DataFileError(data_dir / "projections", None, "no Employment Projections occupation*.xlsx")
    runs.append(projections.load(workbooks[-1]))
    runs.append(geo.load(data_dir / "geo"))
    runs.extend(supply.load(data_dir))
    roles_sync()
    curated_roles_load()
    # Sample job postings, when the folder has them (after the roles, which postings are matched to).
    for feed in sorted((data_dir / "postings").glob("*.csv")) + sorted((data_dir / "postings").glob("*.csv.gz")):
        runs.append(postings.load(feed)[0])
    refresh_statistics()
    return runs
