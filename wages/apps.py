from django.apps import AppConfig


class WagesConfig(AppConfig):
    name = "wages"

    def ready(self) -> None:
        from wages.imports import oews  # noqa: F401 (registers the OEWS data set)
