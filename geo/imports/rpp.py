"""Import BEA Regional Price Parities (all items) for metropolitan areas (MARPP) and the metropolitan and
nonmetropolitan portions of each state (PARPP), newest year in the files. BEA's CSV layout: `GeoFIPS` quoted with a
leading space (` "14580"`), one column per year, and notes after the table (rows of one field), which are skipped."""

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from geo.models import PriceParity
from sources.loading import TableWriter, recorded_import
from sources.models import ImportRun
from sources.parsing import DataFileError, find_file, open_text
from sources.registry import DataSet, SnapshotFile, register

FILES = {"MARPP": "MARPP_MSA_*.csv", "PARPP": "PARPP_PORT_*.csv"}
YEAR = "2024"  # the year the bundled snapshot keeps (the importer reads the newest year of whatever file it is given)
COLUMNS = ["GeoFIPS", "GeoName", "TableName", "LineCode", "Description", YEAR]
ALL_ITEMS = "RPPs: All items"


@dataclass(frozen=True)
class Parity:
    fips: str
    name: str
    table: str
    year: int
    rpp: Decimal


def _clean(value: str) -> str:
    return value.strip().strip('"').strip()


def parse(path: Path, table: str) -> list[Parity]:
    """The all-items rows of one BEA RPP file, for the newest year it has."""
    with open_text(path) as handle:
        reader = csv.reader(handle)
        header = [_clean(name) for name in next(reader, [])]
        missing = [name for name in COLUMNS[:-1] if name not in header]
        years = [name for name in header if re.fullmatch(r"\d{4}", name)]
        if missing or not years:
            raise DataFileError(path, 1, f"not a BEA RPP table: missing {', '.join(missing) or 'year columns'}")
        year = max(years)
        at = {name: header.index(name) for name in [*COLUMNS[:-1], year]}
        parities = []
        for line, values in enumerate(reader, start=2):
            if len(values) < len(header):  # BEA's notes after the table
                continue
            if values[at["LineCode"]].strip() != "1" or _clean(values[at["Description"]]) != ALL_ITEMS:
                continue
            if _clean(values[at["TableName"]]) != table:
                raise DataFileError(path, line, f"TableName is {values[at['TableName']]!r}, expected {table}")
            fips = _clean(values[at["GeoFIPS"]])
            if not re.fullmatch(r"\d{5}", fips):
                raise DataFileError(path, line, f"GeoFIPS {fips!r} is not a 5-digit code")
            try:
                rpp = Decimal(_clean(values[at[year]]))
            except InvalidOperation:
                raise DataFileError(path, line, f"{year}: {values[at[year]]!r} is not a number") from None
            if rpp < 0:
                raise DataFileError(path, line, f"{year}: {rpp} is not a price level")
            if rpp == 0:  # BEA's 0.000 for a state with no such portion (no nonmetropolitan Delaware or New Jersey)
                continue
            parities.append(Parity(fips, _clean(values[at["GeoName"]]).rstrip(" *"), table, int(year), rpp))
    if not parities:
        raise DataFileError(path, None, "no all-items RPP rows")
    return parities


def load_folder(data_dir: Path) -> list[ImportRun]:
    """Replace the price parities with the files' newest year, atomically."""
    folder = data_dir / "rpp"
    paths = {table: find_file(folder, pattern) for table, pattern in FILES.items()}
    parsed = {table: parse(path, table) for table, path in paths.items()}
    years = {p.year for rows in parsed.values() for p in rows}
    release = f"BEA Regional Price Parities {max(years)}"
    with recorded_import(source="rpp", path=paths["MARPP"], release=release) as run:
        PriceParity.objects.all().delete()
        writer = TableWriter(PriceParity, ["fips", "name", "table", "year", "rpp"])
        seen: set[str] = set()
        for rows in parsed.values():
            for parity in rows:
                if parity.fips in seen:  # the U.S. row is in both tables
                    continue
                seen.add(parity.fips)
                writer.add((parity.fips, parity.name, parity.table, parity.year, parity.rpp))
        writer.flush()
        run.rows_read = sum(len(rows) for rows in parsed.values())
        run.rows_written = writer.written
    return [run]


register(
    DataSet(
        name="rpp",
        title="BEA Regional Price Parities",
        order=45,
        load=load_folder,
        files=tuple(
            SnapshotFile(
                f"rpp/{name}",
                COLUMNS,
                f"BEA Regional Price Parities, table {table} (all items and components; {YEAR} kept)",
                "Public domain (U.S. Bureau of Economic Analysis)",
                YEAR,
                published="2026-02-19",
                footer=True,
            )
            for table, name in (("MARPP", "MARPP_MSA_2008_2024.csv"), ("PARPP", "PARPP_PORT_2008_2024.csv"))
        ),
    )
)
