"""The deployment's own state as Prometheus gauges, read when /metrics is scraped (registered in `ops.apps`; the
scrape is answered by `ops.metrics`): the version running, the background queue (tasks waiting, failures kept, the
last run of each schedule) and the last backup and restore."""

from collections.abc import Iterable, Iterator

from django.db.models import Max
from django_q.brokers import get_broker  # type: ignore[import-untyped]
from django_q.models import Failure, Task  # type: ignore[import-untyped]
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from lib.schedules import registered_recurring
from ops.models import OperationRecord
from ops.version import VERSION


class OpsCollector:
    def describe(self) -> Iterable[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily("rolescope_build_info", "Always 1; `version` is rolescope's.", labels=["version"])
        info.add_metric([VERSION], 1)
        yield info

        try:
            waiting = int(get_broker().queue_size() or 0)
        except Exception:  # a broker outage must not fail the scrape; the gauge is left out
            waiting = None
        if waiting is not None:
            depth = GaugeMetricFamily("rolescope_task_queue_depth", "Background tasks waiting in the queue.")
            depth.add_metric([], waiting)
            yield depth

        failures = GaugeMetricFamily(
            "rolescope_task_failures", "Background tasks that failed every attempt (kept in the admin until deleted)."
        )
        failures.add_metric([], Failure.objects.count())
        yield failures

        names = [recurring.name for recurring in registered_recurring()]
        last = GaugeMetricFamily(
            "rolescope_schedule_last_run_timestamp_seconds",
            "When each schedule's last task finished (Unix time); absent until it first runs.",
            labels=["schedule", "result"],
        )
        rows = Task.objects.filter(group__in=names).order_by().values("group", "success").annotate(at=Max("stopped"))
        for row in rows:
            if row["at"] is not None:
                last.add_metric([row["group"], "success" if row["success"] else "failure"], row["at"].timestamp())
        yield last

        for kind, name in (
            (OperationRecord.Kind.BACKUP, "rolescope_last_backup_timestamp"),
            (OperationRecord.Kind.RESTORE, "rolescope_last_restore_timestamp"),
        ):
            at = OperationRecord.objects.filter(kind=kind).aggregate(at=Max("finished_at"))["at"]
            if at is not None:
                family = GaugeMetricFamily(name, f"When the last {kind} was made, by any server (Unix time).")
                family.add_metric([], at.timestamp())
                yield family
