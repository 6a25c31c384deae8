"""Gauges computed when /metrics is scraped, registered by the app that owns what they measure.

An app registers its collector from its AppConfig.ready() (`sources` its import runs and versions, `jobs` its live
postings); `ops.metrics` answers /metrics with every registered collector. The registry lives here, below every app,
so no app imports `ops` and `ops` imports none of the collectors by name.
"""

from prometheus_client.registry import Collector

_collectors: dict[str, Collector] = {}


def register_collector(name: str, collector: Collector) -> Collector:
    """Add a collector whose metrics are computed at scrape time (idempotent for the same name). Its describe()
    must not query the database: registering happens while apps load."""
    _collectors[name] = collector
    return collector


def registered_collectors() -> list[Collector]:
    return list(_collectors.values())
