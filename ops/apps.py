from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the service: backup and restore, `prepare`, the probes, /metrics and the access log, schedules."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from lib.collectors import register_collector
        from lib.schedules import register_recurring
        from ops.collectors import OpsCollector
        from ops.tasks import SCHEDULES

        register_recurring(*SCHEDULES)
        register_collector("ops", OpsCollector())
