from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_fulltext(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from jobs import fulltext

    fulltext.install(connections[using])


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Job listings"

    def ready(self) -> None:
        from jobs import signals  # noqa: F401 (connects the receivers)

        post_migrate.connect(_install_fulltext, sender=self)
