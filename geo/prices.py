"""What pay buys in a place: BEA's Regional Price Parity (all items) for an OEWS area. A metropolitan area takes its
own (MARPP, by CBSA code); a nonmetropolitan area takes its state's nonmetropolitan portion (PARPP). States and the
nation have no parity loaded: BEA's state table stops a year earlier, and the U.S. is 100 by definition."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from geo.models import Area, PriceParity
from sources import versions

SOURCE = "U.S. Bureau of Economic Analysis, Regional Price Parities {year}, table {table} (all items)"


@dataclass(frozen=True)
class PriceLevel:
    area: Area
    bea_name: str
    table: str
    year: int
    rpp: Decimal

    @property
    def source(self) -> str:
        return SOURCE.format(year=self.year, table=self.table)

    @property
    def portion(self) -> bool:
        """The state's nonmetropolitan portion stands in for the area."""
        return self.table == "PARPP"

    def at_us_prices(self, pay: Decimal | int | None, unit: str = "year") -> Decimal | None:
        """`pay` at U.S.-average prices: pay / (RPP / 100), to the dollar (to the cent for hourly pay)."""
        if pay is None:
            return None
        step = Decimal("0.01") if unit == "hour" else Decimal("1")
        return (Decimal(pay) * 100 / self.rpp).quantize(step, rounding=ROUND_HALF_UP)


def parity_code(area: Area) -> str | None:
    """BEA's GeoFIPS for the area's price level: the CBSA of a metro area, SS999 for a nonmetro area of state SS."""
    if area.kind == Area.Kind.METRO and area.code.startswith("00"):
        return area.code[2:]
    if area.kind == Area.Kind.NONMETRO:
        return f"{area.code[:2]}999"
    return None


@versions.memoized("price parities", maxsize=1)
def newest_parities() -> dict[str, tuple[str, str, int, Decimal]]:
    """GeoFIPS -> (BEA name, table, year, RPP) of the newest year loaded: a few hundred rows, kept in process memory
    until the data version changes, so a page with a place reads none."""
    found: dict[str, tuple[str, str, int, Decimal]] = {}
    for fips, name, table, year, rpp in PriceParity.objects.order_by("year").values_list(
        "fips", "name", "table", "year", "rpp"
    ):
        found[fips] = (name, table, year, rpp)
    return found


def price_level(area: Area) -> PriceLevel | None:
    """The newest price parity for `area`, or None where BEA publishes none for it."""
    code = parity_code(area)
    row = newest_parities().get(code) if code else None
    if row is None or row[3] <= 0:  # 0.000: BEA's row for a portion a state does not have (loaded before 0.19.1)
        return None
    name, table, year, rpp = row
    return PriceLevel(area=area, bea_name=name, table=table, year=year, rpp=rpp)
