from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Data sources and imports"

    def ready(self) -> None:
        from lib.collectors import register_collector
        from sources.metrics import ImportsCollector

        register_collector("sources", ImportsCollector())
