import datetime
from typing import Any

from django.core.management.base import CommandParser

from sources.commands import ImportCommand
from wages.imports import oews


class Command(ImportCommand):
    help = "Import an OEWS release file (BLS layout; .xlsx, .csv or .csv.gz; national or all areas)."
    path_help = "e.g. national_M2024_dl.xlsx or all_data_M_2025.csv.gz"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, help="release year (May YEAR); read from the file name by default")
        parser.add_argument("--published", type=datetime.date.fromisoformat, help="date BLS published it, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(oews.load, options["path"], year=options["year"], published=options["published"])
