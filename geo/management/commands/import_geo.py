from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from geo.imports import geo
from sources.commands import ImportCommand, existing_path


class Command(ImportCommand):
    help = (
        "Import geography: uscities.csv, list1_*_county_cbsa.csv and ZIP_COUNTY_*.csv from one folder, and every "
        "county's OEWS area from the OFLC geography file (by default the oews-areas folder beside it)."
    )
    path_help = "the geo folder"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--areas", type=existing_path, help="the OFLC Geography.csv (oflc_geography_*.csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        areas: Path | None = options["areas"]
        if areas is None:
            beside = sorted((options["path"].parent / "oews-areas").glob(geo.AREAS_FILE + "*"))
            areas = beside[-1] if beside else None
        self.run_import(geo.load, options["path"], areas_file=areas)
