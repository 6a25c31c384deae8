"""O*NET import: every file's rows land, values match the release files, re-import is idempotent."""

import gzip

import pytest
from django.core.management import CommandError, call_command

from occupations.imports import onet
from occupations.models import (
    AlternateTitle,
    EducationShare,
    JobZone,
    Occupation,
    OnetOccupation,
    Rating,
    RelatedOccupation,
    ReportedTitle,
    Task,
    TechnologySkill,
    Tool,
)

pytestmark = pytest.mark.django_db


def data_lines(snapshot_dir, name):
    with gzip.open(snapshot_dir / "onet" / f"{name}.txt.gz", "rt", encoding="utf-8-sig") as handle:
        header = handle.readline().rstrip("\r\n").split("\t")
        return [dict(zip(header, line.rstrip("\r\n").split("\t"), strict=True)) for line in handle]


def test_counts_match_the_release_files(snapshot_dir):
    assert OnetOccupation.objects.count() == len(data_lines(snapshot_dir, "Occupation Data")) == 1_016
    assert Task.objects.count() == len(data_lines(snapshot_dir, "Task Statements")) == 18_796
    assert TechnologySkill.objects.count() == len(data_lines(snapshot_dir, "Technology Skills")) == 32_773
    assert Tool.objects.count() == len(data_lines(snapshot_dir, "Tools Used")) == 41_662
    assert AlternateTitle.objects.count() == len(data_lines(snapshot_dir, "Alternate Titles")) == 56_505
    assert ReportedTitle.objects.count() == len(data_lines(snapshot_dir, "Sample of Reported Titles")) == 7_955
    assert RelatedOccupation.objects.count() == len(data_lines(snapshot_dir, "Related Occupations")) == 18_460
    assert JobZone.objects.count() == 5
    # Skills and Knowledge have an importance (IM) and a level (LV) line per element: one rating each.
    skills = data_lines(snapshot_dir, "Skills")
    assert Rating.objects.filter(domain="skill").count() == len(skills) // 2
    education = [
        row
        for row in data_lines(snapshot_dir, "Education, Training, and Experience")
        if row["Scale ID"] in onet.EDUCATION_SCALES
    ]
    assert EducationShare.objects.count() == len(education)


def test_web_developers_knows_back_end_titles_and_job_zone():
    web = OnetOccupation.objects.select_related("job_zone", "occupation").get(code="15-1254.00")
    assert web.title == "Web Developers"
    assert web.occupation.code == "15-1254"
    titles = set(web.alternate_titles.values_list("title", flat=True))
    assert {"Back End Developer", "Back End Engineer"} <= titles
    assert web.job_zone is not None and web.job_zone.zone == 3
    assert web.job_zone.name == "Job Zone Three: Medium Preparation Needed"
    assert web.job_zone.svp_range == "(6.0 to < 7.0)"


def test_values_match_the_source_lines(snapshot_dir):
    row = next(
        r
        for r in data_lines(snapshot_dir, "Skills")
        if r["O*NET-SOC Code"] == "15-1252.00" and r["Element Name"] == "Programming" and r["Scale ID"] == "IM"
    )
    rating = Rating.objects.get(onet="15-1252.00", element__name="Programming")
    assert str(rating.importance) == row["Data Value"]
    tech = next(
        r
        for r in data_lines(snapshot_dir, "Technology Skills")
        if r["O*NET-SOC Code"] == "15-1252.00" and r["Hot Technology"] == "Y"
    )
    stored = TechnologySkill.objects.get(onet="15-1252.00", example=tech["Example"])
    assert stored.hot is True and stored.in_demand == (tech["In Demand"] == "Y")
    core = Task.objects.filter(onet="15-1252.00", kind="core").count()
    assert core == sum(
        1
        for r in data_lines(snapshot_dir, "Task Statements")
        if r["O*NET-SOC Code"] == "15-1252.00" and r["Task Type"] == "Core"
    )


def test_onet_only_soc_codes_become_occupations_in_the_hierarchy():
    # O*NET describes 13-1021 while OEWS publishes only the broad 13-1020.
    buyers = Occupation.objects.get(code="13-1021")
    assert buyers.level == "detailed" and buyers.parent_id == "13-1020"


def test_reimport_is_idempotent_and_recorded(snapshot_dir):
    counts = (OnetOccupation.objects.count(), Task.objects.count(), Rating.objects.count())
    run = onet.load(snapshot_dir / "onet")
    assert (OnetOccupation.objects.count(), Task.objects.count(), Rating.objects.count()) == counts
    assert run.release == "O*NET 30.1" and run.status == "succeeded"


def test_a_broken_release_keeps_the_previous_one(snapshot_dir, tmp_path):
    folder = tmp_path / "onet"
    folder.mkdir()
    for path in (snapshot_dir / "onet").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    lines = gzip.decompress((folder / "Technology Skills.txt.gz").read_bytes()).decode().splitlines(keepends=True)
    lines[1000] = lines[1000].replace("\tY\t", "\tmaybe\t", 1).replace("\tN\t", "\tmaybe\t", 1)
    (folder / "Technology Skills.txt.gz").write_bytes(gzip.compress("".join(lines).encode()))
    before = TechnologySkill.objects.count()
    with pytest.raises(CommandError, match=r"Technology Skills.txt.gz, line 1001: column Hot Technology: 'maybe'"):
        call_command("import_onet", str(folder), verbosity=0)
    assert TechnologySkill.objects.count() == before
    assert OnetOccupation.objects.count() == 1_016
