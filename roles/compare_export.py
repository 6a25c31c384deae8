"""A comparison as a file: CSV, or an Excel workbook (openpyxl, already pinned for reading the official .xlsx
releases, writes it in its write-only mode). One row per role x place with exactly the figures the page shows, in
the unit it shows them, the unit in its own column; BLS's symbols stay as BLS writes them ("#", "*"). The workbook
adds a sheet with the release, the units and the citations; the CSV repeats the release and sources on every row."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

from roles.compare import WAGE_KEYS, Cell, Comparison

Value = str | int | float | Decimal | None


def _published(cell: Cell, key: str) -> Value:
    figure = cell.figure(key)
    if figure is None:
        return None
    return figure.special or figure.value


def _figures(cell: Cell | None) -> dict[str, Value]:
    """A cell's columns after the place: blank for a place that asks for a choice."""
    answered = cell if cell is not None and cell.summary is not None else None
    row: dict[str, Value] = {
        "occupation_code": answered.summary.estimate.occupation_id if answered and answered.summary else "",
        "area_code": answered.summary.estimate.area_id if answered and answered.summary else "",
        "area": answered.area_name if answered else "",
        "wage_unit": ("usd_per_year" if answered.unit == "year" else "usd_per_hour") if answered else "",
    }
    for key, _ in WAGE_KEYS:
        row[key] = _published(answered, key) if answered else None
    employment = answered.employment if answered else None
    market = answered.market if answered else None
    return row | {
        "employment": (employment.special or employment.value) if employment else None,
        "median_vs_national_percent": answered.difference if answered else None,
        "hiring_difficulty_0_to_100": market.difficulty if market else None,
        "hiring_difficulty_label": market.difficulty_label if market else "",
        "reliability": " ".join(answered.reliability) if answered else "",
    }


def rows(comparison: Comparison) -> list[dict[str, Value]]:
    """The table the page shows, one dict a row, in the page's order; a place that asks for a choice is a row
    saying so, with no figures."""
    table: list[dict[str, Value]] = []
    sources = "; ".join(comparison.citations)
    for role in comparison.roles:
        cells = {id(cell.column): cell for cell in comparison.cells if cell.role.slug == role.slug}
        for column in comparison.columns:
            cell = cells.get(id(column))
            row: dict[str, Value] = {
                "role": role.title,
                "role_slug": role.slug,
                "place_asked": column.query or "United States",
                "place": column.label if column.status == "found" else "",
                "place_status": column.status,
            }
            row |= _figures(cell) | {
                "notes": " ".join(cell.notes) if cell else column.message,
                "release": comparison.release.name,
                "sources": sources,
            }
            table.append(row)
    return table


def comparison_csv(comparison: Comparison) -> str:
    table = rows(comparison)
    buffer = io.StringIO()
    if table:
        writer = csv.DictWriter(buffer, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: "" if value is None else value for key, value in row.items()} for row in table)
    return buffer.getvalue()


def _cell_value(value: Value) -> str | int | float | None:
    return float(value) if isinstance(value, Decimal) else value


def comparison_xlsx(comparison: Comparison, permalink: str) -> bytes:
    """The workbook: sheet "Comparison" (the table), sheet "Sources" (release, units, citations, the page)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Comparison")
    table = rows(comparison)
    if table:
        sheet.append(list(table[0]))
        for row in table:
            sheet.append([_cell_value(value) for value in row.values()])
    about = book.create_sheet("Sources")
    about.append(["Release", comparison.release.name])
    about.append(["Units", "wage_unit: usd_per_year (annual wages) or usd_per_hour (hourly wages), per row"])
    about.append(["Percentiles", "p25 is the page's Low, median its Medium, p75 its High"])
    about.append(["BLS symbols", "# * ** ~ are kept as BLS publishes them; the notes column says what each means"])
    about.append(["Page", permalink])
    for citation in comparison.citations:
        about.append(["Source", citation])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
