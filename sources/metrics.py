"""The import runs and named versions as Prometheus gauges, read from the database when /metrics is scraped
(registered in `sources.apps`; `ops.metrics` answers the scrape)."""

from collections.abc import Iterable, Iterator

from django.db.models import Count, Max, OuterRef, Subquery
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from sources.models import ImportRun, Version


class ImportsCollector:
    """Import runs (by source and status, the newest run of each source, the last success) and the named versions.
    A few small queries a scrape, once per scrape however many workers a server runs."""

    def describe(self) -> Iterable[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterator[Metric]:
        runs = ImportRun.objects.order_by()
        counted = GaugeMetricFamily(
            "rolescope_import_runs", "Import runs recorded, by source and status.", labels=["source", "status"]
        )
        for row in runs.values("source", "status").annotate(runs=Count("pk")):
            counted.add_metric([row["source"], row["status"]], row["runs"])
        yield counted

        newest = ImportRun.objects.filter(source=OuterRef("source")).order_by("-started_at", "-pk").values("pk")[:1]
        rows = GaugeMetricFamily(
            "rolescope_import_newest_rows_written",
            "Rows written by the newest import run of each source; `status` is that run's (running, succeeded or "
            "failed).",
            labels=["source", "status"],
        )
        for source, status, written in runs.filter(pk=Subquery(newest)).values_list("source", "status", "rows_written"):
            rows.add_metric([source, status], written)
        yield rows

        succeeded = GaugeMetricFamily(
            "rolescope_import_last_success_timestamp_seconds",
            "When the last successful import of each source finished (Unix time).",
            labels=["source"],
        )
        for row in runs.filter(status=ImportRun.Status.SUCCEEDED).values("source").annotate(at=Max("finished_at")):
            if row["at"] is not None:
                succeeded.add_metric([row["source"]], row["at"].timestamp())
        yield succeeded

        versions = GaugeMetricFamily(
            "rolescope_version",
            "The named versions (data, platform, access) the database holds; every server reads the same within a "
            "second.",
            labels=["name"],
        )
        for name, value in Version.objects.order_by("name").values_list("name", "value"):
            versions.add_metric([name], value)
        yield versions
