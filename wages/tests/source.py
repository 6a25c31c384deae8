"""The bundled OEWS May 2025 file, read once, for tests that check figures against it."""

import csv
import gzip
from functools import cache

from conftest import SNAPSHOT


@cache
def source_rows() -> dict[tuple[str, str], dict[str, str]]:
    """(OCC_CODE, AREA as 7 digits) -> the row of the bundled OEWS May 2025 file."""
    path = SNAPSHOT / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return {(row["OCC_CODE"], seven_digits(row)): row for row in csv.DictReader(handle)}


def seven_digits(row: dict[str, str]) -> str:
    """BLS's 7-digit area code of a row (the file writes short codes; AREA_TYPE 1 nation, 2-3 state, else metro)."""
    if row["AREA_TYPE"] == "1":
        return "0000000"
    return f"{int(row['AREA']):02d}00000" if row["AREA_TYPE"] in ("2", "3") else row["AREA"].zfill(7)
