"""The deployment files are the ones the processes use: the image's entrypoint, gunicorn's config and nginx's config
are checked here as far as this machine can without a container runtime (`make faults` runs them for real)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml

from tools import cluster
from tools.cluster import render_nginx, wait_until_up
from tools.compose_env import interpolate
from tools.serve import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"


def test_compose_runs_the_stack_from_the_image():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "init", "app", "worker", "nginx"}
    assert services["db"]["image"].startswith("postgres:15") and services["redis"]["image"].startswith("redis:7")
    assert interpolate(str(services["app"]["deploy"]["replicas"]), {}) == "3"  # APP_REPLICAS, default 3
    assert (services["init"]["command"], services["app"]["command"], services["worker"]["command"]) == (
        ["init"],
        ["web"],
        ["worker"],
    )
    for name in ("init", "app", "worker"):
        assert services[name]["build"] == "." and services[name]["environment"]["SECRET_KEY_FILE"].startswith("/run/")
    assert services["app"]["depends_on"]["init"]["condition"] == "service_completed_successfully"
    assert "./deploy/nginx.conf.template:/etc/nginx/templates/nginx.conf.template:ro" in services["nginx"]["volumes"]
    assert compose["secrets"]["secret_key"]["file"] == "./secrets/secret_key"


def test_the_image_runs_unprivileged_with_a_healthcheck():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.count("FROM python:3.11-slim-bookworm") == 2  # builder and runtime stages
    assert "USER rolescope" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert 'ENTRYPOINT ["/app/deploy/entrypoint"]' in dockerfile
    assert "collectstatic" in dockerfile
    assert "pip install --no-index --find-links=/wheels -r /tmp/requirements.txt" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "db.sqlite3*", ".env"} <= set(ignored)


def test_the_nginx_config_renders_and_nginx_accepts_it(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (CI installs it)")
    values = {
        "NGINX_PORT": "127.0.0.1:18080",
        "ROLESCOPE_UPSTREAM": "server 127.0.0.1:18101 max_fails=1 fail_timeout=5s;",
        "NGINX_RUN_DIR": str(tmp_path),
        "NGINX_RESOLVER": "127.0.0.11",
        "NGINX_RESOLVER_VALID": "5s",
    }
    config = tmp_path / "nginx.conf"
    config.write_text(render_nginx((DEPLOY / "nginx.conf.template").read_text(), values))
    assert "${" not in config.read_text()
    checked = subprocess.run([nginx, "-t", "-c", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_gunicorn_accepts_its_config():
    checked = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "--config", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert checked.returncode == 0, checked.stderr


def test_servers_starting_together_prepare_the_database_once(tmp_path):
    """Three `prepare` runs at once on an empty database: each succeeds, the migrations are applied once."""
    database = tmp_path / "empty.sqlite3"
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "prepare", "--no-data"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT app, name, COUNT(*) FROM django_migrations GROUP BY app, name").fetchall()
    assert rows and all(count == 1 for _, _, count in rows)
    assert ("wages", "0003_release_notes", 1) in rows


def test_the_entrypoint_passes_other_commands_through():
    done = subprocess.run(
        [str(DEPLOY / "entrypoint"), sys.executable, "-c", "print('through')"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.strip() == "through"


def test_make_serve_without_nginx_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setattr(cluster, "nginx_binary", lambda: None)
    assert cluster.serve(8000, None, None, "") == 2
    said = capsys.readouterr().err
    assert "nginx is not installed" in said and "apt-get install nginx-light" in said


def test_make_serve_runs_nginx_the_app_server_and_the_worker_with_logs_metrics_and_warm_workers(tmp_path):
    """`make serve`'s command on an empty SQLite file: nginx in front, the entrypoint prepares the database and
    gunicorn serves with production settings, the background worker runs; the workers were forked warm
    (config/warm.py), nginx's and the app's log lines share a request id, logs are JSON lines, the app server's
    /metrics sums both workers' counts (nginx does not show /metrics), and SIGTERM stops all three."""
    if not Path(shutil.which("nginx") or "/usr/sbin/nginx").exists():
        if os.environ.get("ROLESCOPE_REQUIRE_NGINX") == "1":
            pytest.fail("nginx is required here (ROLESCOPE_REQUIRE_NGINX=1) but is not installed")
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    port, app_port = free_port(), free_port()
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin:/usr/sbin:/sbin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "GUNICORN_ACCESS_LOG": "off",
        "VIRTUAL_ENV": str(Path(sys.executable).parent.parent),
    }
    log = tmp_path / "serve.log"
    command = ["tools/cluster.py", "serve", "--port", str(port), "--workers", "2", "--app-port", str(app_port)]
    # Appending (O_APPEND), as a shell's >> does: nginx opens /dev/stdout anew, and writes at a shared offset would
    # land over its lines.
    with open(log, "ab") as output:
        server = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/readyz", 600, server)  # migrates and loads the bundled data first
        page = requests.get(f"{base}/roles/registered-nurses/", timeout=30)
        assert page.status_code == 200 and "Registered Nurses" in page.text
        assert page.headers["X-Cache-Status"] in ("MISS", "HIT")
        request_id = page.headers["X-Request-ID"]  # nginx's id, which the app kept
        missing = requests.get(f"{base}/no-such-page/", timeout=30)
        assert missing.status_code == 404 and "URLconf" not in missing.text  # production settings: DEBUG is off
        for _ in range(10):
            assert requests.get(f"{base}/api/v1/roles/registered-nurses", timeout=30).status_code == 200
        assert requests.get(f"{base}/metrics", timeout=30).status_code == 404  # never through the front door
        metrics = requests.get(f"http://127.0.0.1:{app_port}/metrics", timeout=30)
        assert metrics.status_code == 200
        by_view = "django_http_requests_total_by_view_transport_method_total{"  # django-prometheus's standard name
        served = [
            float(line.rsplit(" ", 1)[1])
            for line in metrics.text.splitlines()
            if line.startswith(by_view) and 'view="api-v1:role"' in line
        ]
        assert sum(served) == 10  # both workers' counts, summed from the multiprocess directory
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert server.returncode == 0
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    page_lines = [line for line in lines if line.get("request_id") == request_id]
    app_lines = [line for line in page_lines if line.get("route")]
    assert app_lines and app_lines[0]["status"] == 200 and app_lines[0]["route"] == "/roles/<slug:slug>/"
    assert {"time", "level", "logger", "message", "duration_ms"} <= set(app_lines[0])
    assert any(line["logger"] == "nginx.access" and line["uri"] == "/roles/registered-nurses/" for line in page_lines)
    assert any(line["logger"] == "rolescope.warm" and line["message"].startswith("Warmed") for line in lines)
    assert any(line["logger"] == "django-q" for line in lines)  # the background worker ran
    assert "Stopping nginx, the app server and the worker." in log.read_text()
