"""What people call places, as the resolver reads them (plain Python, no database): the normalised key places are
compared on, and the words, codes and short names that mean a place.

Matching is on a normalised key (`place_key`): accents dropped, case and punctuation ignored, and Saint/St./St,
Fort/Ft., Mount/Mt. written one way, so "ST. LOUIS, mo" and "Saint Louis MO" are the same. Short names people use
for places (NYC, DC, Bay Area...) are listed in ALIASES, regions in REGIONS, both documented in docs/places.md.
"""

import re
import unicodedata

MAX_LENGTH = 100
ZIP = re.compile(r"^(\d{5})(-\d{4})?$")
TRAILING_ZIP = re.compile(r"[\s,](\d{5})(-\d{4})?$")  # "Sunnyvale, CA 94086": the ZIP decides

# Short names people use for places, each to one place or to the few it could mean. (city, state) resolves to the
# city; a 7-digit code to that OEWS area. Documented in docs/places.md.
ALIASES: dict[str, list[tuple[str, str] | str]] = {
    "nyc": [("New York", "NY")],
    "new york city": [("New York", "NY")],
    "manhattan": [("New York", "NY")],
    "brooklyn": [("New York", "NY")],
    "la": [("Los Angeles", "CA"), "2200000"],  # also Louisiana's abbreviation: a choice, the city first
    "sf": [("San Francisco", "CA")],
    "san fran": [("San Francisco", "CA")],
    "bay area": ["0041860", "0041940"],
    "sf bay area": ["0041860", "0041940"],
    "san francisco bay area": ["0041860", "0041940"],
    "silicon valley": ["0041940"],
    "dc": [("Washington", "DC")],
    "d c": [("Washington", "DC")],
    "washington dc": [("Washington", "DC")],
    "district of columbia": [("Washington", "DC")],
    "northern virginia": ["0047900"],
    "nova": ["0047900"],
    "dmv": ["0047900"],
    "twin cities": ["0033460"],
    "dfw": ["0019100"],
    "dallas fort worth": ["0019100"],
    "metroplex": ["0019100"],
    "philly": [("Philadelphia", "PA")],
    "vegas": [("Las Vegas", "NV")],
    "nola": [("New Orleans", "LA")],
    "atl": [("Atlanta", "GA")],
    "chi town": [("Chicago", "IL")],
    "chicagoland": ["0016980"],
    "metro detroit": ["0019820"],
    "greater boston": ["0014460"],
    "research triangle": ["0039580", "0020500"],
    "the triangle": ["0039580", "0020500"],
    "inland empire": ["0040140"],
    "tampa bay": ["0045300"],
    "hampton roads": ["0047260"],
    "quad cities": ["0019340"],
    "kc": [("Kansas City", "MO")],
    "okc": [("Oklahoma City", "OK")],
    "slc": [("Salt Lake City", "UT")],
    "st pete": [("St. Petersburg", "FL")],
    "saint pete": [("St. Petersburg", "FL")],
    "nashville": [("Nashville", "TN")],
    "indy": [("Indianapolis", "IN")],
    "socal": ["0031080", "0041740", "0040140"],
    "raleigh durham": ["0039580", "0020500"],
    "washington dc baltimore": ["0047900", "0012580"],
    "baltimore washington": ["0012580", "0047900"],
}
# Well-known regions that are not a city, county or metro title: the places (city or county, state) whose areas they
# span, offered as a choice (one area: that place). Each entry names its source. Documented in docs/places.md.
REGIONS: dict[str, list[tuple[str, str]]] = {
    # The barrier islands of Currituck, Dare and Hyde counties (NPS Cape Hatteras National Seashore; NC DOT).
    "outer banks": [("Dare County", "NC"), ("Currituck County", "NC"), ("Hyde County", "NC")],
    # The lake's shore towns on both sides of the state line (Tahoe Regional Planning Agency's jurisdiction: El
    # Dorado and Placer counties, CA; Douglas and Washoe counties, NV; Carson City).
    "lake tahoe": [
        ("South Lake Tahoe", "CA"),
        ("Placer County", "CA"),
        ("Incline Village", "NV"),
        ("Douglas County", "NV"),
    ],
    "tahoe": [("South Lake Tahoe", "CA"), ("Placer County", "CA"), ("Incline Village", "NV"), ("Douglas County", "NV")],
    # The San Francisco Bay Area's nine counties (Association of Bay Area Governments).
    "east bay": [("Alameda County", "CA"), ("Contra Costa County", "CA")],
    # Cape Cod is Barnstable County (Cape Cod Commission), the Florida Keys Monroe County (Monroe County, FL).
    "cape cod": [("Barnstable County", "MA")],
    "florida keys": [("Monroe County", "FL")],
    "the keys": [("Monroe County", "FL")],
    # The Hamptons and the rest of eastern Long Island are in Suffolk County; Long Island is Nassau and Suffolk.
    "the hamptons": [("Suffolk County", "NY")],
    "hamptons": [("Suffolk County", "NY")],
    "long island": [("Nassau County", "NY"), ("Suffolk County", "NY")],
    # Jackson Hole is Teton County, WY (Teton County government).
    "jackson hole": [("Teton County", "WY")],
}
# AP style's state abbreviations ("Fla.", "Okla.", "N.C."), and the GPO forms people also write, as place keys: the
# AP Stylebook's list (states of eight letters or fewer, and Alaska and Hawaii, are written out).
AP_STATES = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "ky": "KY", "la": "LA",
    "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS", "mo": "MO", "mont": "MT", "neb": "NE",
    "nebr": "NE", "nev": "NV", "n h": "NH", "n j": "NJ", "n m": "NM", "n mex": "NM", "n y": "NY", "n c": "NC",
    "n d": "ND", "n dak": "ND", "okla": "OK", "ore": "OR", "oreg": "OR", "pa": "PA", "penn": "PA", "r i": "RI",
    "s c": "SC", "s d": "SD", "s dak": "SD", "tenn": "TN", "tex": "TX", "vt": "VT", "va": "VA", "wash": "WA",
    "w va": "WV", "wis": "WI", "wisc": "WI", "wyo": "WY",
}  # fmt: skip
BLS_AREA_CODE = re.compile(r"^[msn]?(\d{7})$")  # an OEWS area code, with or without BLS's kind letter (M, S, N)
STATE_FIPS = re.compile(r"^\d{2}$")  # BLS's (and FIPS's) 2-digit state code: 54 is West Virginia
# The whole country, as people write it: national figures.
NATIONAL_NAMES = {"united states", "united states of america", "usa", "us", "u s", "u s a", "nationwide", "national"}
NOT_PLACES = {"remote", "anywhere", "work from home", "wfh", "hybrid", "telecommute", "virtual"}
# Words around a place that do not change it: "Greater Seattle Area", "Boston metro area", "Seattle, WA, USA".
LEADING = re.compile(r"^(the |greater )+")
AROUND = re.compile(
    r"^(the |greater )+|( (metropolitan|metro|metroplex|region|area|and vicinity))+$|( (usa|us|u s|u s a|united states"
    r"( of america)?))$"
)

_WORD_FORMS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}
_COUNTY_WORDS = ("county", "co", "parish", "borough", "census area", "municipality", "municipio", "city and borough")


def place_key(text: str) -> str:
    """How place names are compared: ASCII, lower case, punctuation as spaces, one spelling of Saint/Fort/Mount."""
    text = text.replace("'", "").replace("\u2019", "")  # O'Fallon, Coeur d'Alene typed with a curly apostrophe
    if text.isascii():  # most names: every character but a letter or digit becomes a space below anyway
        ascii_text = text.lower()
    else:
        # Any other punctuation or space (an en dash in Winston-Salem) separates words; accents are dropped.
        text = "".join(" " if unicodedata.category(char)[0] in "PZS" and char != "&" else char for char in text)
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ascii_text = ascii_text.replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text).split()
    # Only before another word: a last "MT" or "CT" is a state ("Kalispell MT"), a first one a word ("Mt. Vernon").
    return " ".join([_WORD_FORMS.get(word, word) for word in words[:-1]] + words[-1:])


def within(words: str, title: str) -> bool:
    """Whether a title contains these whole words ("san jose" in "san jose sunnyvale santa clara ca", "c" nowhere)."""
    return len(words) >= 3 and f" {words} " in f" {title} "


def county_base(key: str) -> str:
    """ "king county" -> "king" (a key without a county word is returned unchanged)."""
    for word in _COUNTY_WORDS:
        if key.endswith(" " + word):
            return key[: -len(word) - 1]
    return key
