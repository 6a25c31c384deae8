"""Pure helpers for reading public data files: CSV/TSV (plain or gzipped) and xlsx.

Every problem is raised as a `DataFileError` naming the file, the line and what is wrong, so an
operator can fix the file. Nothing here touches the database.
"""

import csv
import gzip
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

csv.field_size_limit(10_000_000)


class DataFileError(Exception):
    """A data file cannot be imported as it is."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path.name}, line {line}" if line else self.path.name
        super().__init__(f"{where}: {problem}")


def open_text(path: Path, encoding: str = "utf-8-sig") -> IO[str]:
    """Open a text file, transparently gunzipping `*.gz`."""
    if not path.exists():
        raise DataFileError(path, None, "file not found")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


class Row(dict[str, str]):
    """One data row keyed by header name, remembering its line number for error messages."""

    path: Path
    line: int

    def text(self, column: str) -> str:
        return self[column].strip()

    def error(self, problem: str) -> DataFileError:
        return DataFileError(self.path, self.line, problem)

    def decimal(self, column: str, *, allow: Iterable[str] = ("",)) -> Decimal | None:
        """A decimal value, or None for one of the `allow`ed placeholders; anything else is an error."""
        raw = self[column].strip().replace(",", "")
        if raw in allow:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise self.error(f"column {column}: {self[column]!r} is not a number") from None
        if not value.is_finite():
            raise self.error(f"column {column}: {self[column]!r} is not a number")
        return value

    def integer(self, column: str, *, allow: Iterable[str] = ("",)) -> int | None:
        value = self.decimal(column, allow=allow)
        if value is None:
            return None
        if value != value.to_integral_value():
            raise self.error(f"column {column}: {self[column]!r} is not a whole number")
        return int(value)


def read_delimited(
    path: Path,
    required: Iterable[str],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
) -> Iterator[Row]:
    """Yield the rows of a CSV/TSV file after checking that the header has every required column."""
    with open_text(path, encoding) as handle:
        reader = csv.reader(
            handle, delimiter=delimiter, quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        )
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise DataFileError(path, 1, "the file is empty") from None
        except (EOFError, OSError, zlib.error, UnicodeDecodeError) as exc:
            raise DataFileError(path, 1, f"cannot be read ({exc})") from None
        missing = [name for name in required if name not in header]
        if missing:
            raise DataFileError(path, 1, f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}")
        width = len(header)
        line = 1
        try:
            for values in reader:
                line = reader.line_num
                if not values:
                    continue
                if len(values) != width:
                    raise DataFileError(
                        path, line, f"expected {width} fields, found {len(values)} (is the file truncated?)"
                    )
                row = Row(zip(header, values, strict=True))
                row.path = path
                row.line = line
                yield row
        except csv.Error as exc:
            raise DataFileError(path, line + 1, f"malformed CSV ({exc})") from None
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise DataFileError(path, line + 1, f"the file ends unexpectedly ({exc or 'truncated'})") from None
        except UnicodeDecodeError as exc:
            raise DataFileError(path, line + 1, f"not valid {encoding} text ({exc.reason})") from None


def find_file(folder: Path, pattern: str) -> Path:
    """The one file matching `pattern` in `folder`, plain or gzipped."""
    matches = sorted(folder.glob(pattern)) + sorted(folder.glob(pattern + ".gz"))
    if not matches:
        raise DataFileError(folder / pattern, None, f"no file matching {pattern}[.gz] in {folder}")
    return matches[0]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def read_xlsx(path: Path, sheet: str | None, required: Iterable[str], *, header_within: int = 10) -> Iterator[Row]:
    """Yield the rows of one worksheet below the first row that has every required column.

    Rows after the table (footnotes, a blank row) are skipped: a row counts as data only while its
    first required column is filled.
    """
    import openpyxl  # imported here: only xlsx imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.exists():
        raise DataFileError(path, None, "file not found")
    required = list(required)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, zlib.error) as exc:
        raise DataFileError(path, None, f"not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise DataFileError(path, None, f"no sheet named {sheet!r}; it has {', '.join(workbook.sheetnames)}")
        header: list[str] | None = None
        key = required[0]
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            values = [_cell_text(cell).strip() for cell in cells]
            if header is None:
                if all(name in values for name in required):
                    header = values
                elif number >= header_within:
                    raise DataFileError(path, None, f"no header row with column(s) {', '.join(required)}")
                continue
            row = Row(zip(header, values, strict=False))  # xlsx rows can be ragged
            if not row.get(key, "").strip():
                continue
            row.path = path
            row.line = number
            yield row
        if header is None:
            raise DataFileError(path, None, f"no header row with column(s) {', '.join(required)}")
    finally:
        workbook.close()


def sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
