from typing import Any

from market.imports import supply
from sources.commands import ImportCommand


class Command(ImportCommand):
    help = "Import labor-supply inputs: DIR/cps-unemployment, DIR/cip-soc and DIR/ipeds-completions."
    path_help = "folder holding cps-unemployment/, cip-soc/ and ipeds-completions/"

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(supply.load, options["path"])
