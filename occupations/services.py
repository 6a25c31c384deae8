"""Writes that span occupations."""

import re

from django.db import transaction

from occupations.models import Occupation

# "29-1141", "29-1141.00" (O*NET-SOC), "15-1252.01", "291141", "29 1141", "29-1141.0": the SOC code is what counts.
_CODE = re.compile(r"^\s*(\d{2})[-\s\u2010-\u2015]?(\d{4})(?:\.(\d{1,2}))?\s*$")


def soc_code_of(text: str) -> str | None:
    """The SOC 2018 code a SOC or O*NET-SOC code names ("29-1141.00" -> "29-1141"), or None if `text` is not one.
    An O*NET-SOC code with a suffix other than .00 (15-1299.08) is an O*NET occupation within that SOC code."""
    match = _CODE.match(text)
    return f"{match.group(1)}-{match.group(2)}" if match else None


def soc_ancestors(code: str) -> list[str]:
    """Candidate parent codes of a SOC code, nearest first: broad, minor, major, total."""
    return [code[:6] + "0", code[:5] + "00", code[:2] + "-0000", "00-0000"]


@transaction.atomic
def occupation_hierarchy_refresh() -> int:
    """Point every occupation at its nearest existing SOC ancestor. Returns how many changed."""
    codes = dict(Occupation.objects.values_list("code", "parent_id"))
    changed = []
    for code, parent in codes.items():
        wanted = next((c for c in soc_ancestors(code) if c != code and c in codes), None)
        if code == "00-0000":
            wanted = None
        if wanted != parent:
            changed.append(Occupation(code=code, parent_id=wanted))
    Occupation.objects.bulk_update(changed, ["parent"], batch_size=500)
    return len(changed)
