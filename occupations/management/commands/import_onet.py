from typing import Any

from django.core.management.base import CommandParser

from occupations.imports import onet
from sources.commands import ImportCommand


class Command(ImportCommand):
    help = "Import an O*NET database release in text format (its folder or its zip)."
    path_help = "folder of O*NET .txt files, or the db_XX_X_text.zip"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--release", help="release name; read from 'Read Me.txt' by default")

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(onet.load, options["path"], release=options["release"])
