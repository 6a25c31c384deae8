import datetime
from typing import Any

from django.core.management.base import CommandParser

from sources.commands import ImportCommand
from wages.imports import oews
from wages.models import Release


class Command(ImportCommand):
    help = "Import an OEWS release file (BLS layout; .xlsx, .csv, .csv.gz or BLS's .zip of one; national or all areas)."
    path_help = "e.g. national_M2024_dl.xlsx, all_data_M_2025.csv.gz or oesm25all.zip"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, help="release year (May YEAR); read from the file name by default")
        parser.add_argument("--published", type=datetime.date.fromisoformat, help="date BLS published it, YYYY-MM-DD")
        parser.add_argument(
            "--stage",
            action="store_true",
            help="load a new release as staged: shown only with ?release=YEAR until manage.py release_publish YEAR",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(
            oews.load, options["path"], year=options["year"], published=options["published"], stage=options["stage"]
        )
        year = options["year"] or oews.release_year_from_name(options["path"]) or 0
        release = Release.objects.filter(year=year).first()
        if release is not None and release.staged:
            self.stdout.write(
                f"{release.name} is staged: check it with ?release={release.year} on a role page or the API, then "
                f"make it current with: manage.py release_publish {release.year}"
            )
