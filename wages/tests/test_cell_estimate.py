"""One cell's estimate read by the SQL made once (wages.queries.cell_estimate) is the row the ORM reads."""

import pytest
from django.forms.models import model_to_dict

from geo.resolve import gazetteer
from wages.models import WageEstimate
from wages.queries import cell_estimate, current_release

pytestmark = pytest.mark.django_db


def test_a_cell_reads_the_same_estimate_as_the_orm():
    release = current_release()
    assert release is not None
    areas = gazetteer().areas
    # a metro, a state and the nation, with symbols (special) and without
    rows = list(WageEstimate.objects.filter(release=release, area_id="0042660").select_related("occupation")[:20])
    rows += list(
        WageEstimate.objects.filter(release=release).filter(special__isnull=False).select_related("occupation")[:20]
    )
    assert rows
    for expected in rows:
        found = cell_estimate(release, areas[expected.area_id], expected.occupation_id)
        assert found is not None
        assert model_to_dict(found) == model_to_dict(expected)
        assert model_to_dict(found.occupation) == model_to_dict(expected.occupation)
        assert found.area.code == expected.area_id and found.release == release


def test_a_cell_without_an_estimate_is_none():
    release = current_release()
    assert release is not None
    assert cell_estimate(release, gazetteer().areas["0042660"], "99-9999") is None
