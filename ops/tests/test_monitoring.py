"""Monitoring as files and the operations metrics: deploy/prometheus/alerts.yml is checked as `promtool check rules`
checks a rule file (structure, names, durations, balanced expressions), every metric its rules and the Grafana
dashboard name is one a /metrics scrape here shows, and the queue, schedule, backup and version gauges read what the
database holds. The nightly backup keeps the newest BACKUP_KEEP files; the worker's heartbeat writes its file; a
pg_dump older than the server is refused with a message naming the client to install."""

import json
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_q.brokers import get_broker  # type: ignore[import-untyped]
from django_q.models import OrmQ, Task  # type: ignore[import-untyped]

from ops.backup import BACKUP_NAME, backup_scheduled, client_major, client_refusal
from ops.models import OperationRecord
from ops.tasks import worker_heartbeat
from ops.version import VERSION

pytestmark = pytest.mark.django_db

DEPLOY = Path(settings.BASE_DIR) / "deploy"
DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RULE_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
# Series Prometheus itself makes (not scraped from rolescope).
PROMETHEUS_OWN = {"up"}
METRIC = re.compile(r"\b((?:rolescope|django)_[a-z0-9_]+|up)\b(?=\s*[{\[)=<>!*/+ -]|$)")


def _balanced(expr: str) -> bool:
    stack: list[str] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    quoted = False
    for char in expr:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "([{":
            stack.append(char)
        elif char in pairs and (not stack or stack.pop() != pairs[char]):
            return False
    return not stack and not quoted


def _rules() -> list[dict[str, object]]:
    document = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    assert set(document) == {"groups"}
    groups = document["groups"]
    assert len({group["name"] for group in groups}) == len(groups)
    rules = []
    for group in groups:
        assert set(group) <= {"name", "interval", "rules", "limit"} and group["rules"]
        rules.extend(group["rules"])
    return rules


def test_the_alert_rules_are_valid_as_promtool_checks_them():
    rules = _rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)) and all(NAME.match(str(name)) for name in names)
    for rule in rules:
        assert set(rule) <= RULE_KEYS and {"alert", "expr"} <= set(rule), rule
        expr = str(rule["expr"])
        assert _balanced(expr), rule["alert"]
        if "for" in rule:
            assert DURATION.match(str(rule["for"])), rule
        labels, annotations = rule.get("labels", {}), rule.get("annotations", {})
        assert isinstance(labels, dict) and isinstance(annotations, dict)
        assert labels.get("severity") in ("page", "ticket") and annotations.get("summary"), rule["alert"]
        assert all(NAME.match(key) for key in labels)
        for text in [*labels.values(), *annotations.values()]:
            assert str(text).count("{{") == str(text).count("}}"), rule["alert"]


def _dashboard_expressions() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana" / "rolescope.json").read_text())
    assert dashboard["uid"] == "rolescope" and dashboard["panels"]
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def _scrape() -> str:
    """A /metrics scrape after a page, a backup record and a heartbeat run, so every family has a sample."""
    Client().get("/roles/registered-nurses/")
    OperationRecord.objects.create(kind=OperationRecord.Kind.BACKUP, path="/backups/x.tar", version=VERSION)
    now = timezone.now()
    Task.objects.create(
        id="heartbeat-test-task",
        name="heartbeat-test",
        func="ops.tasks.worker_heartbeat",
        started=now - timedelta(seconds=1),
        stopped=now,
        success=True,
        group="ops: worker heartbeat",
    )
    response = Client().get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def test_every_metric_the_alerts_and_the_dashboard_name_is_exported():
    scraped = {line.split("{")[0].split(" ")[0] for line in _scrape().splitlines() if line and line[0] != "#"}
    expressions = [str(rule["expr"]) for rule in _rules()] + _dashboard_expressions()
    named = {match.group(1) for expr in expressions for match in METRIC.finditer(expr)}
    assert "rolescope_last_backup_timestamp" in named and "rolescope_task_queue_depth" in named
    missing = sorted(name for name in named - PROMETHEUS_OWN if name not in scraped)
    assert not missing, missing


def _sample(text: str, prefix: str) -> float:
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, (prefix, lines)
    return float(lines[0].rsplit(" ", 1)[1])


def test_the_queue_schedules_backups_and_version_are_measured():
    broker = get_broker()
    broker.enqueue("first")
    broker.enqueue("second")
    text = _scrape()
    assert _sample(text, "rolescope_task_queue_depth ") == OrmQ.objects.filter(key=broker.list_key).count() == 2
    assert _sample(text, "rolescope_task_failures ") == Task.objects.filter(success=False).count()
    assert _sample(text, f'rolescope_build_info{{version="{VERSION}"}}') == 1
    heartbeat = Task.objects.get(id="heartbeat-test-task").stopped.timestamp()
    assert _sample(text, 'rolescope_schedule_last_run_timestamp_seconds{result="success",schedule="ops: worker') == (
        pytest.approx(heartbeat)
    )
    last = OperationRecord.objects.filter(kind="backup").latest("finished_at").finished_at.timestamp()
    assert _sample(text, "rolescope_last_backup_timestamp ") == pytest.approx(last)


def test_the_nightly_backup_keeps_the_newest_and_is_recorded(tmp_path, settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    for stamp in ("20200101T000000Z", "20200102T000000Z", "20200103T000000Z"):
        (tmp_path / f"rolescope-{stamp}.tar").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("kept: not a backup of ours")
    path, removed = backup_scheduled(tmp_path, keep=2)
    kept = sorted(item.name for item in tmp_path.iterdir() if BACKUP_NAME.match(item.name))
    assert kept == ["rolescope-20200103T000000Z.tar", path.name]
    assert [item.name for item in removed] == ["rolescope-20200101T000000Z.tar", "rolescope-20200102T000000Z.tar"]
    assert (tmp_path / "notes.txt").exists()
    record = OperationRecord.objects.filter(kind="backup").latest("finished_at")
    assert record.path == str(path.resolve()) and record.version == VERSION and record.detail["version"] == VERSION


def test_the_heartbeat_task_touches_its_file(tmp_path, settings):
    settings.WORKER_HEARTBEAT_FILE = str(tmp_path / "beat")
    assert worker_heartbeat() == "alive" and (tmp_path / "beat").exists()


def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_install():
    """The image's pg_dump (PostgreSQL 15) against compose's PostgreSQL 16 failed with pg_dump's own abort."""
    assert client_refusal(15, 150020) is None and client_refusal(16, 150020) is None
    message = client_refusal(15, 160004)
    assert message is not None and "postgresql-client-16" in message and "PostgreSQL 15" in message
    if shutil.which("pg_dump"):
        assert client_major() >= 12
