from typing import Any

from geo.imports import geo
from sources.commands import ImportCommand


class Command(ImportCommand):
    help = "Import geography: uscities.csv, list1_*_county_cbsa.csv and ZIP_COUNTY_*.csv from one folder."
    path_help = "the geo folder"

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(geo.load, options["path"])
