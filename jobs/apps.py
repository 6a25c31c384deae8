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
        from accounts.panels import AccountPanel, register_panel
        from jobs.imports import postings  # noqa: F401 (registers the sample postings data set)
        from jobs.metrics import PostingsCollector
        from jobs.platform import count_open, count_open_nation, newest_for_role
        from jobs.tasks import SCHEDULES
        from jobs.views import account_panel
        from lib.collectors import register_collector
        from lib.schedules import register_recurring
        from market.platform import register_count_source, register_listing_source

        register_count_source(count_open, count_open_nation)
        register_listing_source(newest_for_role)
        register_recurring(*SCHEDULES)
        register_collector("jobs", PostingsCollector())
        register_panel(AccountPanel("jobs/_account.html", account_panel))
        post_migrate.connect(_install_fulltext, sender=self)
