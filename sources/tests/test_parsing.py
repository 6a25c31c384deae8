"""The pure file readers: every problem names the file, the line and what is wrong."""

import gzip
from decimal import Decimal

import pytest

from sources.parsing import DataFileError, find_file, read_delimited, read_xlsx


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_are_keyed_by_header_and_know_their_line(tmp_path):
    path = write(tmp_path / "a.csv", "A,B\n1,x\n2,y\n")
    rows = list(read_delimited(path, ["A"]))
    assert [(row.line, row["A"], row["B"]) for row in rows] == [(2, "1", "x"), (3, "2", "y")]
    assert rows[0].decimal("A") == Decimal("1")


def test_missing_column_names_the_file_and_the_header(tmp_path):
    path = write(tmp_path / "a.csv", "A,C\n1,2\n")
    with pytest.raises(DataFileError) as error:
        list(read_delimited(path, ["A", "B"]))
    assert str(error.value) == "a.csv, line 1: missing column(s) B; the header has A, C"


def test_short_row_is_reported_as_possibly_truncated(tmp_path):
    path = write(tmp_path / "a.csv", "A,B\n1,2\n3\n")
    with pytest.raises(DataFileError, match=r"a.csv, line 3: expected 2 fields, found 1 \(is the file truncated\?\)"):
        list(read_delimited(path, ["A"]))


def test_bad_number_names_column_and_value(tmp_path):
    path = write(tmp_path / "a.csv", "A\n12x\n")
    row = next(read_delimited(path, ["A"]))
    with pytest.raises(DataFileError, match=r"a.csv, line 2: column A: '12x' is not a number"):
        row.decimal("A")
    with pytest.raises(DataFileError, match="is not a whole number"):
        next(read_delimited(write(tmp_path / "b.csv", "A\n1.5\n"), ["A"])).integer("A")


def test_placeholders_are_none_only_when_allowed(tmp_path):
    row = next(read_delimited(write(tmp_path / "a.csv", "A,B\n—,\n"), ["A"]))
    assert row.decimal("A", allow=("—",)) is None
    assert row.decimal("B") is None
    with pytest.raises(DataFileError):
        row.decimal("B", allow=())


def test_truncated_gzip_is_a_clear_error(tmp_path):
    data = gzip.compress(("A,B\n" + "1,2\n" * 50_000).encode())
    path = tmp_path / "a.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError, match=r"a.csv.gz, line \d+: "):
        list(read_delimited(path, ["A"]))


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(DataFileError, match="the file is empty"):
        list(read_delimited(write(tmp_path / "e.csv", ""), ["A"]))
    with pytest.raises(DataFileError, match="file not found"):
        list(read_delimited(tmp_path / "nope.csv", ["A"]))
    with pytest.raises(DataFileError, match=r"no file matching x\*.csv"):
        find_file(tmp_path, "x*.csv")


def test_xlsx_finds_the_header_below_a_title_and_stops_at_footnotes(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "T"
    sheet.append(["Table title"])
    sheet.append(["code", "value"])
    sheet.append(["15-1252", 1693.8])
    sheet.append(["15-1253", 200])
    sheet.append([None, None])
    sheet.append([None, "Footnote"])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    rows = list(read_xlsx(path, "T", ["code"]))
    assert [(row.line, row["code"], row["value"]) for row in rows] == [(3, "15-1252", "1693.8"), (4, "15-1253", "200")]
    with pytest.raises(DataFileError, match="no sheet named 'X'"):
        list(read_xlsx(path, "X", ["code"]))
    with pytest.raises(DataFileError, match=r"not a readable \.xlsx"):
        list(read_xlsx(write(tmp_path / "bad.xlsx", "not a zip"), None, ["code"]))
