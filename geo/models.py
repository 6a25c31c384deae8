"""US geography: the OEWS estimation areas, and the states, CBSAs, counties, cities and ZIP codes used to turn
"City, ST" or a ZIP code into one of them."""

from django.db import models

NATIONAL = "0000000"  # BLS's area code for the United States


class Area(models.Model):
    """An OEWS estimation area, keyed by BLS's 7-digit area code."""

    class Kind(models.TextChoices):
        NATIONAL = "national"
        STATE = "state"
        TERRITORY = "territory"
        METRO = "metro", "Metropolitan area"
        NONMETRO = "nonmetro", "Nonmetropolitan area"

    code = models.CharField(max_length=7, primary_key=True, help_text="0000000 national, 0600000 California...")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    state_abbr = models.CharField(max_length=2, blank=True, help_text="Primary state (blank for national).")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.code == NATIONAL

    @property
    def is_substate(self) -> bool:
        """A metropolitan or nonmetropolitan area: one with a state above it."""
        return self.kind in (Area.Kind.METRO, Area.Kind.NONMETRO)


class State(models.Model):
    """A state, DC or Puerto Rico, keyed by its 2-digit FIPS code."""

    fips = models.CharField(max_length=2, primary_key=True)
    abbr = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cbsa(models.Model):
    """A Core Based Statistical Area (OMB July 2023 delineation): metropolitan or micropolitan."""

    class Kind(models.TextChoices):
        METRO = "metro", "Metropolitan Statistical Area"
        MICRO = "micro", "Micropolitan Statistical Area"

    code = models.CharField(max_length=5, primary_key=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=5, choices=Kind.choices)

    class Meta:
        ordering = ["title"]
        verbose_name = "CBSA"

    def __str__(self) -> str:
        return self.title


class County(models.Model):
    """A county or county-equivalent, with the OEWS area whose estimates apply to it."""

    fips = models.CharField(max_length=5, primary_key=True)
    name = models.CharField(max_length=100)
    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="counties")
    cbsa = models.ForeignKey(Cbsa, null=True, blank=True, on_delete=models.SET_NULL, related_name="counties")
    published_area_code = models.CharField(
        max_length=7, blank=True, help_text="The OEWS area BLS assigns it (metro or nonmetro; OFLC geography)."
    )
    oews_area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counties",
        help_text="The area whose estimates apply: the published one when loaded; else its metro area, the "
        "state's only nonmetro area, or the state.",
    )

    class Meta:
        ordering = ["fips"]
        verbose_name_plural = "counties"

    def __str__(self) -> str:
        return f"{self.name}, {self.state_id}"


class City(models.Model):
    """A populated place from the SimpleMaps US Cities database (CC BY 4.0)."""

    id = models.BigIntegerField(primary_key=True, help_text="SimpleMaps id.")
    name = models.CharField(max_length=100)
    name_ascii = models.CharField(max_length=100, db_index=True)
    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="cities")
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="cities")
    latitude = models.DecimalField(max_digits=8, decimal_places=4)
    longitude = models.DecimalField(max_digits=8, decimal_places=4)
    population = models.PositiveIntegerField()
    ranking = models.PositiveSmallIntegerField()
    zips = models.TextField(blank=True, help_text="Space-separated ZIP codes.")

    class Meta:
        ordering = ["-population"]
        verbose_name_plural = "cities"
        indexes = [models.Index(fields=["state", "name_ascii"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.state_id}"


class ZipCounty(models.Model):
    """Share of a ZIP code's addresses in one county (HUD USPS crosswalk)."""

    zip = models.CharField(max_length=5, db_index=True)
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="zips")
    preferred_city = models.CharField(max_length=100)
    preferred_state = models.CharField(max_length=2)
    residential_ratio = models.DecimalField(max_digits=10, decimal_places=9)
    business_ratio = models.DecimalField(max_digits=10, decimal_places=9)
    other_ratio = models.DecimalField(max_digits=10, decimal_places=9)
    total_ratio = models.DecimalField(max_digits=10, decimal_places=9)

    class Meta:
        ordering = ["zip", "-total_ratio"]
        constraints = [models.UniqueConstraint(fields=["zip", "county"], name="zip_county_unique")]


class PriceParity(models.Model):
    """BEA Regional Price Parity, all items: a place's price level as a percentage of the U.S. average (100), for a
    metropolitan area (MARPP, keyed by its CBSA code) or a state's metropolitan or nonmetropolitan portion (PARPP,
    keyed SS998 / SS999 by the state's FIPS code)."""

    fips = models.CharField(max_length=5, help_text="BEA GeoFIPS: a CBSA code, or SS998/SS999 for state portions.")
    name = models.CharField(max_length=200, help_text="BEA's name for the area.")
    table = models.CharField(max_length=5, help_text="MARPP (metro areas) or PARPP (state portions).")
    year = models.PositiveSmallIntegerField()
    rpp = models.DecimalField(max_digits=7, decimal_places=3, help_text="All items, U.S. = 100.")

    class Meta:
        ordering = ["fips", "year"]
        constraints = [models.UniqueConstraint(fields=["fips", "year"], name="price_parity_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.rpp}"
