from django.apps import AppConfig


class OccupationsConfig(AppConfig):
    name = "occupations"

    def ready(self) -> None:
        from occupations.imports import onet  # noqa: F401 (registers the O*NET data set)
