"""Import BLS Employment Projections from the EP program's occupation.xlsx (tables 1.2 and 1.10)."""

import re
from decimal import Decimal
from pathlib import Path

from market.models import Projection
from sources.loading import TableWriter, recorded_import
from sources.models import ImportRun
from sources.parsing import DataFileError, Row, read_xlsx
from sources.registry import DataSet, SnapshotFile, register

TITLE = "2024 National Employment Matrix title"
CODE = "2024 National Employment Matrix code"
TYPE = "Occupation type"
NOT_AVAILABLE = ("", "—", "-", "–")

# (sheet, column in the sheet, field) for every value kept. Column names drift with the base year
# ("Employment, 2024"), so they are matched by prefix below.
TABLE_1_2 = {
    "Employment, 2": "employment_base",
    "Employment change, numeric": "change",
    "Employment change, percent": "change_percent",
    "Percent self employed": "self_employed_percent",
    "Occupational openings": "openings",
    "Median annual wage": "median_wage_text",
    "Typical education needed for entry": "entry_education",
    "Work experience in a related occupation": "work_experience",
    "Typical on-the-job training": "job_training",
}
TABLE_1_10 = {
    "Labor force exit rate": "labor_force_exit_rate",
    "Occupational transfer rate": "transfer_rate",
    "Total occupational separations rate": "separations_rate",
    "Labor force exits,": "labor_force_exits",
    "Occupational transfers,": "transfers",
    "Total occupational separations,": "separations",
}
TEXT_FIELDS = {"median_wage_text", "entry_education", "work_experience", "job_training"}


def period_of(row: Row) -> str:
    """'2024-34' from a header like 'Employment change, numeric, 2024–34'."""
    for column in row:
        match = re.search(r"(\d{4})[–-](\d{2})", column)
        if match:
            return f"{match.group(1)}-{match.group(2)}"
    raise row.error("cannot tell the projection period from the column headers")


def column_for(row: Row, prefix: str) -> str:
    matches = [column for column in row if column.startswith(prefix)]
    if not matches:
        raise row.error(f"no column starting with {prefix!r}")
    return matches[0]


def sheet_rows(path: Path, sheet: str, wanted: dict[str, str]) -> tuple[str, dict[str, dict[str, object]]]:
    """Parse one sheet into {code: {field: value}} and return its projection period too."""
    period = ""
    result: dict[str, dict[str, object]] = {}
    columns: dict[str, str] = {}
    for row in read_xlsx(path, sheet, [CODE, TITLE, TYPE]):
        if not columns:
            period = period_of(row)
            columns = {field: column_for(row, prefix) for prefix, field in wanted.items()}
            columns["employment_target"] = column_for(row, f"Employment, {int(period[:4]) + 10}")
        code = row.text(CODE)
        if not re.match(r"^\d{2}-\d{4}$", code):
            raise row.error(f"column {CODE}: {code!r} is not an occupation code")
        kind = {"Summary": Projection.Kind.SUMMARY, "Line item": Projection.Kind.LINE_ITEM}.get(row.text(TYPE))
        if kind is None:
            raise row.error(f"column {TYPE}: {row[TYPE]!r} is not Summary or Line item")
        values: dict[str, object] = {"title": row.text(TITLE), "kind": kind}
        for field, column in columns.items():
            if field in TEXT_FIELDS:
                text = row.text(column)
                values[field] = "" if text in NOT_AVAILABLE else text
            else:
                values[field] = row.decimal(column, allow=NOT_AVAILABLE)
        result[code] = values
    if not result:
        raise DataFileError(path, None, f"sheet {sheet!r} has no projections")
    return period, result


def load(path: Path) -> ImportRun:
    """Replace the projections of the workbook's period, atomically."""
    period, main = sheet_rows(path, "Table 1.2", TABLE_1_2)
    period_10, separations = sheet_rows(path, "Table 1.10", TABLE_1_10)
    if period_10 != period:
        raise DataFileError(path, None, f"Table 1.2 is for {period} but Table 1.10 is for {period_10}")
    with recorded_import(source="projections", path=path, release=f"Employment Projections {period}") as run:
        Projection.objects.filter(period=period).delete()
        fields = [
            "title",
            "kind",
            "employment_base",
            "employment_target",
            "change",
            "change_percent",
            "self_employed_percent",
            "openings",
            "median_wage_text",
            "entry_education",
            "work_experience",
            "job_training",
            *TABLE_1_10.values(),
        ]
        writer = TableWriter(Projection, ["period", "code", *fields])
        for code, values in main.items():
            values.update({k: v for k, v in separations.get(code, {}).items() if k in TABLE_1_10.values()})
            for required in ("employment_base", "employment_target", "change", "change_percent", "openings"):
                if not isinstance(values.get(required), Decimal):
                    raise DataFileError(path, None, f"{code}: {required.replace('_', ' ')} is missing")
            writer.add((period, code, *(values.get(field) for field in fields)))
        writer.flush()
        run.rows_read = len(main) + len(separations)
        run.rows_written = writer.written
    return run


def load_folder(data_dir: Path) -> list[ImportRun]:
    workbooks = sorted((data_dir / "projections").glob("occupation*.xlsx"))
    if not workbooks:
        raise DataFileError(data_dir / "projections", None, "no Employment Projections occupation*.xlsx")
    return [load(workbooks[-1])]


register(
    DataSet(
        name="projections",
        title="BLS Employment Projections",
        order=30,
        load=load_folder,
        files=(
            SnapshotFile(
                "projections/occupation_2024-34.xlsx",
                None,
                "BLS Employment Projections 2024-34 (occupation.xlsx)",
                "Public domain (U.S. Bureau of Labor Statistics)",
                "2024-34",
            ),
        ),
    )
)
