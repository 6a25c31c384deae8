"""The wage ranges of a comparison as an SVG drawn on the server: a line from the 10th to the 90th percentile, a box
from Low to High, a mark at the median; one chart per unit shown (annual and hourly wages never share an axis).
The table on the page is its text equivalent."""

from dataclasses import dataclass
from decimal import Decimal

from roles.compare import Cell, Comparison

WIDTH = 720
LABEL = 260  # the labels' column
ROW = 30
TOP = 10
AXIS = 30  # the axis labels under the rows


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    p10: float | None
    p25: float | None
    median: float | None
    p75: float | None
    p90: float | None

    @property
    def box_width(self) -> float:
        return round((self.p75 or 0) - (self.p25 or 0), 1)


@dataclass(frozen=True)
class Chart:
    unit: str  # year or hour
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    height: int
    width: int = WIDTH
    left: int = LABEL

    @property
    def caption(self) -> str:
        return "Annual wages, dollars a year" if self.unit == "year" else "Hourly wages, dollars an hour"


def _value(cell: Cell, key: str) -> Decimal | None:
    figure = cell.figure(key)
    return None if figure is None or figure.value is None else Decimal(figure.value)


def _tick_step(top: Decimal) -> Decimal:
    step = Decimal(1)
    while top / step > 6:
        for factor in (2, Decimal("2.5"), 2):
            step *= factor
            if top / step <= 6:
                break
    return step


def _chart(unit: str, cells: list[Cell]) -> Chart:
    values = [v for cell in cells for key in ("p10", "p25", "median", "p75", "p90") if (v := _value(cell, key))]
    top = max(values, default=Decimal(1))
    step = _tick_step(top)
    top = (top / step).to_integral_value(rounding="ROUND_CEILING") * step
    span = WIDTH - LABEL - 20

    def x(value: Decimal | None) -> float | None:
        return None if value is None else round(LABEL + float(value / top) * span, 1)

    bars = [
        Bar(
            label=f"{cell.role.title}, {cell.column.label}",
            y=TOP + index * ROW,
            **{key: x(_value(cell, key)) for key in ("p10", "p25", "median", "p75", "p90")},
        )
        for index, cell in enumerate(cells)
    ]
    count = int(top / step)
    money = (lambda v: f"${int(v) // 1000}k") if unit == "year" else (lambda v: f"${v:g}")
    ticks = [(x(step * i) or 0.0, money(step * i)) for i in range(count + 1)]
    return Chart(unit=unit, bars=bars, ticks=ticks, height=TOP + len(cells) * ROW + AXIS)


def charts(comparison: Comparison) -> list[Chart]:
    """A chart for each unit the table shows, annual first."""
    by_unit: dict[str, list[Cell]] = {}
    for cell in comparison.answered:
        by_unit.setdefault(cell.unit, []).append(cell)
    return [_chart(unit, by_unit[unit]) for unit in ("year", "hour") if unit in by_unit]
