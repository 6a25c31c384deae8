from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = "Market: projections and labor supply"

    def ready(self) -> None:
        from market.imports import projections, supply  # noqa: F401 (register their data sets)
