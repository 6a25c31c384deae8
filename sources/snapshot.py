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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.imports import geo
from jobs.imports import postings
from market.imports import supply
from occupations.imports import onet
from sources.parsing import DataFileError, open_text
from wages.imports import oews

OEWS_LICENSE = "Public domain (U.S. Bureau of Labor Statistics)"
ONET_LICENSE = "CC BY 4.0 (O*NET 30.1 Database, USDOL/ETA)"


@dataclass(frozen=True)
class Part:
    """A group of files in the source folder and how to trim them."""

    pattern: str  # relative to the data folder
    columns: list[str] | None  # None: copy the file unchanged
    source: str
    license: str
    release: str
    delimiter: str = ","
    published: str = ""  # ISO date the publisher released it, where known


PARTS = [
    Part(
        "oews-2025/all_data_M_2025_cross_industry.csv.gz",
        [*oews.REQUIRED, "ANNUAL", "HOURLY"],
        "BLS OEWS May 2025, cross-industry, all areas",
        OEWS_LICENSE,
        "May 2025",
        published="2026-05-15",
    ),
    *(
        Part(
            f"oews-history/national_M{year}_dl.csv",
            [*oews.REQUIRED, "ANNUAL", "HOURLY"],
            f"BLS OEWS May {year}, national",
            OEWS_LICENSE,
            f"May {year}",
        )
        for year in (2022, 2023, 2024)
    ),
    *(
        Part(f"onet/{name}.txt", columns or None, "O*NET 30.1 Database", ONET_LICENSE, "O*NET 30.1", delimiter="\t")
        for name, columns in onet.FILES.items()
    ),
    Part(
        "projections/occupation_2024-34.xlsx",
        None,
        "BLS Employment Projections 2024-34 (occupation.xlsx)",
        "Public domain (U.S. Bureau of Labor Statistics)",
        "2024-34",
    ),
    Part(
        "geo/uscities.csv",
        geo.CITY_COLUMNS,
        "SimpleMaps US Cities Database (Basic)",
        "CC BY 4.0, https://simplemaps.com/data/us-cities",
        "2023 or later edition",
    ),
    Part(
        "geo/list1_2023_county_cbsa.csv",
        geo.CBSA_COLUMNS,
        "Census/OMB CBSA delineation List 1",
        "Public domain (U.S. Census Bureau)",
        "July 2023",
    ),
    Part(
        "geo/ZIP_COUNTY_122024.csv",
        geo.ZIP_COLUMNS,
        "HUD USPS ZIP-County crosswalk",
        "Public (U.S. Department of Housing and Urban Development)",
        "Q4 2024",
    ),
    Part(
        "cps-unemployment/census_2018_occupation_codes.csv",
        supply.CENSUS_CODE_COLUMNS,
        "Census 2018 occupation code list",
        "Public domain (U.S. Census Bureau)",
        "2018 codes",
    ),
    Part(
        "cps-unemployment/cps_unemployment_by_detailed_occupation_2025.csv",
        supply.UNEMPLOYMENT_COLUMNS,
        "BLS CPS table 25b, unemployment by detailed occupation",
        "Public domain (U.S. Bureau of Labor Statistics)",
        "2025 annual averages",
    ),
    Part("cip-soc/CIPCode2020.csv", supply.PROGRAM_COLUMNS, "NCES CIP 2020", "Public domain (NCES)", "CIP 2020"),
    Part(
        "cip-soc/CIP2020_SOC2018_Crosswalk.csv",
        supply.CROSSWALK_COLUMNS,
        "NCES/BLS CIP 2020-SOC 2018 crosswalk",
        "Public domain (NCES, BLS)",
        "CIP 2020 / SOC 2018",
    ),
    *(
        Part(
            f"ipeds-completions/completions_national_cip6_awlevel_c{year}.csv",
            supply.COMPLETIONS_COLUMNS,
            "IPEDS Completions, national (50 states + DC)",
            "Public domain (NCES IPEDS)",
            f"C{year}_A",
        )
        for year in (2022, 2023, 2024)
    ),
    Part(
        "postings/linkedin_2023_24_postings_sample500.csv",
        postings.LINKEDIN_COLUMNS,
        "LinkedIn Job Postings 2023-24, 500-row sample (Kaggle arshkon/linkedin-job-postings)",
        "CC BY-SA 4.0",
        "2024-04 sample",
    ),
    Part(
        "postings/usajobs_product_manager_jobs.csv",
        postings.USAJOBS_COLUMNS,
        "USAJOBS announcements matching 'product manager' (OPM historical jobs)",
        "Public domain (OPM)",
        "2017-2025 announcements",
    ),
    *(
        Part(
            f"ipeds-completions/completions_state_cip6_awlevel_c{year}.csv.gz",
            supply.STATE_COMPLETIONS_COLUMNS,
            "IPEDS Completions, by state",
            "Public domain (NCES IPEDS)",
            f"C{year}_A",
        )
        for year in (2022, 2023, 2024)
    ),
]


def _rows(path: Path, part: Part) -> Iterator[list[str]]:
    """The header and the rows of `path`, keeping only the part's columns."""
    assert part.columns is not None
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
            if values:
                yield [values[index] for index in keep]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(source: Path, destination: Path) -> list[dict[str, Any]]:
    """Write the snapshot into `destination` (replacing it) and return the manifest entries."""
    if destination.exists():
        shutil.rmtree(destination)
    entries = []
    for part in PARTS:
        path = source / part.pattern
        if not path.exists():
            raise DataFileError(path, None, "file not found in the source folder")
        relative = part.pattern.removesuffix(".gz")
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
                    for values in _rows(path, part):
                        text.write("\t".join(values) + "\r\n")
                        rows += 1
                else:
                    writer = csv.writer(text, lineterminator="\r\n")
                    for values in _rows(path, part):
                        writer.writerow(values)
                        rows += 1
                text.flush()
                text.detach()
            rows -= 1  # the header
        year = oews.release_year_from_name(path) if part.pattern.startswith("oews") else None
        entries.append(
            {
                "file": str(target.relative_to(destination)),
                "from": part.pattern,
                "source": part.source,
                "release": part.release,
                "release_year": year,
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
