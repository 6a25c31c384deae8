from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = "Market: projections and labor supply"

    def ready(self) -> None:
        from market.imports import programmes, projections, supply  # noqa: F401 (register their data sets)
        from market.programmes import occupation_programmes_build
        from sources import derived

        # Programmes near you, per occupation: the crosswalk and the institutions' completions
        derived.register("occupation_programmes", occupation_programmes_build, reads=("cip_soc", "ipeds_institutions"))
