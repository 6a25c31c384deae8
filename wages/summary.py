"""One OEWS estimate as rolescope shows it, on every surface: the figures in the unit BLS publishes, and what its
symbols, units and close percentiles mean, in the release's own words."""

import itertools
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from geo.models import NATIONAL
from wages.models import ANNUAL_ONLY, HOURLY_ONLY, Figure, Release, WageEstimate, money

# Relative standard errors above this (percent) mark a figure as less reliable.
RSE_THRESHOLD = Decimal(10)
PERCENTILES = (
    ("10th percentile", "p10"),
    ("25th percentile (Low)", "p25"),
    ("Median (Medium)", "median"),
    ("75th percentile (High)", "p75"),
    ("90th percentile", "p90"),
    ("Mean", "mean"),
)


@dataclass(frozen=True)
class WageRow:
    label: str
    annual: Figure
    hourly: Figure


@dataclass(frozen=True)
class HistoryPoint:
    """The national median in one release, in both units as BLS published them."""

    release: str
    annual: Figure
    hourly: Figure


@dataclass
class WageSummary:
    """One OEWS estimate as the page, the API and the downloads show it. Its figures are formatted once, when first
    read: a summary kept in a memo (roles.card) serves every later request without formatting them again."""

    estimate: WageEstimate
    release: Release

    def figure(self, name: str) -> Figure:
        return self.estimate.figure(name, self.release)

    @cached_property
    def area_name(self) -> str:
        return "United States" if self.estimate.area_id == NATIONAL else self.estimate.area.name

    @cached_property
    def unit(self) -> str:
        """ "hour" for an occupation BLS publishes hourly wages only for, else "year"."""
        return self.estimate.wage_unit

    @cached_property
    def prefix(self) -> str:
        return "annual" if self.unit == "year" else "hourly"

    @cached_property
    def low(self) -> Figure:
        return self.figure(f"{self.prefix}_p25")

    @cached_property
    def medium(self) -> Figure:
        return self.figure(f"{self.prefix}_median")

    @cached_property
    def high(self) -> Figure:
        return self.figure(f"{self.prefix}_p75")

    @cached_property
    def shows_annual(self) -> bool:
        return not self.estimate.hourly_only

    @cached_property
    def shows_hourly(self) -> bool:
        return not self.estimate.annual_only

    @cached_property
    def rows(self) -> list[WageRow]:
        return [
            WageRow(label, self.figure(f"annual_{key}"), self.figure(f"hourly_{key}")) for label, key in PERCENTILES
        ]

    @cached_property
    def employment(self) -> Figure:
        return self.figure("employment")

    @cached_property
    def unit_note(self) -> str:
        if self.estimate.hourly_only:
            return HOURLY_ONLY
        return ANNUAL_ONLY if self.estimate.annual_only else ""

    @cached_property
    def less_reliable(self) -> list[str]:
        flagged = []
        for field_name, label in (("employment_rse", "employment"), ("mean_rse", "mean wage")):
            value = getattr(self.estimate, field_name)
            if value is not None and value > RSE_THRESHOLD:
                flagged.append(f"The {label} estimate has a relative standard error of {value}%.")
        return flagged

    @cached_property
    def symbol_notes(self) -> list[str]:
        """What each BLS symbol shown here means, in the release's own words."""
        shown = [f"{unit}_{key}" for unit in ("annual", "hourly") for _, key in PERCENTILES] + ["employment"]
        symbols = {(self.estimate.special or {}).get(name) for name in shown} - {None}
        notes = []
        if "#" in symbols:
            release = self.release
            said = f"BLS marks these values “#”; its note for the {release.name} release: “# {release.note('#')}”."
            top = release.top
            if release.top_is_ceiling and top:
                notes.append(f"“{money(top[1], 'year')} or more” and “{money(top[0], 'hour')} or more”: {said}")
            else:
                highest = (
                    f" up to {money(self.release.highest_annual, 'year')} a year" if self.release.highest_annual else ""
                )
                notes.append(
                    f"“Not published for this area”: {said} The same release publishes wages{highest} elsewhere, so "
                    "here the mark says BLS did not publish the value for this area, not that it lies above a ceiling."
                )
        for symbol in ("*", "**", "~"):
            if symbol in symbols:
                notes.append(f"“Not published”: BLS marks it “{symbol}”, which {self.release.note(symbol)}.")
        return notes

    @cached_property
    def notes(self) -> list[str]:
        """Every sentence shown under these figures: the unit, percentiles that meet, BLS's symbols."""
        return [note for note in (self.unit_note, self.collapsed_note) if note] + self.symbol_notes

    @cached_property
    def symbol_meanings(self) -> dict[str, str]:
        """BLS symbol -> what it means here, for every symbol in this estimate (the API's `special_meanings`)."""
        meanings = {}
        for symbol in sorted(set((self.estimate.special or {}).values())):
            meaning = self.release.note(symbol)
            if symbol == "#" and not self.release.top_is_ceiling:
                meaning = (
                    f"not published for this area (BLS's note to “#”: {meaning}; but the {self.release.name} release "
                    f"publishes wages up to {money(self.release.highest_annual, 'year')} a year elsewhere)"
                )
            meanings[symbol] = meaning
        return meanings

    @cached_property
    def collapsed_note(self) -> str:
        """A note when neighbouring percentiles lie within 1% of the median of each other (a pay scale: many workers
        paid the same rate), so that nobody reads a flat top as a mistake."""
        median = self.medium.value
        if not median:
            return ""
        labels = {"p10": "10th percentile", "p25": "25th percentile", "median": "median", "p75": "75th percentile"}
        labels["p90"] = "90th percentile"
        keys = list(labels)
        close = []
        for lower, upper in itertools.pairwise(keys):
            a, b = self.figure(f"{self.prefix}_{lower}").value, self.figure(f"{self.prefix}_{upper}").value
            if a is not None and b is not None and abs(Decimal(b) - Decimal(a)) <= Decimal(median) / 100:
                close.append(f"the {labels[upper]} is within 1% of the {labels[lower]}")
        if not close:
            return ""
        return (
            f"Here {' and '.join(close)}. That is how the estimates are, not an error: where many workers are paid on "
            "the same pay scale, BLS's percentiles fall on nearly the same wage."
        )
