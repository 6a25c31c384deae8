"""The job board's gauge, read from the database when /metrics is scraped (registered in `jobs.apps`)."""

from collections.abc import Iterable, Iterator

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from jobs.models import Posting


class PostingsCollector:
    """Postings live: one count a scrape, however many workers a server runs."""

    def describe(self) -> Iterable[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterator[Metric]:
        live = Posting.objects.live().count()
        yield GaugeMetricFamily("rolescope_postings_live", "Job postings published and not expired.", value=live)
