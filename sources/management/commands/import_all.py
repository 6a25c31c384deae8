from typing import Any

from sources.commands import ImportCommand
from sources.pipeline import import_all


class Command(ImportCommand):
    help = "Import every data set in a folder laid out like shared/data (OEWS, O*NET, projections, geo, supply)."
    path_help = "data folder, e.g. ../shared/data or data/snapshot"

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(import_all, options["path"])
