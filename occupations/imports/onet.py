"""Import an O*NET database release in its tab-separated text form (a folder or the release zip)."""

import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from occupations.models import (
    AlternateTitle,
    EducationCategory,
    EducationShare,
    Element,
    Interest,
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
from occupations.services import occupation_hierarchy_refresh
from sources.loading import TableWriter, progress, recorded_import
from sources.models import ImportRun
from sources.parsing import DataFileError, Row, find_file, read_delimited
from sources.registry import DataSet, SnapshotFile, register

CODE = "O*NET-SOC Code"
ONET_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
EDUCATION_SCALES = ("RL", "RW", "PT", "OJ")
# The files of a release that are loaded, with the columns read from each (the snapshot keeps only these).
FILES: dict[str, list[str]] = {
    "Job Zone Reference": ["Job Zone", "Name", "Experience", "Education", "Job Training", "Examples", "SVP Range"],
    "Job Zones": [CODE, "Job Zone"],
    "Occupation Data": [CODE, "Title", "Description"],
    "Content Model Reference": ["Element ID", "Element Name", "Description"],
    "Task Statements": [CODE, "Task ID", "Task", "Task Type", "Incumbents Responding"],
    "Technology Skills": [CODE, "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"],
    "Tools Used": [CODE, "Example", "Commodity Code", "Commodity Title"],
    "Alternate Titles": [CODE, "Alternate Title", "Short Title"],
    "Sample of Reported Titles": [CODE, "Reported Job Title", "Shown in My Next Move"],
    "Related Occupations": [CODE, "Related O*NET-SOC Code", "Relatedness Tier", "Index"],
    "Interests": [CODE, "Element ID", "Element Name", "Scale ID", "Data Value"],
    "Education, Training, and Experience Categories": [
        "Element ID",
        "Element Name",
        "Scale ID",
        "Category",
        "Category Description",
    ],
    "Education, Training, and Experience": [CODE, "Scale ID", "Category", "Data Value", "Recommend Suppress"],
    "Skills": [CODE, "Element ID", "Element Name", "Scale ID", "Data Value", "Recommend Suppress", "Not Relevant"],
    "Knowledge": [CODE, "Element ID", "Element Name", "Scale ID", "Data Value", "Recommend Suppress", "Not Relevant"],
    "Read Me": [],
}


def rows(folder: Path, name: str) -> Iterator[Row]:
    path = find_file(folder, f"{name}.txt")
    return progress(read_delimited(path, FILES[name], delimiter="\t", encoding="utf-8-sig"), name)


def flag(row: Row, column: str) -> bool:
    value = row.text(column)
    if value not in ("Y", "N", "n/a", ""):
        raise row.error(f"column {column}: {value!r} is not Y or N")
    return value == "Y"


def release_name(folder: Path) -> str:
    """'O*NET 30.1' from the release's Read Me.txt, when it is there."""
    for candidate in (folder / "Read Me.txt", folder / "Read Me.txt.gz"):
        if candidate.exists():
            import gzip

            opener = gzip.open if candidate.suffix == ".gz" else open
            with opener(candidate, "rt", encoding="utf-8-sig") as handle:
                match = re.search(r"O\*NET\s+([\d.]+)\s+Database", handle.read(200))
            if match:
                return f"O*NET {match.group(1)}"
    return "O*NET"


def _rate(entry: list[object], row: Row) -> None:
    """Fill a rating's [importance, level, level suppressed, not relevant] from one of its rows."""
    value = row.decimal("Data Value", allow=())
    scale = row.text("Scale ID")
    if scale == "IM":
        entry[0] = value
    elif scale == "LV":
        entry[1] = value
        entry[2] = flag(row, "Recommend Suppress")
        entry[3] = flag(row, "Not Relevant")
    else:
        raise row.error(f"column Scale ID: {scale!r} is not IM or LV")


@contextmanager
def release_folder(path: Path) -> Iterator[Path]:
    """The folder holding the text files, unpacking a release zip to a temporary folder."""
    if path.is_dir():
        yield path
        return
    if not zipfile.is_zipfile(path):
        raise DataFileError(path, None, "neither a folder nor a zip of an O*NET text release")
    with tempfile.TemporaryDirectory() as temporary, zipfile.ZipFile(path) as archive:
        archive.extractall(temporary)
        found = next(Path(temporary).rglob("Occupation Data.txt"), None)
        if found is None:
            raise DataFileError(path, None, "the zip has no 'Occupation Data.txt'")
        yield found.parent


class OnetLoader:
    """Reads each file of a release and writes its rows; one instance per import."""

    def __init__(self, folder: Path, run: ImportRun) -> None:
        self.folder = folder
        self.run = run
        self.occupations: set[str] = set()
        self.elements: set[str] = set()
        self.writers: list[TableWriter] = []

    def writer(self, model: type, fields: list[str]) -> TableWriter:
        writer = TableWriter(model, fields)
        self.writers.append(writer)
        return writer

    def onet_code(self, row: Row, column: str = CODE) -> str | None:
        """The row's O*NET-SOC code; None (row skipped) when the occupation is not in this release."""
        self.run.rows_read += 1
        code = row.text(column)
        if not ONET_CODE.match(code):
            raise row.error(f"column {column}: {code!r} is not an O*NET-SOC code like 15-1252.00")
        if code not in self.occupations:
            self.run.rows_rejected += 1
            return None
        return code

    def element(self, row: Row, writer: TableWriter) -> str:
        element_id = row.text("Element ID")
        if element_id not in self.elements:
            writer.add((element_id, row.text("Element Name"), ""))
            self.elements.add(element_id)
        return element_id

    def load(self) -> None:
        """Every file, in an order that writes each row after the rows it refers to."""
        job_zone = self.load_job_zones()
        self.load_occupations(job_zone)
        elements = self.load_elements()
        self.load_tasks()
        self.load_ratings(elements)
        self.load_technology_and_tools()
        self.load_titles()
        self.load_education(elements)
        self.load_related()
        self.load_interests(elements)
        for writer in self.writers:
            writer.flush()
        self.run.rows_written = sum(writer.written for writer in self.writers)

    def load_job_zones(self) -> dict[str, int | None]:
        """The job zones, and the zone of each O*NET occupation."""
        zones = self.writer(
            JobZone, ["zone", "name", "experience", "education", "job_training", "examples", "svp_range"]
        )
        for row in rows(self.folder, "Job Zone Reference"):
            self.run.rows_read += 1
            zones.add(
                (
                    row.integer("Job Zone", allow=()),
                    row.text("Name"),
                    row.text("Experience"),
                    row.text("Education"),
                    row.text("Job Training"),
                    row.text("Examples"),
                    row.text("SVP Range"),
                )
            )
        job_zone = {row.text(CODE): row.integer("Job Zone", allow=()) for row in rows(self.folder, "Job Zones")}
        self.run.rows_read += len(job_zone)
        return job_zone

    def load_occupations(self, job_zone: dict[str, int | None]) -> None:
        """The O*NET occupations; a SOC code the taxonomy does not have yet is added as a detailed occupation."""
        known_soc = dict(Occupation.objects.values_list("code", "title"))
        new_soc = []
        onet = self.writer(OnetOccupation, ["code", "occupation", "title", "description", "job_zone"])
        for row in rows(self.folder, "Occupation Data"):
            self.run.rows_read += 1
            onet_id = row.text(CODE)
            if not ONET_CODE.match(onet_id):
                raise row.error(f"column {CODE}: {onet_id!r} is not an O*NET-SOC code like 15-1252.00")
            soc = onet_id[:7]
            if soc not in known_soc:
                known_soc[soc] = row.text("Title")
                new_soc.append(Occupation(code=soc, title=row.text("Title"), level=Occupation.Level.DETAILED))
            onet.add((onet_id, soc, row.text("Title"), row.text("Description"), job_zone.get(onet_id)))
            self.occupations.add(onet_id)
        Occupation.objects.bulk_create(new_soc)

    def load_elements(self) -> TableWriter:
        """The content model's elements (skills, knowledge, interests...); later files may add more."""
        elements = self.writer(Element, ["id", "name", "description"])
        for row in rows(self.folder, "Content Model Reference"):
            self.run.rows_read += 1
            elements.add((row.text("Element ID"), row.text("Element Name"), row.text("Description")))
            self.elements.add(row.text("Element ID"))
        return elements

    def load_tasks(self) -> None:
        tasks = self.writer(Task, ["onet", "task_id", "text", "kind", "incumbents_responding"])
        kinds = {"Core": "core", "Supplemental": "supplemental", "n/a": "", "": ""}
        for row in rows(self.folder, "Task Statements"):
            if (code := self.onet_code(row)) is None:
                continue
            if row.text("Task Type") not in kinds:
                raise row.error(f"column Task Type: {row['Task Type']!r} is not Core or Supplemental")
            tasks.add(
                (
                    code,
                    row.integer("Task ID", allow=()),
                    row.text("Task"),
                    kinds[row.text("Task Type")],
                    row.integer("Incumbents Responding", allow=("", "n/a")),
                )
            )

    def load_ratings(self, elements: TableWriter) -> None:
        """Skills and knowledge: one rating per (occupation, element) from its importance (IM) and level (LV) rows."""
        ratings = self.writer(
            Rating, ["onet", "element", "domain", "importance", "level", "level_suppressed", "not_relevant"]
        )
        for domain, name in ((Rating.Domain.SKILL, "Skills"), (Rating.Domain.KNOWLEDGE, "Knowledge")):
            pending: dict[tuple[str, str], list[object]] = {}
            for row in rows(self.folder, name):
                if (code := self.onet_code(row)) is None:
                    continue
                entry = pending.setdefault((code, self.element(row, elements)), [None, None, False, False])
                _rate(entry, row)
            for (code, element_id), (importance, level, suppressed, not_relevant) in pending.items():
                ratings.add((code, element_id, domain, importance, level, suppressed, not_relevant))

    def load_technology_and_tools(self) -> None:
        technology = self.writer(
            TechnologySkill, ["onet", "example", "commodity_code", "commodity_title", "hot", "in_demand"]
        )
        for row in rows(self.folder, "Technology Skills"):
            if (code := self.onet_code(row)) is not None:
                technology.add(
                    (
                        code,
                        row.text("Example"),
                        row.integer("Commodity Code", allow=()),
                        row.text("Commodity Title"),
                        flag(row, "Hot Technology"),
                        flag(row, "In Demand"),
                    )
                )
        tools = self.writer(Tool, ["onet", "example", "commodity_code", "commodity_title"])
        for row in rows(self.folder, "Tools Used"):
            if (code := self.onet_code(row)) is not None:
                tools.add(
                    (code, row.text("Example"), row.integer("Commodity Code", allow=()), row.text("Commodity Title"))
                )

    def load_titles(self) -> None:
        """Alternate titles and the sample of titles incumbents reported."""
        alternates = self.writer(AlternateTitle, ["onet", "title", "short_title"])
        for row in rows(self.folder, "Alternate Titles"):
            if (code := self.onet_code(row)) is not None:
                short = row.text("Short Title")
                alternates.add((code, row.text("Alternate Title"), "" if short == "n/a" else short))
        reported = self.writer(ReportedTitle, ["onet", "title", "shown_in_my_next_move"])
        for row in rows(self.folder, "Sample of Reported Titles"):
            if (code := self.onet_code(row)) is not None:
                reported.add((code, row.text("Reported Job Title"), flag(row, "Shown in My Next Move")))

    def load_related(self) -> None:
        """Related occupations; a relation to an occupation outside this release is rejected."""
        related = self.writer(RelatedOccupation, ["onet", "related", "tier", "rank"])
        for row in rows(self.folder, "Related Occupations"):
            if (code := self.onet_code(row)) is None:
                continue
            other = row.text("Related O*NET-SOC Code")
            if other not in self.occupations:
                self.run.rows_rejected += 1
                continue
            related.add((code, other, row.text("Relatedness Tier"), row.integer("Index", allow=())))

    def load_interests(self, elements: TableWriter) -> None:
        interests = self.writer(Interest, ["onet", "element", "value"])
        for row in rows(self.folder, "Interests"):
            if (code := self.onet_code(row)) is None:
                continue
            if row.text("Scale ID") != "OI":  # IH rows are high-point codes, derivable from OI
                self.run.rows_rejected += 1
                continue
            interests.add((code, self.element(row, elements), row.decimal("Data Value", allow=())))

    def load_education(self, elements: TableWriter) -> None:
        categories = self.writer(EducationCategory, ["id", "element", "scale", "category", "description"])
        category_ids: dict[tuple[str, int], int] = {}
        for row in rows(self.folder, "Education, Training, and Experience Categories"):
            self.run.rows_read += 1
            scale = row.text("Scale ID")
            number = row.integer("Category", allow=())
            assert number is not None
            key = (scale, number)
            if key in category_ids:
                raise row.error(f"category {scale} {number} appears twice")
            category_ids[key] = len(category_ids) + 1
            categories.add(
                (category_ids[key], self.element(row, elements), scale, number, row.text("Category Description"))
            )
        shares = self.writer(EducationShare, ["onet", "category", "percent", "suppressed"])
        for row in rows(self.folder, "Education, Training, and Experience"):
            if (code := self.onet_code(row)) is None:
                continue
            scale = row.text("Scale ID")
            if scale not in EDUCATION_SCALES:
                self.run.rows_rejected += 1
                continue
            number = row.integer("Category", allow=())
            assert number is not None
            if (scale, number) not in category_ids:
                raise row.error(f"category {scale} {number} is not in the categories file")
            shares.add(
                (
                    code,
                    category_ids[(scale, number)],
                    row.decimal("Data Value", allow=()),
                    flag(row, "Recommend Suppress"),
                )
            )


def clear() -> None:
    for model in (
        Interest,
        RelatedOccupation,
        EducationShare,
        EducationCategory,
        ReportedTitle,
        AlternateTitle,
        Tool,
        TechnologySkill,
        Rating,
        Task,
        OnetOccupation,
        Element,
        JobZone,
    ):
        model.objects.all().delete()


def load(path: Path, *, release: str | None = None) -> ImportRun:
    """Replace the whole O*NET database with the release at `path`, atomically."""
    with release_folder(path) as folder:
        name = release or release_name(folder)
        with recorded_import(source="onet", path=path, release=name) as run:
            clear()
            OnetLoader(folder, run).load()
            occupation_hierarchy_refresh()
    return run


LICENSE = "CC BY 4.0 (O*NET 30.1 Database, USDOL/ETA)"

register(
    DataSet(
        name="onet",
        title="O*NET Database",
        order=20,
        load=lambda data_dir: [load(data_dir / "onet")],
        files=tuple(
            SnapshotFile(f"onet/{name}.txt", columns or None, "O*NET 30.1 Database", LICENSE, "O*NET 30.1", "\t")
            for name, columns in FILES.items()
        ),
    )
)
