from typing import Any

from market.imports import projections
from sources.commands import ImportCommand


class Command(ImportCommand):
    help = "Import BLS Employment Projections from the EP occupation.xlsx (tables 1.2 and 1.10)."
    path_help = "the EP occupation.xlsx"

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(projections.load, options["path"])
