"""A made-up OEWS release for tests of staging: a few rows of the bundled May 2025 file, under another year and with
every wage raised, written in BLS's own layout so it loads through the real importer."""

import csv
import gzip
from decimal import Decimal
from pathlib import Path

from wages.imports.oews import SNAPSHOT_COLUMNS

MAY_2025 = "oews-2025/all_data_M_2025_cross_industry.csv.gz"
# (BLS area, occupation): the nation, Texas and Austin for Software Developers; the nation for Registered Nurses
CELLS = {("99", "15-1252"), ("48", "15-1252"), ("12420", "15-1252"), ("99", "29-1141")}
ANNUAL_RAISE = 5000
HOURLY_RAISE = Decimal("2.40")


def raised(column: str, value: str) -> str:
    """A wage `column` raised (BLS symbols such as "#" stay as they are)."""
    if value.strip() in ("", "#", "*", "**", "~"):
        return value
    if column.startswith("A_"):
        return str(int(value.replace(",", "")) + ANNUAL_RAISE)
    return str(Decimal(value.replace(",", "")) + HOURLY_RAISE)


def write_release(snapshot_dir: Path, folder: Path, year: int) -> Path:
    """A file like BLS's for May `year`: the CELLS of May 2025 with annual wages +$5,000 and hourly +$2.40."""
    path = folder / f"oews_M{year}_trimmed.csv"
    with gzip.open(snapshot_dir / MAY_2025, "rt", encoding="utf-8-sig", newline="") as source:
        rows = [row for row in csv.DictReader(source) if (row["AREA"], row["OCC_CODE"]) in CELLS]
    assert len(rows) == len(CELLS)
    with path.open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=SNAPSHOT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    column: raised(column, row[column]) if column[:2] in ("A_", "H_") else row[column]
                    for column in SNAPSHOT_COLUMNS
                }
            )
    return path
