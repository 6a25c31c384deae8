"""Request ids, the access log, /metrics and error reports (lib/request_id.py, ops/metrics.py, config/settings.py)."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client.parser import text_string_to_metric_families

from lib.request_id import RequestIdFilter, current_request_id
from ops.metrics import RequestMetricsMiddleware

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")
MONITOR = "127.0.0.1"  # in METRICS_ALLOWED_NETWORKS by default
OUTSIDER = "203.0.113.9"


# --- Request ids


def test_a_request_id_is_generated_and_answered(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert GENERATED.fullmatch(first["X-Request-ID"]) and GENERATED.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert current_request_id() is None  # nothing leaks past the end of the request


@pytest.mark.parametrize("incoming", ["abc", "req-2024.11:7_x", "0f" * 64, "1-67891233-abcdef012345678912345678"])
def test_a_sane_incoming_request_id_is_kept(client, incoming):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "hostile", ["a" * 129, "abc\ndef", "abc\r\nSet-Cookie: x=1", "two words", '"quoted"', "<script>", "é", ""]
)
def test_a_hostile_request_id_is_replaced(client, hostile):
    answered = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"]
    assert GENERATED.fullmatch(answered)


def test_a_problem_document_carries_the_request_id(client):
    """Problems answered by an endpoint, by the router for an unknown address, by validation and by the NUL guard."""
    for url, status in [
        ("/api/v1/roles/no-such-role", 404),
        ("/api/v1/no-such-endpoint", 404),
        ("/api/v1/roles?page_size=1000", 422),
        ("/api/v1/roles?q=%00", 400),
    ]:
        response = client.get(url, HTTP_X_REQUEST_ID="support-ticket-42")
        assert response.status_code == status, url
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["request_id"] == "support-ticket-42", url
    generated = client.get("/api/v1/roles?page_size=1000")
    assert generated.json()["request_id"] == generated["X-Request-ID"]


def test_a_server_error_in_the_api_carries_the_request_id(client, monkeypatch):
    def broken() -> None:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr("wages.api.newest_imports", broken)
    response = client.get("/api/v1/releases")
    assert response.status_code == 500
    assert response.json()["title"] == "Server error"
    assert response.json()["request_id"] == response["X-Request-ID"]


# --- Logs


def _handler(stream: io.StringIO, formatter: str) -> logging.Handler:
    """A handler formatted as the settings configure the console one."""
    logging_settings: dict[str, Any] = settings.LOGGING
    config = dict(logging_settings["formatters"][formatter])
    handler = logging.StreamHandler(stream)
    if "()" in config:
        handler.setFormatter(import_string(config.pop("()"))(**config))
    else:
        handler.setFormatter(logging.Formatter(config["format"]))
    handler.addFilter(RequestIdFilter())
    return handler


def _logged(client: Client, url: str, formatter: str, **extra: Any) -> tuple[Any, list[str]]:
    stream = io.StringIO()
    handler = _handler(stream, formatter)
    logging.getLogger().addHandler(handler)
    try:
        response = client.get(url, **extra)
    finally:
        logging.getLogger().removeHandler(handler)
    return response, stream.getvalue().splitlines()


def test_production_logs_one_json_object_a_line_with_the_request_fields(client):
    response, lines = _logged(client, "/roles/registered-nurses/", "json")
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [record for record in records if record["logger"] == "rolescope.request"]
    assert len(access) == 1
    line = access[0]
    assert line["level"] == "INFO"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "/roles/<slug:slug>/"  # the URL pattern, not the path
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /roles/<slug:slug>/ 200 ")
    written = datetime.fromisoformat(line["time"])
    assert written.utcoffset() == timedelta(0) and abs(timezone.now() - written) < timedelta(minutes=1)


def test_django_warnings_carry_the_request_id_too(client):
    """Django logs a 4xx after the last middleware has returned: the id is still the request's."""
    response, lines = _logged(client, "/api/v1/roles/no-such-role", "json")
    warning = next(json.loads(line) for line in lines if json.loads(line)["logger"] == "django.request")
    assert warning["level"] == "WARNING" and warning["request_id"] == response["X-Request-ID"]


def test_development_logs_are_readable_lines_with_the_request_id(client):
    response, lines = _logged(client, "/roles/registered-nurses/", "text", HTTP_X_REQUEST_ID="dev-1")
    assert response["X-Request-ID"] == "dev-1"
    assert any("INFO rolescope.request [dev-1] GET /roles/<slug:slug>/ 200" in line for line in lines), lines


def test_the_access_log_counts_the_requests_queries(client):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response, lines = _logged(client, "/roles/registered-nurses/", "json")
    access = next(json.loads(line) for line in lines if json.loads(line)["logger"] == "rolescope.request")
    assert response.status_code == 200 and access["queries"] == len(queries) > 0


def test_probes_and_scrapes_are_logged_at_debug_only(client, caplog):
    with caplog.at_level(logging.INFO, logger="rolescope.request"):
        client.get("/healthz")
        client.get("/metrics")
        client.get("/api/v1/releases")
    assert [record.route for record in caplog.records if record.name == "rolescope.request"] == ["/api/v1/releases"]
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="rolescope.request"):
        client.get("/healthz")
    assert [(record.levelname, record.route) for record in caplog.records] == [("DEBUG", "/healthz")]


# --- /metrics


def _samples(response: Any) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    assert response.status_code == 200, response.content
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _scrape() -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return _samples(Client(REMOTE_ADDR=MONITOR).get("/metrics"))


def _value(samples: dict, metric: str, **labels: str) -> float:
    return samples.get((metric, frozenset(labels.items())), 0.0)


def test_metrics_refuse_an_address_outside_the_monitoring_networks():
    response = Client(REMOTE_ADDR=OUTSIDER).get("/metrics")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain") and b"METRICS_ALLOWED_NETWORKS" in response.content
    assert b"rolescope_" not in response.content


def test_metrics_trust_only_the_address_the_trusted_proxy_saw(settings):
    """Behind a proxy on the same host every request comes from 127.0.0.1: the caller is the one it forwarded."""
    settings.API_TRUSTED_PROXIES = 1
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"127.0.0.1, {OUTSIDER}")
    assert proxied.get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200  # Prometheus, not through the proxy


def test_metrics_accept_the_token_from_anywhere(settings):
    settings.METRICS_TOKEN = "a-long-scrape-token"
    outsider = Client(REMOTE_ADDR=OUTSIDER)
    assert outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer a-long-scrape-token").status_code == 200
    assert outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert outsider.get("/metrics", HTTP_AUTHORIZATION="Basic a-long-scrape-token").status_code == 403
    assert outsider.get("/metrics").status_code == 403


def test_wrong_metrics_tokens_are_throttled_per_address(settings):
    """Guessing the scrape token is limited as guessing API keys is (issue 18): past INVALID_KEYS_PER_MINUTE wrong
    tokens from one address, even the right one waits, while other addresses are not held up."""
    settings.METRICS_TOKEN = "a-long-scrape-token"
    cache.clear()  # no wrong token counted from an earlier test
    guesser = Client(REMOTE_ADDR="203.0.113.77")
    for attempt in range(settings.INVALID_KEYS_PER_MINUTE):
        assert guesser.get("/metrics", HTTP_AUTHORIZATION=f"Bearer guess-{attempt}").status_code == 403
    refused = guesser.get("/metrics", HTTP_AUTHORIZATION="Bearer a-long-scrape-token")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    other = Client(REMOTE_ADDR="203.0.113.99")
    assert other.get("/metrics", HTTP_AUTHORIZATION="Bearer a-long-scrape-token").status_code == 200


def test_without_a_token_setting_no_token_is_accepted(settings):
    settings.METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR=OUTSIDER).get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_metrics_answer_any_host_over_plain_http_like_the_probes(settings):
    settings.ALLOWED_HOSTS = ["rolescope.example"]
    settings.SECURE_SSL_REDIRECT = True
    scraper = Client(REMOTE_ADDR=MONITOR, HTTP_HOST="10.0.0.5:8000")
    assert scraper.get("/api/v1/releases").status_code == 400  # any other address: the Host is refused
    response = scraper.get("/metrics")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "django_http_requests_total_by_view_transport_method_total" in response.content.decode()
    assert scraper.post("/metrics").status_code == 405


def test_the_monitoring_networks_must_be_networks(settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "10.0.0.300/8"]
    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED_NETWORKS"):
        RequestMetricsMiddleware(lambda request: HttpResponse())


def test_request_counters_and_durations_increase(client):
    """The standard names (django-prometheus), by view; rolescope's own queries by route."""
    before = _scrape()
    for _ in range(2):
        assert client.get("/api/v1/releases").status_code == 200
    assert client.get("/no/such/page").status_code == 404
    after = _scrape()
    view = {"method": "GET", "view": "api-v1:releases"}

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("django_http_requests_total_by_view_transport_method_total", **view, transport="http") == 2
    assert grew("django_http_responses_total_by_status_view_method_total", **view, status="200") == 2
    assert grew("django_http_requests_latency_seconds_by_view_method_count", **view) == 2
    assert grew("django_http_requests_latency_seconds_by_view_method_bucket", **view, le="+Inf") == 2
    unmatched = {"method": "GET", "view": "<unnamed view>", "status": "404"}
    assert grew("django_http_responses_total_by_status_view_method_total", **unmatched) == 1
    # Every request, the scrapes too, before any other middleware answers.
    assert grew("django_http_requests_before_middlewares_total") == 4
    assert grew("django_db_execute_total", alias="default", vendor=connection.vendor) >= 2
    assert grew("rolescope_db_queries_total", route="/api/v1/releases") >= 2
    assert not any(
        labels and (dict(labels).get("route", "") + dict(labels).get("view", "")).startswith("/no/")
        for _, labels in after
    )


def test_page_cache_hits_and_misses_are_counted(client):
    cache.clear()
    before = _scrape()
    client.get("/roles/registered-nurses/")
    client.get("/roles/registered-nurses/")
    after = _scrape()
    for result in ("miss", "hit"):
        grown = _value(after, "rolescope_cache_requests_total", result=result)
        assert grown - _value(before, "rolescope_cache_requests_total", result=result) == 1, result


def test_rate_limit_refusals_are_counted_by_scope(settings):
    settings.API_ANON_RATE_PER_MINUTE = 1
    before = _scrape()
    caller = Client(REMOTE_ADDR="198.51.100.77")
    refused = sum(caller.get("/api/v1/releases").status_code == 429 for _ in range(3))
    after = _scrape()
    assert refused >= 1
    assert (
        _value(after, "rolescope_rate_limited_total", scope="api")
        - _value(before, "rolescope_rate_limited_total", scope="api")
        == refused
    )
    assert ("rolescope_rate_limited_total", frozenset({("scope", "site")})) in after  # present from the start


def test_database_gauges_are_read_at_scrape_time():
    import_run = apps.get_model("sources", "ImportRun")
    import_run.objects.create(
        source="oews", file_name="oews.xlsx", started_at=timezone.now() + timedelta(days=1), status="failed"
    )
    samples = _scrape()
    assert _value(samples, "rolescope_database_up") == 1
    runs = {dict(labels)["source"] for name, labels in samples if name == "rolescope_import_runs"}
    assert {"oews", "onet"} <= runs
    assert sum(value for (name, _), value in samples.items() if name == "rolescope_import_runs") == (
        import_run.objects.count()
    )
    # The newest run of a source is the failed one: an alert can see it.
    assert ("rolescope_import_newest_rows_written", frozenset({("source", "oews"), ("status", "failed")})) in samples
    assert _value(samples, "rolescope_import_last_success_timestamp_seconds", source="oews") > 0
    for name, value in apps.get_model("sources", "Version").objects.values_list("name", "value"):
        assert _value(samples, "rolescope_version", name=name) == value
    live = apps.get_model("jobs", "Posting").objects.live().count()
    assert _value(samples, "rolescope_postings_live") == live


# --- In other processes: multiprocess mode, settings, Sentry


def _python(code: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh Python with the project's settings (DEBUG=true unless given)."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "SENTRY_DSN", "LOG_FORMAT")
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}, **env)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


REQUESTS = """
import sys, django
django.setup()
from django.test import Client
for _ in range(int(sys.argv[1])):
    assert Client().get("/healthz").status_code == 200
"""

SCRAPE = """
import django
django.setup()
from django.test import Client
print(Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode())
"""


def test_multiprocess_mode_sums_every_workers_counts(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    workers = [_python(REQUESTS, str(count), **env) for count in (2, 3)]
    assert all(worker.returncode == 0 for worker in workers), [worker.stderr for worker in workers]
    assert len(list(folder.glob("counter_*.db"))) == 2  # one file a process
    scrape = _python(SCRAPE, **env)
    assert scrape.returncode == 0, scrape.stderr
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(scrape.stdout)
        for sample in family.samples
    }
    # The probes answer before URL resolution: counted by django-prometheus's first middleware, which sees them all
    # (and the scrape itself, counted before it reads).
    assert _value(samples, "django_http_requests_before_middlewares_total") == 5 + 1
    assert _value(samples, "django_http_requests_latency_including_middlewares_seconds_count") == 5
    # The database gauges are the scrape's, once; this database has no tables, which the scrape says.
    assert _value(samples, "rolescope_database_up") == 0
    assert "cannot read the database" in scrape.stderr


def test_a_missing_multiprocess_directory_stops_a_server_not_a_command(tmp_path):
    """An image build runs collectstatic with the server's environment, before any directory exists."""
    missing = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "missing")}
    command = _python(
        "import django; django.setup(); from django.core.management import call_command; call_command('check')",
        **missing,
    )
    assert command.returncode == 0, command.stderr
    server = _python(
        "import django; django.setup(); from django.test import Client; Client().get('/healthz')", **missing
    )
    assert server.returncode != 0 and "is not a directory: create it" in server.stderr
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("LOG_FORMAT", "xml", "LOG_FORMAT='xml' is not a log format"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL='LOUD' is not a level"),
        ("SENTRY_TRACES_SAMPLE_RATE", "often", "SENTRY_TRACES_SAMPLE_RATE is not a number"),
        ("SENTRY_TRACES_SAMPLE_RATE", "5", "must be from 0 (off) to 1"),
    ],
)
def test_bad_observability_settings_fail_loudly(variable, value, message):
    result = _python("import django; django.setup()", **{variable: value})
    assert result.returncode != 0 and message in result.stderr


SENTRY = """
import json, django
django.setup()
import sentry_sdk
from sentry_sdk.transport import Transport
from django.http import HttpResponse
from django.test import RequestFactory
from lib.request_id import RequestIdMiddleware

if not sentry_sdk.is_initialized():
    print(json.dumps({"initialised": False}))
    raise SystemExit
events = []

class Kept(Transport):
    def capture_envelope(self, envelope):
        events.extend(item.payload.json for item in envelope.items if item.type == "event")

client = sentry_sdk.get_client()
client.transport = Kept(client.options)

def view(request):
    sentry_sdk.capture_message("something broke")
    return HttpResponse()

response = RequestIdMiddleware(view)(RequestFactory().get("/"))
options = client.options
print(json.dumps({
    "initialised": True,
    "send_default_pii": options["send_default_pii"],
    "traces_sample_rate": options["traces_sample_rate"],
    "release": options["release"],
    "environment": options["environment"],
    "django": "django" in {integration for integration in client.integrations},
    "request_id": response["X-Request-ID"],
    "tags": [event.get("tags", {}) for event in events],
    "users": [event.get("user") for event in events],
}))
"""


def test_without_a_dsn_sentry_is_not_initialised():
    result = _python(SENTRY, SENTRY_DSN="")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"initialised": False}


def test_with_a_dsn_errors_are_reported_without_personal_data_and_tagged_with_the_request_id():
    result = _python(
        SENTRY,
        SENTRY_DSN="https://public@sentry.example.invalid/1",
        SENTRY_ENVIRONMENT="staging",
        ROLESCOPE_RELEASE="2026.11.26-abc1234",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["initialised"] and report["django"]
    assert report["send_default_pii"] is False and report["traces_sample_rate"] == 0
    assert report["release"] == "2026.11.26-abc1234" and report["environment"] == "staging"
    assert [tags.get("request_id") for tags in report["tags"]] == [report["request_id"]]
    assert report["users"] == [None]
