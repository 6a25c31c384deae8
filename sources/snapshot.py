"""Build the bundled data snapshot: the parts of the public data sets the product uses.

Each file keeps its official layout (same column names, same values, same delimiter) with only
the columns the importers read, gzipped. The manifest records where every file came from.
"""

import csv
import gzip
import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sources.parsing import DataFileError, open_text
from sources.registry import SnapshotFile, snapshot_files


def _rows(path: Path, part: SnapshotFile, source: Path) -> Iterator[list[str]]:
    """The header and the rows of `path`, keeping only the part's columns."""
    assert part.columns is not None
    if part.reader is not None:
        yield from part.reader(path, source)
        return
    with open_text(path) as handle:
        lines: Iterator[list[str]] = (
            (line.rstrip("\r\n").split("\t") for line in handle) if part.delimiter == "\t" else csv.reader(handle)
        )
        header = [name.strip() for name in next(lines)]
        missing = [name for name in part.columns if name not in header]
        if missing:
            raise DataFileError(path, 1, f"missing column(s) {', '.join(missing)}")
        keep = [header.index(name) for name in part.columns]
        yield part.columns
        for values in lines:
            if values and not (part.footer and len(values) <= max(keep)):
                yield [values[index] for index in keep]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(source: Path, destination: Path) -> list[dict[str, Any]]:
    """Write the snapshot into `destination` (replacing it) and return the manifest entries."""
    if destination.exists():
        shutil.rmtree(destination)
    entries = []
    for part in snapshot_files():
        path = source / part.pattern
        if not path.exists():
            raise DataFileError(path, None, "file not found in the source folder")
        relative = (part.target or part.pattern).removesuffix(".gz")
        target = destination / (relative if part.columns is None else relative + ".gz")
        target.parent.mkdir(parents=True, exist_ok=True)
        rows = 0
        if part.columns is None:
            shutil.copyfile(path, target)
        else:
            # mtime=0 and a fixed name make the gzip bytes reproducible.
            with (
                open(target, "wb") as raw,
                gzip.GzipFile(filename=Path(relative).name, mode="wb", fileobj=raw, compresslevel=9, mtime=0) as packed,
            ):
                text = io.TextIOWrapper(packed, encoding="utf-8", newline="")
                if part.delimiter == "\t":
                    for values in _rows(path, part, source):
                        text.write("\t".join(values) + "\r\n")
                        rows += 1
                else:
                    writer = csv.writer(text, lineterminator="\r\n")
                    for values in _rows(path, part, source):
                        writer.writerow(values)
                        rows += 1
                text.flush()
                text.detach()
            rows -= 1  # the header
        entries.append(
            {
                "file": str(target.relative_to(destination)),
                "from": part.pattern,
                "source": part.source,
                "release": part.release,
                "release_year": part.release_year,
                "published": part.published,
                "license": part.license,
                "source_sha256": _sha256(path),
                "sha256": _sha256(target),
                "rows": rows if part.columns is not None else None,
                "columns": part.columns,
            }
        )
    manifest = {
        "about": "Trimmed, gzipped copies of the public data rolescope uses; built by `manage.py build_snapshot`.",
        "files": entries,
    }
    (destination / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return entries
