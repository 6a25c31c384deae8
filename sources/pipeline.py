"""Load a whole data folder laid out like the project's shared data (and like the bundled snapshot): every
registered data set, in load order, each import atomic on its own."""

import datetime
import json
from pathlib import Path
from typing import Any

from lib.db import refresh_statistics
from sources import derived
from sources.locks import import_lock
from sources.models import ImportRun
from sources.parsing import DataFileError
from sources.registry import data_sets

MANIFEST = "MANIFEST.json"


def manifest_entries(data_dir: Path) -> list[dict[str, Any]]:
    """The file entries of the folder's manifest (the bundled snapshot has one; the full data folder does not)."""
    manifest = data_dir / MANIFEST
    if not manifest.exists():
        return []
    return list(json.loads(manifest.read_text())["files"])


def published_dates(data_dir: Path) -> dict[int, datetime.date]:
    """Publication dates recorded in the folder's manifest, by release year, where known."""
    return {
        int(entry["release_year"]): datetime.date.fromisoformat(entry["published"])
        for entry in manifest_entries(data_dir)
        if entry.get("published") and entry.get("release_year")
    }


def import_all(data_dir: Path) -> list[ImportRun]:
    """Import every registered data set found in `data_dir`; each import is atomic on its own."""
    if not data_dir.is_dir():
        raise DataFileError(data_dir, None, "not a folder")
    runs: list[ImportRun] = []
    # one load at a time, across every data set; what derives from the data is built once, at the end
    with import_lock(), derived.deferred():
        for data_set in data_sets():
            runs.extend(data_set.load(data_dir))
    refresh_statistics()
    return runs
