"""OEWS import: values match the BLS files, special values stay symbols, re-runs and failures are safe."""

import csv
import gzip
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from conftest import requires_shared_data
from geo.models import Area
from sources.models import ImportRun
from wages.imports import oews
from wages.models import Release, WageEstimate

pytestmark = pytest.mark.django_db


def source_rows(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def test_issue_spot_values_may_2025_national():
    software = WageEstimate.objects.get(release=2025, area="0000000", occupation="15-1252")
    assert software.employment == 1_687_890
    assert (software.annual_p25, software.annual_median, software.annual_p75) == (105_210, 135_980, 171_980)
    assert WageEstimate.objects.get(release=2025, area="0000000", occupation="00-0000").annual_median == 50_980
    assert WageEstimate.objects.get(release=2024, area="0000000", occupation="15-1252").annual_median == 133_080


def test_every_release_and_row_count_matches_the_snapshot_files(snapshot_dir):
    for year, path in [
        (2025, snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"),
        (2024, snapshot_dir / "oews-history/national_M2024_dl.csv.gz"),
    ]:
        cells = {(row["AREA"], row["OCC_CODE"]) for row in source_rows(path)}
        assert WageEstimate.objects.filter(release=year).count() == len(cells)
    assert list(Release.objects.values_list("year", flat=True)) == [2025, 2024, 2023, 2022]
    assert Release.objects.get(year=2025).published.isoformat() == "2026-05-15"


def test_areas_use_bls_seven_digit_codes():
    kinds = dict(
        Area.objects.values_list("code", "kind").filter(
            code__in=["0000000", "0600000", "0041940", "0100001", "7200000"]
        )
    )
    assert kinds == {
        "0000000": "national",
        "0600000": "state",
        "0041940": "metro",
        "0100001": "nonmetro",
        "7200000": "territory",
    }
    assert Area.objects.get(code="0041940").name == "San Jose-Sunnyvale-Santa Clara, CA"
    assert Area.objects.filter(kind="metro").count() == 393


def test_metro_values_equal_the_source_row(snapshot_dir):
    path = snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    wanted = {("12420", "15-1252"), ("41940", "15-1254"), ("10180", "29-1141")}
    checked = 0
    for row in source_rows(path):
        if (row["AREA"], row["OCC_CODE"]) in wanted:
            estimate = WageEstimate.objects.get(release=2025, area=f"00{row['AREA']}", occupation=row["OCC_CODE"])
            assert estimate.employment == int(row["TOT_EMP"])
            assert estimate.annual_median == int(row["A_MEDIAN"])
            assert estimate.hourly_median == Decimal(row["H_MEDIAN"])
            assert estimate.location_quotient == Decimal(row["LOC_QUOTIENT"])
            assert estimate.employment_rse == Decimal(row["EMP_PRSE"])
            checked += 1
    assert checked == 3


def test_special_values_are_kept_as_symbols_not_numbers(snapshot_dir):
    path = snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    top_coded = annual_only = None
    for row in source_rows(path):
        if top_coded is None and row["A_MEDIAN"] == "#":
            top_coded = row
        if annual_only is None and row["ANNUAL"] == "TRUE":
            annual_only = row
        if top_coded and annual_only:
            break
    assert top_coded and annual_only
    code = oews.area_code(top_coded["AREA"], oews.AREA_KINDS[top_coded["AREA_TYPE"]])
    estimate = WageEstimate.objects.get(release=2025, area=code, occupation=top_coded["OCC_CODE"])
    assert estimate.annual_median is None
    assert estimate.figure("annual_median").special == "#"
    assert "239,200" in estimate.figure("annual_median").note
    code = oews.area_code(annual_only["AREA"], oews.AREA_KINDS[annual_only["AREA_TYPE"]])
    estimate = WageEstimate.objects.get(release=2025, area=code, occupation=annual_only["OCC_CODE"])
    assert estimate.annual_only is True
    assert estimate.hourly_median is None and "hourly_median" not in (estimate.special or {})
    assert estimate.annual_median == int(annual_only["A_MEDIAN"])


def test_not_released_values_keep_their_footnote_symbol(snapshot_dir):
    path = snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    rows = source_rows(path)
    no_employment = next(row for row in rows if row["TOT_EMP"] == "*")
    no_wages = next(row for row in rows if row["A_MEAN"] == "*")
    for row, field, column in ((no_employment, "employment", "TOT_EMP"), (no_wages, "annual_mean", "A_MEAN")):
        code = oews.area_code(row["AREA"], oews.AREA_KINDS[row["AREA_TYPE"]])
        estimate = WageEstimate.objects.get(release=2025, area=code, occupation=row["OCC_CODE"])
        assert getattr(estimate, field) is None
        assert estimate.figure(field).special == row[column] == "*"
        assert estimate.figure(field).note.startswith("not released")


def test_reimport_is_idempotent(snapshot_dir):
    path = snapshot_dir / "oews-history/national_M2023_dl.csv.gz"
    before = list(
        WageEstimate.objects.filter(release=2023).order_by("occupation").values_list("occupation", "annual_median")
    )
    run = oews.load(path)
    after = list(
        WageEstimate.objects.filter(release=2023).order_by("occupation").values_list("occupation", "annual_median")
    )
    assert after == before
    assert run.rows_written == len(before) == 1_396
    assert run.rows_rejected == 7  # broad occupations BLS lists twice with the same figures


@requires_shared_data
def test_the_official_xlsx_gives_the_same_figures_as_the_csv(shared_data):
    fields = ("occupation", "employment", "annual_median", "hourly_mean", "special")
    before = list(WageEstimate.objects.filter(release=2024).order_by("occupation").values_list(*fields))
    call_command("import_oews", str(shared_data / "oews-history/national_M2024_dl.xlsx"), verbosity=0)
    after = list(WageEstimate.objects.filter(release=2024).order_by("occupation").values_list(*fields))
    assert after == before
    assert len(after) == 1_396


def test_a_broken_file_stops_with_file_and_line_and_keeps_the_old_data(snapshot_dir, tmp_path):
    source = snapshot_dir / "oews-history/national_M2024_dl.csv.gz"
    rows = list(csv.reader(gzip.decompress(source.read_bytes()).decode().splitlines()))
    rows[500][rows[0].index("TOT_EMP")] = "12x45"  # one bad value on line 501
    broken = tmp_path / "national_M2024_dl.csv"
    with open(broken, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    before = list(
        WageEstimate.objects.filter(release=2024).order_by("occupation").values_list("occupation", "employment")
    )

    with pytest.raises(
        CommandError, match=r"nothing was changed: national_M2024_dl.csv, line 501: column TOT_EMP: '12x45'"
    ):
        call_command("import_oews", str(broken), verbosity=0)

    after = list(
        WageEstimate.objects.filter(release=2024).order_by("occupation").values_list("occupation", "employment")
    )
    assert after == before
    failed = ImportRun.objects.filter(source="oews").first()
    assert failed.status == ImportRun.Status.FAILED and "line 501" in failed.error


def test_a_truncated_file_keeps_the_old_data(snapshot_dir, tmp_path):
    data = (snapshot_dir / "oews-history/national_M2022_dl.csv.gz").read_bytes()
    truncated = tmp_path / "national_M2022_dl.csv.gz"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    count = WageEstimate.objects.filter(release=2022).count()
    with pytest.raises(CommandError, match=r"national_M2022_dl.csv.gz, line \d+"):
        call_command("import_oews", str(truncated), verbosity=0)
    assert WageEstimate.objects.filter(release=2022).count() == count == 1_395


def test_a_wrong_header_is_refused(tmp_path, snapshot_dir):
    shutil.copy(snapshot_dir / "geo/uscities.csv.gz", tmp_path / "national_M2024_dl.csv.gz")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_oews", str(tmp_path / "national_M2024_dl.csv.gz"), verbosity=0)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_oews", str(tmp_path / "nope.csv"), verbosity=0)


def _bls_zip(snapshot_dir, tmp_path, cells, member="oesm24nat/national_M2024_dl.xlsx"):
    """BLS's national zip for May 2024 as it ships (a folder holding the workbook), holding the real rows of `cells`
    from the bundled national_M2024_dl file, written as an xlsx with BLS's columns."""
    import zipfile

    import openpyxl

    rows = [
        row for row in source_rows(snapshot_dir / "oews-history/national_M2024_dl.csv.gz") if row["OCC_CODE"] in cells
    ]
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "national_M2024_dl"
    sheet.append(oews.SNAPSHOT_COLUMNS)
    for row in rows:
        sheet.append([row[column] for column in oews.SNAPSHOT_COLUMNS])
    workbook.save(tmp_path / "national.xlsx")
    path = tmp_path / "oesm24nat.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(tmp_path / "national.xlsx", member)
    return path, rows


def test_import_oews_reads_bls_zip(snapshot_dir, tmp_path, capsys):
    path, rows = _bls_zip(snapshot_dir, tmp_path, {"15-1252", "29-1141", "00-0000"})
    assert len(rows) == 3
    call_command("import_oews", str(path))
    for row in rows:
        estimate = WageEstimate.objects.get(release=2024, area="0000000", occupation=row["OCC_CODE"])
        assert estimate.employment == int(row["TOT_EMP"])
        assert estimate.annual_median == int(row["A_MEDIAN"])
        assert estimate.hourly_median == Decimal(row["H_MEDIAN"])
    # the file given is what the run records: the zip, with the zip's own checksum
    run = ImportRun.objects.filter(source="oews").first()
    assert run.file_name == str(path) and run.release == "May 2024"
    assert run.sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert "oews: May 2024: 3 rows written" in capsys.readouterr().out


def test_a_zip_without_an_estimates_file_is_refused_naming_what_it_holds(snapshot_dir, tmp_path):
    path, _ = _bls_zip(snapshot_dir, tmp_path, {"15-1252"}, member="oesm24nat/field_descriptions.txt")
    before = WageEstimate.objects.filter(release=2024).count()
    with pytest.raises(CommandError, match=r"no OEWS estimates file .* it holds oesm24nat/field_descriptions.txt"):
        call_command("import_oews", str(path))
    assert WageEstimate.objects.filter(release=2024).count() == before
