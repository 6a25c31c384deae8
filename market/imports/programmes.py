"""Import the institutions of IPEDS and their completions in the programs the CIP-SOC crosswalk links to an
occupation, for "Programmes near you": the IPEDS directory (HD, the latest year) for names, cities, coordinates and
web addresses, and the institution-level Completions (C_A, first majors) of the same year.

NCES publishes the completions as one CSV per year; the shared data holds the extract as Parquet (MAJORNUM = 1 rows,
see its SOURCE.md), read with pyarrow. The snapshot keeps it as CSV, trimmed to four columns and to the rows that
matter here: a program in the crosswalk, at least one award.
"""

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from market.models import Institution, InstitutionCompletions
from sources.loading import TableWriter, recorded_import
from sources.models import ImportRun
from sources.parsing import DataFileError, find_file, open_text, read_delimited
from sources.registry import DataSet, SnapshotFile, register

YEAR = 2024  # the latest IPEDS year staged: HD2024 with C2024_A (awards of 2023-24)
INSTITUTION_COLUMNS = ["UNITID", "INSTNM", "CITY", "STABBR", "WEBADDR", "LATITUDE", "LONGITUD"]
COMPLETIONS_COLUMNS = ["UNITID", "CIPCODE", "AWLEVEL", "CTOTALT"]
CROSSWALK = "cip-soc/CIP2020_SOC2018_Crosswalk.csv"
NO_MATCH = ("99-9999", "99.9999")
CIP6 = re.compile(r"^\d{2}\.\d{4}$")
NCES = "Public domain (NCES IPEDS)"


def academic_year(year: int) -> str:
    """IPEDS file year -> the awards' academic year: C2024_A holds 1 July 2023 - 30 June 2024, "2023-24"."""
    return f"{year - 1}-{year % 100:02d}"


def crosswalk_programs(data_dir: Path) -> set[str]:
    """The CIP codes the crosswalk links to at least one occupation."""
    with open_text(find_file(data_dir, CROSSWALK)) as handle:
        return {
            row["CIP2020Code"].strip()
            for row in csv.DictReader(handle)
            if row["CIP2020Code"].strip() not in NO_MATCH and row["SOC2018Code"].strip() not in NO_MATCH
        }


def parquet_rows(path: Path, data_dir: Path) -> Iterator[list[str]]:
    """The snapshot's rows of the Parquet extract, header first: crosswalk programs with at least one award."""
    import pyarrow.parquet as pq  # only building the snapshot or importing the full data needs it

    programs = crosswalk_programs(data_dir)
    table = pq.read_table(path, columns=COMPLETIONS_COLUMNS).to_pydict()
    yield COMPLETIONS_COLUMNS
    for unitid, cip, level, total in zip(*(table[name] for name in COMPLETIONS_COLUMNS), strict=True):
        if cip in programs and total:
            yield [str(unitid), cip, str(level), str(total)]


def completion_rows(folder: Path, data_dir: Path) -> Iterator[list[str]]:
    """The completions rows, header first: from the snapshot's CSV, else from the Parquet extract."""
    name = f"c{YEAR}_a_majornum1"
    matches = sorted(folder.glob(f"{name}.csv")) + sorted(folder.glob(f"{name}.csv.gz"))
    if not matches:
        yield from parquet_rows(find_file(folder, f"{name}.parquet"), data_dir)
        return
    with open_text(matches[0]) as handle:
        yield from csv.reader(handle)


def _number(value: str, path: Path, line: int, column: str, kind: type = int) -> int | float:
    try:
        return kind(value)
    except ValueError:
        raise DataFileError(path, line, f"column {column}: {value!r} is not a number") from None


def load_institutions(folder: Path, run: ImportRun) -> set[int]:
    """The directory's institutions with coordinates; returns their UNITIDs."""
    path = find_file(folder, f"hd{YEAR}.csv")
    writer = TableWriter(Institution, ["unitid", "name", "city", "state_abbr", "web_address", "latitude", "longitude"])
    known: set[int] = set()
    for row in read_delimited(path, INSTITUTION_COLUMNS):
        run.rows_read += 1
        if not row.text("LATITUDE") or not row.text("LONGITUD"):
            run.rows_rejected += 1  # no coordinates: it cannot be placed by distance
            continue
        unitid = row.integer("UNITID", allow=())
        assert unitid is not None
        latitude, longitude = row.decimal("LATITUDE", allow=()), row.decimal("LONGITUD", allow=())
        writer.add(
            (unitid, row.text("INSTNM"), row.text("CITY"), row.text("STABBR"), row.text("WEBADDR"),
             float(latitude or 0), float(longitude or 0))
        )  # fmt: skip
        known.add(unitid)
    writer.flush()
    run.rows_written += writer.written
    return known


def load(data_dir: Path) -> list[ImportRun]:
    folder = data_dir / "ipeds-completions"
    release = f"IPEDS HD{YEAR} and C{YEAR}_A ({academic_year(YEAR)})"
    with recorded_import(source="ipeds_institutions", path=folder, release=release) as run:
        InstitutionCompletions.objects.all().delete()
        Institution.objects.all().delete()
        known = load_institutions(folder, run)
        writer = TableWriter(InstitutionCompletions, ["institution_id", "academic_year", "program_code",
                                                      "award_level", "total"])  # fmt: skip
        rows = completion_rows(folder, data_dir)
        header = next(rows)
        if header[: len(COMPLETIONS_COLUMNS)] != COMPLETIONS_COLUMNS:
            raise DataFileError(folder, 1, f"expected the columns {', '.join(COMPLETIONS_COLUMNS)}")
        for line, (unitid, cip, level, total) in enumerate(rows, start=2):
            run.rows_read += 1
            institution = int(_number(unitid, folder, line, "UNITID"))
            if institution not in known or not CIP6.match(cip):
                run.rows_rejected += 1
                continue
            awards = int(_number(total, folder, line, "CTOTALT"))
            writer.add((institution, academic_year(YEAR), cip, int(_number(level, folder, line, "AWLEVEL")), awards))
        writer.flush()
        run.rows_written += writer.written
    return [run]


register(
    DataSet(
        name="programmes",
        title="Institutions and their completions by program (IPEDS), for programmes near you",
        order=55,  # after the supply inputs: the crosswalk decides which programs are kept
        load=load,
        records=("ipeds_institutions",),
        files=(
            SnapshotFile(
                f"ipeds-completions/hd{YEAR}.csv.gz",
                INSTITUTION_COLUMNS,
                "IPEDS Institutional Characteristics, directory information",
                NCES,
                f"HD{YEAR}",
            ),
            SnapshotFile(
                f"ipeds-completions/c{YEAR}_a_majornum1.parquet",
                COMPLETIONS_COLUMNS,
                "IPEDS Completions by institution, first majors, programs in the CIP-SOC crosswalk with awards",
                NCES,
                f"C{YEAR}_A",
                reader=parquet_rows,
                target=f"ipeds-completions/c{YEAR}_a_majornum1.csv.gz",
            ),
        ),
    )
)
