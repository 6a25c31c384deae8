"""Writes that span occupations."""

from django.db import transaction

from occupations.models import Occupation


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
