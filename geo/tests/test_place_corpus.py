"""The place corpus: 600 place strings as people type them, each with the OEWS area it must reach.

geo/tests/place_corpus.csv is written by tools/make_place_corpus.py from the public files (a city's county in the
SimpleMaps list, that county's OEWS area in the OFLC geography file, a ZIP code's main county in the HUD crosswalk,
the OMB metro titles), not from the resolver, plus hand-picked hard cases.
"""

import csv
from pathlib import Path

import pytest

from geo.resolve import Outcome, resolve

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).with_name("place_corpus.csv")


def corpus() -> list[dict[str, str]]:
    with open(CORPUS, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def reached(text: str) -> str:
    result = resolve(text)
    if result.kind == Outcome.AMBIGUOUS:
        return "choices"
    return result.place.area.code if result.place else f"({result.message})"


def test_the_corpus_is_large_and_varied():
    rows = corpus()
    assert len(rows) >= 300
    variants = {row["variant"] for row in rows}
    for variant in ("lower case, no comma", "ZIP", "full metro name", "a county", "Saint/St., Fort/Ft., Mount/Mt."):
        assert variant in variants


def test_every_place_in_the_corpus_reaches_its_area(capsys):
    rows = corpus()
    misses = [(row["text"], row["area"], got) for row in rows if (got := reached(row["text"])) != row["area"]]
    hit_rate = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(f"\nplace corpus: {len(rows) - len(misses)}/{len(rows)} reach their area ({hit_rate:.1%})")
    assert not misses, "\n".join(f"{text!r}: expected {want}, got {got}" for text, want, got in misses)


def test_every_label_resolves_to_its_own_area():
    """Pages and the API pass a place on by its label (links, the card API): the label must mean the same area."""
    for row in corpus():
        result = resolve(row["text"])
        places = [result.place] if result.place else [resolve(choice).place for choice in result.choices]
        for place in places:
            assert place is not None, row
            again = resolve(place.label)
            assert again.place is not None and again.place.area == place.area, (row["text"], place.label)
