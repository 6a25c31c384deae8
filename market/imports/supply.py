"""Import the labor-supply inputs: CPS unemployment by occupation, the CIP-SOC crosswalk, IPEDS completions."""

import re
from pathlib import Path

from market.models import CensusOccupation, Completions, Program, ProgramOccupation, Unemployment
from sources.loading import TableWriter, progress, recorded_import
from sources.models import ImportRun
from sources.parsing import DataFileError, Row, find_file, read_delimited
from sources.registry import DataSet, SnapshotFile, register

NO_MATCH = ("99-9999", "99.9999")
CIP_CODE = re.compile(r"^\d{2}(\.\d{2}(\d{2})?)?$")
CENSUS_CODE_COLUMNS = ["census_code", "census_title", "soc2018_code"]
UNEMPLOYMENT_COLUMNS = [
    "year",
    "source_row",
    "level",
    "occupation_label",
    "census_code",
    "unemployment_rate_pct",
    "unemployed_thousands",
    "labor_force_thousands",
]
PROGRAM_COLUMNS = ["CIPCode", "CIPTitle", "Action"]
CROSSWALK_COLUMNS = ["CIP2020Code", "SOC2018Code"]
COMPLETIONS_COLUMNS = ["academic_year", "cipcode", "awlevel", "ctotalt", "ctotalm", "ctotalw", "n_institutions"]
STATE_COMPLETIONS_COLUMNS = [*COMPLETIONS_COLUMNS, "stabbr"]


def cip(row: Row, column: str) -> str:
    """A CIP code as text; NCES's CSV writes them Excel-quoted (="01.0101")."""
    code = row.text(column).removeprefix('="').removeprefix("=").strip('"')
    if not CIP_CODE.match(code):
        raise row.error(f"column {column}: {row[column]!r} is not a CIP code like 11.0701")
    return code


def load_cps(folder: Path) -> ImportRun:
    codes_path = find_file(folder, "census_2018_occupation_codes.csv")
    table_path = find_file(folder, "cps_unemployment_by_detailed_occupation_*.csv")
    with recorded_import(source="cps", path=table_path, release="CPS 2025 annual averages") as run:
        Unemployment.objects.all().delete()
        CensusOccupation.objects.all().delete()
        occupations = TableWriter(CensusOccupation, ["code", "title", "soc_code"])
        known = set()
        for row in read_delimited(codes_path, CENSUS_CODE_COLUMNS):
            run.rows_read += 1
            code = row.text("census_code").zfill(4)
            occupations.add((code, row.text("census_title"), row.text("soc2018_code")))
            known.add(code)
        occupations.flush()
        table = TableWriter(
            Unemployment,
            [
                "year",
                "source_row",
                "label",
                "level",
                "census_occupation",
                "unemployed",
                "labor_force",
                "unemployment_rate",
            ],
        )
        for row in read_delimited(table_path, UNEMPLOYMENT_COLUMNS):
            run.rows_read += 1
            census = row.text("census_code").zfill(4) if row.text("census_code") else None
            if census and census not in known:
                raise row.error(f"column census_code: {census} is not in {codes_path.name}")
            table.add(
                (
                    row.integer("year", allow=()),
                    row.integer("source_row", allow=()),
                    row.text("occupation_label"),
                    row.text("level"),
                    census,
                    row.integer("unemployed_thousands"),
                    row.integer("labor_force_thousands"),
                    row.decimal("unemployment_rate_pct", allow=("", "–", "-")),
                )
            )
        table.flush()
        run.rows_written = occupations.written + table.written
    return run


def load_crosswalk(folder: Path) -> ImportRun:
    programs_path = find_file(folder, "CIPCode2020.csv")
    crosswalk_path = find_file(folder, "CIP2020_SOC2018_Crosswalk.csv")
    with recorded_import(source="cip_soc", path=crosswalk_path, release="NCES/BLS CIP 2020-SOC 2018") as run:
        ProgramOccupation.objects.all().delete()
        Program.objects.all().delete()
        programs = TableWriter(Program, ["code", "title", "action"])
        for row in read_delimited(programs_path, PROGRAM_COLUMNS):
            run.rows_read += 1
            programs.add((cip(row, "CIPCode"), row.text("CIPTitle").rstrip("."), row.text("Action")))
        links = TableWriter(ProgramOccupation, ["program_code", "soc_code"])
        seen: set[tuple[str, str]] = set()
        for row in read_delimited(crosswalk_path, CROSSWALK_COLUMNS):
            run.rows_read += 1
            pair = (cip(row, "CIP2020Code"), row.text("SOC2018Code"))
            if not re.match(r"^\d{2}-\d{4}$", pair[1]):
                raise row.error(f"column SOC2018Code: {pair[1]!r} is not a SOC code")
            if pair[0] in NO_MATCH or pair[1] in NO_MATCH or pair in seen:
                run.rows_rejected += 1  # NO MATCH sentinels: a program with no occupation or the reverse
                continue
            seen.add(pair)
            links.add(pair)
        programs.flush()
        links.flush()
        run.rows_written = programs.written + links.written
    return run


def load_completions(folder: Path) -> ImportRun:
    files = sorted(folder.glob("completions_*_cip6_awlevel_c*.csv")) + sorted(
        folder.glob("completions_*_cip6_awlevel_c*.csv.gz")
    )
    if not files:
        raise DataFileError(folder / "completions_*_cip6_awlevel_c*.csv", None, "no IPEDS completions files")
    with recorded_import(source="ipeds", path=folder, release="IPEDS Completions") as run:
        Completions.objects.all().delete()
        writer = TableWriter(
            Completions,
            ["academic_year", "state_abbr", "program_code", "award_level", "total", "men", "women", "institutions"],
        )
        years = set()
        for path in files:
            national = "_national_" in path.name
            columns = COMPLETIONS_COLUMNS if national else STATE_COMPLETIONS_COLUMNS
            for row in progress(read_delimited(path, columns), path.name):
                run.rows_read += 1
                years.add(row.text("academic_year"))
                writer.add(
                    (
                        row.text("academic_year"),
                        Completions.NATIONAL if national else row.text("stabbr"),
                        cip(row, "cipcode"),
                        row.integer("awlevel", allow=()),
                        row.integer("ctotalt", allow=()),
                        row.integer("ctotalm", allow=()),
                        row.integer("ctotalw", allow=()),
                        row.integer("n_institutions", allow=()),
                    )
                )
        writer.flush()
        run.rows_written = writer.written
        run.release = f"IPEDS Completions {', '.join(sorted(years))}"
    return run


def load(data_dir: Path) -> list[ImportRun]:
    """Load the three supply folders found under `data_dir` (each one its own atomic import)."""
    return [
        load_cps(data_dir / "cps-unemployment"),
        load_crosswalk(data_dir / "cip-soc"),
        load_completions(data_dir / "ipeds-completions"),
    ]


NCES = "Public domain (NCES IPEDS)"

register(
    DataSet(
        name="supply",
        title="Candidate supply: CPS unemployment, CIP-SOC crosswalk, IPEDS completions",
        order=50,
        load=load,
        records=("cps", "cip_soc", "ipeds"),
        files=(
            SnapshotFile(
                "cps-unemployment/census_2018_occupation_codes.csv",
                CENSUS_CODE_COLUMNS,
                "Census 2018 occupation code list",
                "Public domain (U.S. Census Bureau)",
                "2018 codes",
            ),
            SnapshotFile(
                "cps-unemployment/cps_unemployment_by_detailed_occupation_2025.csv",
                UNEMPLOYMENT_COLUMNS,
                "BLS CPS table 25b, unemployment by detailed occupation",
                "Public domain (U.S. Bureau of Labor Statistics)",
                "2025 annual averages",
            ),
            SnapshotFile(
                "cip-soc/CIPCode2020.csv", PROGRAM_COLUMNS, "NCES CIP 2020", "Public domain (NCES)", "CIP 2020"
            ),
            SnapshotFile(
                "cip-soc/CIP2020_SOC2018_Crosswalk.csv",
                CROSSWALK_COLUMNS,
                "NCES/BLS CIP 2020-SOC 2018 crosswalk",
                "Public domain (NCES, BLS)",
                "CIP 2020 / SOC 2018",
            ),
            *(
                SnapshotFile(
                    f"ipeds-completions/completions_national_cip6_awlevel_c{year}.csv",
                    COMPLETIONS_COLUMNS,
                    "IPEDS Completions, national (50 states + DC)",
                    NCES,
                    f"C{year}_A",
                )
                for year in (2022, 2023, 2024)
            ),
            # Listed after the sample postings in the manifest, where the first snapshot put them.
            *(
                SnapshotFile(
                    f"ipeds-completions/completions_state_cip6_awlevel_c{year}.csv.gz",
                    STATE_COMPLETIONS_COLUMNS,
                    "IPEDS Completions, by state",
                    NCES,
                    f"C{year}_A",
                    manifest_position=1000,
                )
                for year in (2022, 2023, 2024)
            ),
        ),
    )
)
