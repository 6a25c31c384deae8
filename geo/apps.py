from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = "Geography"

    def ready(self) -> None:
        from geo.imports import geo, rpp  # noqa: F401 (registers the geography and price parity data sets)
