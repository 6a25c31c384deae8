"""Import the geography folder: SimpleMaps cities, the OMB county->CBSA delineation, HUD ZIP->county."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from geo.models import Cbsa, City, County, State, ZipCounty
from geo.services import county_areas_refresh
from sources.loading import TableWriter, progress, recorded_import
from sources.models import ImportRun
from sources.parsing import Row, find_file, read_delimited
from sources.registry import DataSet, SnapshotFile, register

CITY_COLUMNS = [
    "id",
    "city",
    "city_ascii",
    "state_id",
    "state_name",
    "county_fips",
    "county_name",
    "lat",
    "lng",
    "population",
    "ranking",
    "zips",
]
CBSA_COLUMNS = ["county_fips", "cbsa_code", "cbsa_title", "metro_micro", "county_name", "state_fips"]
ZIP_COLUMNS = [
    "ZIP",
    "COUNTY",
    "USPS_ZIP_PREF_CITY",
    "USPS_ZIP_PREF_STATE",
    "RES_RATIO",
    "BUS_RATIO",
    "OTH_RATIO",
    "TOT_RATIO",
]
FILES = {"cities": "uscities.csv", "delineation": "list1_*county_cbsa.csv", "zips": "ZIP_COUNTY_*.csv"}


def fips(row: Row, column: str, width: int) -> str:
    raw = row.text(column).split(".")[0]
    if not raw.isdigit() or len(raw) > width:
        raise row.error(f"column {column}: {row[column]!r} is not a {width}-digit FIPS code")
    return raw.zfill(width)


def ratio(row: Row, column: str) -> Decimal:
    value = row.decimal(column, allow=())
    assert value is not None
    if not 0 <= value <= 1:
        raise row.error(f"column {column}: {row[column]!r} is not a share between 0 and 1")
    return value


@dataclass
class Geography:
    states: dict[str, tuple[str, str]] = field(default_factory=dict)  # fips -> (abbr, name)
    cbsas: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (title, kind)
    counties: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # fips -> (name, cbsa)
    cities: list[tuple[object, ...]] = field(default_factory=list)
    zips: list[tuple[object, ...]] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0


def parse(folder: Path) -> Geography:
    """Read the three files into one consistent picture; pure (no database)."""
    geo = Geography()
    for row in progress(read_delimited(find_file(folder, FILES["cities"]), CITY_COLUMNS), "cities"):
        geo.rows_read += 1
        county = fips(row, "county_fips", 5)
        geo.states.setdefault(county[:2], (row.text("state_id"), row.text("state_name")))
        geo.counties.setdefault(county, (row.text("county_name"), None))
        geo.cities.append(
            (
                row.integer("id", allow=()),
                row.text("city"),
                row.text("city_ascii"),
                county[:2],
                county,
                row.decimal("lat", allow=()),
                row.decimal("lng", allow=()),
                row.integer("population", allow=()),
                row.integer("ranking", allow=()),
                row.text("zips"),
            )
        )
    kinds = {"Metropolitan Statistical Area": Cbsa.Kind.METRO, "Micropolitan Statistical Area": Cbsa.Kind.MICRO}
    for row in progress(read_delimited(find_file(folder, FILES["delineation"]), CBSA_COLUMNS), "counties"):
        geo.rows_read += 1
        kind = kinds.get(row.text("metro_micro"))
        if kind is None:
            raise row.error(f"column metro_micro: {row['metro_micro']!r} is neither metropolitan nor micropolitan")
        code = fips(row, "cbsa_code", 5)
        county = fips(row, "county_fips", 5)
        if county[:2] not in geo.states:
            geo.rows_skipped += 1
            continue
        geo.cbsas[code] = (row.text("cbsa_title"), kind)
        geo.counties[county] = (row.text("county_name"), code)
    for row in progress(read_delimited(find_file(folder, FILES["zips"]), ZIP_COLUMNS), "ZIP codes"):
        geo.rows_read += 1
        county = fips(row, "COUNTY", 5)
        zip_code = row.text("ZIP").zfill(5)
        if not zip_code.isdigit() or len(zip_code) != 5:
            raise row.error(f"column ZIP: {row['ZIP']!r} is not a 5-digit ZIP code")
        if county[:2] not in geo.states:  # territories other than Puerto Rico have no OEWS coverage here
            geo.rows_skipped += 1
            continue
        geo.counties.setdefault(county, ("", None))
        geo.zips.append(
            (
                zip_code,
                county,
                row.text("USPS_ZIP_PREF_CITY"),
                row.text("USPS_ZIP_PREF_STATE"),
                ratio(row, "RES_RATIO"),
                ratio(row, "BUS_RATIO"),
                ratio(row, "OTH_RATIO"),
                ratio(row, "TOT_RATIO"),
            )
        )
    return geo


def load(folder: Path) -> ImportRun:
    """Replace all geography with the contents of `folder`, atomically."""
    with recorded_import(
        source="geo", path=folder, release="SimpleMaps cities; OMB CBSA July 2023; HUD ZIP Q4 2024"
    ) as run:
        geo = parse(folder)
        for model in (ZipCounty, City, County, Cbsa, State):
            model.objects.all().delete()
        writers = {
            State: TableWriter(State, ["fips", "abbr", "name"]),
            Cbsa: TableWriter(Cbsa, ["code", "title", "kind"]),
            County: TableWriter(County, ["fips", "name", "state", "cbsa"]),
            City: TableWriter(
                City,
                [
                    "id",
                    "name",
                    "name_ascii",
                    "state",
                    "county",
                    "latitude",
                    "longitude",
                    "population",
                    "ranking",
                    "zips",
                ],
            ),
            ZipCounty: TableWriter(
                ZipCounty,
                [
                    "zip",
                    "county",
                    "preferred_city",
                    "preferred_state",
                    "residential_ratio",
                    "business_ratio",
                    "other_ratio",
                    "total_ratio",
                ],
            ),
        }
        for state_fips, (abbr, name) in sorted(geo.states.items()):
            writers[State].add((state_fips, abbr, name))
        for code, (title, kind) in sorted(geo.cbsas.items()):
            writers[Cbsa].add((code, title, kind))
        for county_fips, (name, cbsa) in sorted(geo.counties.items()):
            writers[County].add((county_fips, name or f"County {county_fips}", county_fips[:2], cbsa))
        for city in geo.cities:
            writers[City].add(city)
        for zip_row in geo.zips:
            writers[ZipCounty].add(zip_row)
        for writer in writers.values():
            writer.flush()
        run.rows_read = geo.rows_read
        run.rows_rejected = geo.rows_skipped
        run.rows_written = sum(writer.written for writer in writers.values())
        county_areas_refresh()
    return run


register(
    DataSet(
        name="geo",
        title="US geography: cities, CBSA delineation, ZIP-county crosswalk",
        order=40,
        load=lambda data_dir: [load(data_dir / "geo")],
        files=(
            SnapshotFile(
                "geo/uscities.csv",
                CITY_COLUMNS,
                "SimpleMaps US Cities Database (Basic)",
                "CC BY 4.0, https://simplemaps.com/data/us-cities",
                "2023 or later edition",
            ),
            SnapshotFile(
                "geo/list1_2023_county_cbsa.csv",
                CBSA_COLUMNS,
                "Census/OMB CBSA delineation List 1",
                "Public domain (U.S. Census Bureau)",
                "July 2023",
            ),
            SnapshotFile(
                "geo/ZIP_COUNTY_122024.csv",
                ZIP_COLUMNS,
                "HUD USPS ZIP-County crosswalk",
                "Public (U.S. Department of Housing and Urban Development)",
                "Q4 2024",
            ),
        ),
    )
)
