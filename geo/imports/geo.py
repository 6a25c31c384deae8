"""Import the geography folder (SimpleMaps cities, the OMB county->CBSA delineation, HUD ZIP->county) and the
OEWS area of every county (DOL OFLC geography: metro and nonmetropolitan areas)."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from geo.models import Cbsa, City, County, State, ZipCounty
from geo.names import county_key
from geo.services import county_areas_refresh
from sources.loading import TableWriter, logger, progress, recorded_import
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
AREA_COLUMNS = ["Area", "AreaName", "StateAb", "CountyTownName"]
FILES = {"cities": "uscities.csv", "delineation": "list1_*county_cbsa.csv", "zips": "ZIP_COUNTY_*.csv"}
AREAS_FILE = "oflc_geography_*.csv"


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
    # county_key -> (OEWS area code, the county's full name), from the OFLC geography file
    county_areas: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    rows_read: int = 0
    rows_skipped: int = 0


def area_code(row: Row) -> str:
    """The OFLC file writes OEWS area codes without leading zeros (14580 Bozeman, 100001 a nonmetro area)."""
    raw = row.text("Area")
    if not raw.isdigit() or len(raw) > 7:
        raise row.error(f"column Area: {row['Area']!r} is not an OEWS area code")
    return raw.zfill(7)


def parse(folder: Path, areas_file: Path | None = None) -> Geography:
    """Read the files into one consistent picture; pure (no database)."""
    geo = Geography()
    if areas_file is not None:
        for row in progress(read_delimited(areas_file, AREA_COLUMNS), "counties' OEWS areas"):
            geo.rows_read += 1
            key = county_key(row.text("StateAb"), row.text("CountyTownName"))
            if key in geo.county_areas:
                raise row.error(f"county {row.text('CountyTownName')}, {row.text('StateAb')} appears twice")
            geo.county_areas[key] = (area_code(row), row.text("CountyTownName"))
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


def join_county_areas(geo: Geography) -> dict[str, tuple[str, str]]:
    """county FIPS -> (OEWS area code, full name): by state and name. A county the sources give no name (a few
    appear only in the ZIP crosswalk) takes the one county of its state left unmatched in the OFLC file, when there
    is exactly one of each."""
    joined: dict[str, tuple[str, str]] = {}
    unnamed: dict[str, list[str]] = {}
    for county_fips, (name, _) in geo.counties.items():
        abbr = geo.states[county_fips[:2]][0]
        found = geo.county_areas.get(county_key(abbr, name, county_fips)) if name else None
        if found is not None:
            joined[county_fips] = found
        elif not name:
            unnamed.setdefault(abbr, []).append(county_fips)
    used = {county_key(geo.states[fips[:2]][0], geo.counties[fips][0], fips) for fips in joined}
    for abbr, fipses in unnamed.items():
        left = [value for key, value in geo.county_areas.items() if key[0] == abbr and key not in used]
        if len(fipses) == 1 and len(left) == 1:
            logger.info("County %s, named in no source, is %s (the only one of %s left).", fipses[0], left[0][1], abbr)
            joined[fipses[0]] = left[0]
    return joined


def load(folder: Path, *, areas_file: Path | None = None) -> ImportRun:
    """Replace all geography with the contents of `folder` (and, with `areas_file`, every county's OEWS area),
    atomically."""
    release = "SimpleMaps cities; OMB CBSA July 2023; HUD ZIP Q4 2024"
    if areas_file is not None:
        release += "; OFLC OEWS areas 2025-26"
    with recorded_import(source="geo", path=folder, release=release) as run:
        geo = parse(folder, areas_file)
        for model in (ZipCounty, City, County, Cbsa, State):
            model.objects.all().delete()
        writers = {
            State: TableWriter(State, ["fips", "abbr", "name"]),
            Cbsa: TableWriter(Cbsa, ["code", "title", "kind"]),
            County: TableWriter(County, ["fips", "name", "state", "cbsa", "published_area_code"]),
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
        unjoined = []
        published_by_county = join_county_areas(geo)
        for county_fips, (name, cbsa) in sorted(geo.counties.items()):
            published = published_by_county.get(county_fips)
            if published is None and geo.county_areas:
                unjoined.append(f"{name or 'unnamed'} ({county_fips})")
            full_name = published[1] if published else name or f"County {county_fips}"
            writers[County].add((county_fips, full_name, county_fips[:2], cbsa, published[0] if published else ""))
        if unjoined:
            logger.warning(
                "%s counties have no OEWS area in the OFLC file (named differently, or unnamed in the sources): %s",
                len(unjoined),
                ", ".join(unjoined),
            )
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
        load=lambda data_dir: [load(data_dir / "geo", areas_file=find_file(data_dir / "oews-areas", AREAS_FILE))],
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
            SnapshotFile(
                "oews-areas/oflc_geography_2025_26.csv",
                AREA_COLUMNS,
                "DOL OFLC FLAG wage data 2025-26, Geography (OEWS areas by county)",
                "Public domain (U.S. Department of Labor)",
                "July 2025 - June 2026",
            ),
        ),
    )
)
