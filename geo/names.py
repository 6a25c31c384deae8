"""How a county is named across files that spell it differently: plain Python, so tools can use it without Django."""

import re
import unicodedata

# County-equivalents whose FIPS code is 510 or more are independent cities (Virginia, Baltimore, St. Louis, Carson
# City): "Richmond city" is not Richmond County, though SimpleMaps names both "Richmond".
INDEPENDENT_CITY_STATES = {"24", "29", "32", "51"}
_COUNTY_WORDS = re.compile(r"\s+(county|parish|borough|census area|city and borough|municipality|municipio)$")


def county_key(state_abbr: str, name: str, county_fips: str = "") -> tuple[str, str]:
    """How a county is matched across files that name it differently ("St. Mary's County" / "Saint Marys")."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    text = re.sub(r"\bst\.?\s", "saint ", text)
    text = re.sub(r"\bste\.?\s", "sainte ", text)
    text = _COUNTY_WORDS.sub("", text)
    text = " ".join(re.sub(r"[^a-z0-9 ]+", " ", text).split())
    independent = county_fips[:2] in INDEPENDENT_CITY_STATES and county_fips[2:] >= "500"
    if independent and not text.endswith(" city"):
        text += " city"
    return state_abbr, text
