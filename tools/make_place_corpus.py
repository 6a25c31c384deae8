"""Write geo/tests/place_corpus.csv: place names as people type them, each with the OEWS area it must reach.

The expected areas come from the public files, not from rolescope's resolver: a city's county (SimpleMaps
uscities), that county's OEWS area (DOL OFLC geography), a ZIP code's county with the most addresses (HUD), a
metro area's code (OMB delineation). Variants are written as people type them: without a comma, in any case,
with the state spelled out, Saint/St., Fort/Ft., Mount/Mt., hyphens as spaces, ZIP+4, county names, metro names.
Hand-picked hard cases follow. Rerun after the data change:

    .venv/bin/python tools/make_place_corpus.py [../shared/data]
"""

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from geo.names import county_key  # noqa: E402  (the join rule the OFLC file documents: state + name)

HARD = [
    # (text, expected area or "choices", why)
    ("seattle wa", "0042660", "no comma, lower case"),
    ("Bozeman MT", "0014580", "no comma"),
    ("Ithaca NY", "0027060", "no comma"),
    ("Saint Louis, MO", "0041180", "Saint for St."),
    ("St Louis MO", "0041180", "St without a dot"),
    ("NYC", "0035620", "short name"),
    ("washington dc", "0047900", "DC"),
    ("Washington, D.C.", "0047900", "D.C."),
    ("Bay Area", "choices", "two metro areas"),
    ("New York", "choices", "a state and a major city: the metro first"),
    ("Washington", "choices", "a state and a major city"),
    ("Livingston, MT", "3000003", "rural: Southwest Montana nonmetropolitan area"),
    ("Bemidji, MN", "2700001", "rural: Northwest Minnesota nonmetropolitan area"),
    ("Astoria, OR", "4100006", "rural: Coast Oregon nonmetropolitan area"),
    ("Cortez, CO", "0800002", "rural: Southwest Colorado nonmetropolitan area"),
    ("Marquette, MI", "2600001", "rural: Upper Peninsula of Michigan nonmetropolitan area"),
    ("King County, WA", "0042660", "a county"),
    ("king county wa", "0042660", "a county, no comma"),
    ("Los Angeles County, CA", "0031080", "a county"),
    ("94086-1234", "0041940", "ZIP+4"),
    ("Ft. Collins, CO", "0022660", "Ft."),
    ("Mt. Vernon, WA", "0034580", "Mt."),
    ("Winston Salem NC", "0049180", "hyphen as a space"),
    ("WINSTON-SALEM, NORTH CAROLINA", "0049180", "capitals, state spelled out"),
    ("  austin ,  tx. ", "0012420", "stray spaces and punctuation"),
    ("San Jose metro", "0041940", "metro name"),
    ("Seattle-Tacoma-Bellevue, WA", "0042660", "full metro name"),
    ("Silicon Valley", "0041940", "regional name"),
    ("Twin Cities", "0033460", "regional name"),
    ("Philly", "0037980", "short name"),
    ("Texas", "4800000", "a state"),
    ("Washington State", "5300000", "the state, said plainly"),
    ("Kalispell MT", "3000004", "MT is Montana at the end, Mount at the start"),
    ("Mt Pleasant SC", "0016700", "Mt without a dot"),
    ("Winston\u2013Salem NC", "0049180", "an en dash"),
    ("O'Fallon MO", "0041180", "an apostrophe"),
    ("Coeur d\u2019Alene, ID", "0017660", "a typographic apostrophe"),
    ("Bozeman, Montana 59715", "0014580", "a ZIP after the place"),
    ("Sioux Falls, SD-MN", "0043620", "a metro title across two states"),
    ("Greater Seattle Area", "0042660", "as LinkedIn writes places"),
    ("Greater New York City Area", "0035620", "as LinkedIn writes places"),
    ("Boston MA area", "0014460", "a trailing 'area'"),
    ("Seattle, WA, USA", "0042660", "the country after the state"),
    ("Austin Texas USA", "0012420", "the country after the state"),
    ("United States", "0000000", "the whole country"),
    ("Raleigh-Durham", "choices", "two metro areas"),
    ("Minneapolis/St. Paul", "0033460", "a slash between two cities"),
    ("Brooklyn, NY", "0035620", "a borough"),
    ("Portland", "choices", "Oregon and Maine"),
    ("Cook County IL", "0016980", "a county, no comma"),
    ("Juneau, AK", "0200006", "a borough in Alaska's nonmetropolitan area"),
    ("West Virginia", "5400000", "a state whose name ends with another state's"),
    ("charleston west virginia", "0016620", "the state spelled out, two words"),
    ("New York State", "3600000", "the state, said plainly"),
]


def main(data: Path) -> None:
    rng = random.Random(11)  # noqa: S311 (a sample, not a secret)
    areas: dict[tuple[str, str], str] = {}
    with open(data / "oews-areas/oflc_geography_2025_26.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            areas[county_key(row["StateAb"], row["CountyTownName"])] = row["Area"].zfill(7)
    with open(data / "geo/uscities.csv", encoding="utf-8-sig", newline="") as handle:
        cities = [row for row in csv.DictReader(handle) if row["state_id"] not in ("PR",)]
    for city in cities:
        city["area"] = areas.get(county_key(city["state_id"], city["county_name"], city["county_fips"].zfill(5)), "")
    cities = [city for city in cities if city["area"]]
    # One city per (name, state): the most populous, as a person means the big one.
    unique: dict[tuple[str, str], dict[str, str]] = {}
    for city in sorted(cities, key=lambda c: -int(c["population"])):
        unique.setdefault((city["city"].lower(), city["state_id"]), city)
    by_name: dict[str, int] = {}
    for city in unique.values():
        by_name[city["city"].lower()] = by_name.get(city["city"].lower(), 0) + 1
    cities = list(unique.values())
    state_names = {city["state_name"] for city in cities}

    rows: list[tuple[str, str, str]] = []
    largest = cities[:60]
    rural = rng.sample(
        [c for c in cities if not c["area"].startswith("00") and 2_000 <= int(c["population"]) < 50_000], 60
    )
    named = [c for c in cities if c["city"].split()[0] in ("St.", "Saint", "Fort", "Mount", "Mt.", "Ft.")]
    hyphenated = [c for c in cities if "-" in c["city"]]
    for city in largest + rural + rng.sample(named, 25) + rng.sample(hyphenated, 10):
        name, abbr, state, area = city["city"], city["state_id"], city["state_name"], city["area"]
        rows.append((f"{name}, {abbr}", area, "City, ST"))
        rows.append((f"{name.lower()} {abbr.lower()}", area, "lower case, no comma"))
        rows.append((f"{name} {state}", area, "state spelled out, no comma"))
        swapped = (
            name.replace("St. ", "Saint ").replace("Ft. ", "Fort ").replace("Mt. ", "Mount ")
            if name.split()[0] in ("St.", "Ft.", "Mt.")
            else name.replace("Saint ", "St. ").replace("Fort ", "Ft. ").replace("Mount ", "Mt. ")
        )
        if swapped != name:
            rows.append((f"{swapped}, {abbr}", area, "Saint/St., Fort/Ft., Mount/Mt."))
        if "-" in name:
            rows.append((f"{name.replace('-', ' ')} {abbr}", area, "hyphen as a space"))
        if by_name[name.lower()] == 1 and city in largest and name not in state_names:
            rows.append((name, area, "a city with a unique name, without its state"))

    with open(data / "geo/ZIP_COUNTY_122024.csv", encoding="utf-8-sig", newline="") as handle:
        zip_rows = list(csv.DictReader(handle))
    county_names = {c["county_fips"].zfill(5): (c["state_id"], c["county_name"]) for c in cities}
    best: dict[str, tuple[float, str]] = {}
    for row in zip_rows:
        share = float(row["TOT_RATIO"])
        if share > best.get(row["ZIP"], (-1.0, ""))[0]:
            best[row["ZIP"]] = (share, row["COUNTY"].zfill(5))
    zips = [z for z, (_, county) in sorted(best.items()) if county in county_names]
    for zip_code in rng.sample(zips, 30):
        state, county = county_names[best[zip_code][1]]
        area = areas.get(county_key(state, county, best[zip_code][1]), "")
        if area:
            rows.append((zip_code if rng.random() < 0.5 else f"{zip_code}-{rng.randint(1000, 9999)}", area, "ZIP"))

    with open(data / "geo/list1_2023_county_cbsa.csv", encoding="utf-8-sig", newline="") as handle:
        metros = {
            row["cbsa_code"]: row["cbsa_title"]
            for row in csv.DictReader(handle)
            if row["metro_micro"].startswith("Metropolitan")
        }
    for code in rng.sample(sorted(metros), 20):
        rows.append((metros[code], f"00{code}", "full metro name"))
    rows += HARD
    path = ROOT / "geo/tests/place_corpus.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["text", "area", "variant"])
        writer.writerows(rows)
    print(f"Wrote {len(rows)} place strings to {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
