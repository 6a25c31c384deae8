"""A fresh compose install, run as processes: `.env.example` copied to `.env`, each service given the environment
compose would give it (tools/compose_env.py reads compose.yaml, the Dockerfile's ENV and .env), and deploy/'s
entrypoint, gunicorn and nginx started with it. Containers cannot run here; what differs from them is only what a
container has of its own, listed in `localize` (addresses, secret and scratch paths, two workers per server).

- the rendered settings: plain HTTP works out of the box (no redirect, no Secure cookies, no HSTS) and HTTPS=true
  turns all three on together; API_TRUSTED_PROXIES, the task broker and the metrics folder are as documented;
- the site answers 200 on plain HTTP through nginx, and sign-in works with the CSRF cookie over HTTP;
- each app server replaced in turn under load: not one failed request.

The process tests need nginx; skipped without it, unless ROLESCOPE_REQUIRE_NGINX=1 (CI)."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml

from tools.cluster import (
    AppServer,
    Nginx,
    free_port,
    manage_shell,
    nginx_binary,
    nginx_run_dir,
    stop_process,
    wait_until_up,
)
from tools.compose_env import dockerfile_env, interpolate, read_dotenv, service_environment

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
# This helper's ports (8200-8299), or any free one when taken.
PREFERRED_PORTS = (8210, 8211, 8212)


def fresh_project(folder: Path, *extra_lines: str) -> Path:
    """A project's .env as a fresh install has it: a copy of .env.example (plus what an operator added)."""
    dotenv = folder / ".env"
    dotenv.write_text((ROOT / ".env.example").read_text() + "".join(f"{line}\n" for line in extra_lines))
    return dotenv


def settings_of(env: dict[str, str], *names: str) -> dict[str, object]:
    """Django's settings as a process with `env` reads them."""
    code = (
        "from django.conf import settings; import json; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_interpolation_and_dotenv_follow_compose(tmp_path):
    variables = {"SET": "x", "EMPTY": ""}
    assert (
        interpolate("${SET:-d} ${EMPTY:-d} ${UNSET:-d} ${EMPTY-d} ${UNSET-d} $$SET $SET", variables)
        == "x d d  d $SET x"
    )
    assert interpolate("${SET:+on}${UNSET:+on}", variables) == "on"
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nA=1\nB='two words'\nC=three # note\nD=\n")
    assert read_dotenv(dotenv) == {"A": "1", "B": "two words", "C": "three", "D": ""}
    assert dockerfile_env(ROOT / "Dockerfile")["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/metrics"  # noqa: S108


def test_env_example_as_compose_renders_it_serves_plain_http(tmp_path):
    """Before issue 18, .env.example's SECURE_SSL_REDIRECT=true and placeholder host won over compose's defaults
    (every page redirected to an HTTPS nobody served; localhost answered 400), its empty PROMETHEUS_MULTIPROC_DIR
    turned the summed metrics off, and the CSRF cookie was Secure, so sign-in failed on plain HTTP."""
    env = service_environment("app", dotenv=fresh_project(tmp_path), host_env={})
    assert env["DEBUG"] == "false" and env["HTTPS"] == "false"
    assert {"localhost", "127.0.0.1"} <= set(env["ALLOWED_HOSTS"].split(","))
    assert env["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/metrics"  # noqa: S108
    assert env["API_TRUSTED_PROXIES"] == "1"  # the bundled nginx
    assert env.get("WEB_CONCURRENCY", "unset") != ""  # gunicorn itself fails on an empty value
    read = settings_of(
        {**env, "SECRET_KEY_FILE": "", "SECRET_KEY": "compose-test-" + "k" * 40, "DATABASE_PASSWORD_FILE": ""},
        "SECURE_SSL_REDIRECT",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "Q_CLUSTER",
        "API_TRUSTED_PROXIES",
    )
    assert read["SECURE_SSL_REDIRECT"] is False and read["CSRF_COOKIE_SECURE"] is False
    assert read["SESSION_COOKIE_SECURE"] is False and read["SECURE_HSTS_SECONDS"] == 0
    # Redis is the cache, never the task broker: it evicts (allkeys-lru) and keeps nothing.
    cluster = read["Q_CLUSTER"]
    assert isinstance(cluster, dict) and cluster["orm"] == "default" and "redis" not in cluster
    assert cluster["name"] == "rolescope"  # CACHE_KEY_PREFIX: one queue per deployment


def test_https_is_one_switch_for_redirect_cookies_and_hsts(tmp_path):
    env = service_environment("app", dotenv=fresh_project(tmp_path, "HTTPS=true", "BEHIND_TLS_PROXY=true"), host_env={})
    read = settings_of(
        {**env, "SECRET_KEY_FILE": "", "SECRET_KEY": "compose-test-" + "k" * 40, "DATABASE_PASSWORD_FILE": ""},
        "SECURE_SSL_REDIRECT",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert read["SECURE_SSL_REDIRECT"] is True and read["CSRF_COOKIE_SECURE"] is True
    assert read["SESSION_COOKIE_SECURE"] is True and read["SECURE_HSTS_SECONDS"] == 31536000
    assert read["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_trusted_proxies_and_the_task_broker_are_configurable(tmp_path):
    """API_TRUSTED_PROXIES was hard-coded to 1: behind a TLS proxy every client shared one address."""
    dotenv = fresh_project(tmp_path, "API_TRUSTED_PROXIES=2", "TASK_BROKER_URL=redis://durable:6379/0")
    env = service_environment("app", dotenv=dotenv, host_env={})
    assert env["API_TRUSTED_PROXIES"] == "2" and env["TASK_BROKER_URL"] == "redis://durable:6379/0"
    assert (
        service_environment("app", dotenv=fresh_project(tmp_path), host_env={"API_TRUSTED_PROXIES": "3"})[
            "API_TRUSTED_PROXIES"
        ]
        == "3"
    )


def test_compose_has_no_trust_auth_a_matching_pg_dump_bounded_logs_and_a_worker_healthcheck():
    services = COMPOSE["services"]
    database = services["db"]
    assert "POSTGRES_HOST_AUTH_METHOD" not in database["environment"]
    assert "trust" not in (ROOT / "compose.yaml").read_text().replace("trusted", "")
    assert database["environment"]["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")
    # The app's own role owns its database; the superuser is only the image's.
    app_env = service_environment("app", host_env={})
    assert (
        app_env["DATABASE_URL"].startswith("postgres://rolescope@")
        and database["environment"]["POSTGRES_USER"] != "rolescope"
    )
    pg_major = dockerfile_env(ROOT / "Dockerfile").get("PG_MAJOR") or _dockerfile_arg("PG_MAJOR")
    assert database["image"].split(":")[1].split("-")[0] == pg_major
    for name, service in services.items():
        assert service["logging"]["options"]["max-size"], name
    worker = services["worker"]
    assert worker["healthcheck"]["test"] == ["CMD", "/app/deploy/entrypoint", "worker-alive"]
    assert "backups:/backups" in worker["volumes"] and "backups" in COMPOSE["volumes"]
    # The whole-release downloads: written by the worker, served by every app server, from one shared volume.
    shared = f"downloads:{app_env['ROLESCOPE_DOWNLOAD_DIR']}"
    assert shared in worker["volumes"] and shared in services["app"]["volumes"] and "downloads" in COMPOSE["volumes"]
    assert "install -d -o rolescope -g rolescope /app/var/downloads" in (ROOT / "Dockerfile").read_text()
    assert "resolve" in services["nginx"]["environment"]["ROLESCOPE_UPSTREAM"]
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"secrets", ".env", ".env.*"} <= set(ignored)


def _dockerfile_arg(name: str) -> str:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith(f"ARG {name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"no ARG {name}")


def test_the_worker_health_check_follows_its_heartbeat(tmp_path):
    heartbeat = tmp_path / "heartbeat"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHON": sys.executable,
        "WORKER_HEARTBEAT_FILE": str(heartbeat),
    }
    entrypoint = str(ROOT / "deploy" / "entrypoint")
    missing = subprocess.run([entrypoint, "worker-alive"], env=env, capture_output=True, text=True)
    assert missing.returncode != 0 and "no heartbeat yet" in missing.stderr
    heartbeat.write_text("now\n")
    assert subprocess.run([entrypoint, "worker-alive"], env=env).returncode == 0
    old = time.time() - 600
    os.utime(heartbeat, (old, old))
    stale = subprocess.run([entrypoint, "worker-alive"], env=env, capture_output=True, text=True)
    assert stale.returncode != 0 and "ago" in stale.stderr


# The stack as processes


def _port(preferred: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


@dataclass
class Install:
    folder: Path
    app_env: dict[str, str]
    servers: list[AppServer]
    nginx: Nginx
    worker: subprocess.Popen[bytes] | None = None
    logs: dict[str, Path] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.nginx.port}"


FAIL_TIMEOUT_SECONDS = 5  # deploy/nginx.conf.template's upstream servers: max_fails=1 fail_timeout=5s
LOCAL_REDIS = "redis://127.0.0.1:6379/13"  # compose's Redis: this machine's, a database no other test uses


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def localize(env: dict[str, str], folder: Path, database_url: str) -> dict[str, str]:
    """What a container has of its own, on this machine: the database and Redis addresses (db:5432, redis:6379),
    the secret files (/run/secrets), its private /tmp and /backups, the python to run. Nothing else is changed."""
    secrets_dir = folder / "secrets"
    local = dict(env)
    assert local["DATABASE_URL"] == "postgres://rolescope@db:5432/rolescope"
    local["DATABASE_URL"] = database_url
    assert local["REDIS_URL"] == "redis://redis:6379/0"
    # This machine's Redis (a test's own db) when there is one; else an address nobody answers: the site serves
    # without its cache, as when the Redis container is down.
    local["REDIS_URL"] = os.environ.get("REDIS_URL") or (LOCAL_REDIS if _answers(6379) else "redis://127.0.0.1:9/0")
    for name, value in env.items():
        if value.startswith("/run/secrets/"):
            local[name] = str(secrets_dir / Path(value).name)
    local["PROMETHEUS_MULTIPROC_DIR"] = str(folder / "metrics")  # AppServer gives each server its own
    local["BACKUP_DIR"] = str(folder / "backups")
    local["WORKER_HEARTBEAT_FILE"] = str(folder / "worker-heartbeat")
    local.update(PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin:/usr/sbin:/sbin", PYTHON=sys.executable)
    local["HOME"] = str(folder)
    return local


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    if nginx_binary() is None:
        if os.environ.get("ROLESCOPE_REQUIRE_NGINX") == "1":
            pytest.fail("nginx is required here (ROLESCOPE_REQUIRE_NGINX=1) but is not installed")
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    postgres_run = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if postgres_run and not os.environ.get("ROLESCOPE_COMPOSE_DATABASE_URL"):
        # the stack's processes use their own database, not this run's: CI runs them once, in the SQLite run
        pytest.skip("the compose stack runs once per CI, in the SQLite run (set ROLESCOPE_COMPOSE_DATABASE_URL here)")
    folder = tmp_path_factory.mktemp("compose")
    (folder / "secrets").mkdir()
    for name in ("secret_key", "db_password", "db_admin_password"):
        (folder / "secrets" / name).write_text(secrets.token_urlsafe(50) + "\n")
    (folder / "backups").mkdir()
    dotenv = fresh_project(folder)
    database_url = os.environ.get("ROLESCOPE_COMPOSE_DATABASE_URL") or f"sqlite:///{folder / 'db.sqlite3'}"
    port = _port(PREFERRED_PORTS[0])
    shell = {"ROLESCOPE_PORT": str(port)}  # the published port; nginx's own 8080 inside the container
    env = {
        name: localize(service_environment(name, dotenv=dotenv, host_env=shell), folder, database_url)
        for name in ("init", "app", "worker")
    }
    nginx_env = service_environment("nginx", dotenv=dotenv, host_env=shell)
    ports = [_port(preferred) for preferred in PREFERRED_PORTS[1:]]
    servers = [AppServer(app_port, env["app"], folder / f"app-{app_port}.log", workers=2) for app_port in ports]
    run_dir = nginx_run_dir()
    assert nginx_env["NGINX_RUN_DIR"] == "/tmp"  # noqa: S108
    nginx = Nginx(
        port,
        [f"127.0.0.1:{app_port}" for app_port in ports],
        run_dir,
        log=folder / "nginx.log",
        # compose's values, but the upstream lines: addresses here, and this nginx (1.22) has no `resolve`
        values={
            "NGINX_RESOLVER": nginx_env["NGINX_RESOLVER"],
            "NGINX_RESOLVER_VALID": nginx_env["NGINX_RESOLVER_VALID"],
        },
    )
    running = Install(folder, env["app"], servers, nginx)
    try:
        # compose's order: init (migrate, load the bundled data) to completion, then the app servers and the worker.
        init = subprocess.run(
            [str(ROOT / "deploy" / "entrypoint"), "init"], cwd=ROOT, env=env["init"], capture_output=True, timeout=900
        )
        assert init.returncode == 0, init.stderr[-3000:]
        for server in servers:
            server.start()
        with open(folder / "worker.log", "ab") as output:
            running.worker = subprocess.Popen(
                [str(ROOT / "deploy" / "entrypoint"), "worker"],
                cwd=ROOT,
                env=env["worker"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        for server in servers:
            server.wait(300)
        nginx.start()
        wait_until_up(f"{nginx.url}/healthz", 30, nginx.process)
        yield running
    finally:
        nginx.stop()
        stop_process(running.worker)
        for server in servers:
            server.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def test_a_fresh_install_serves_plain_http_and_sign_in_works(install: Install):
    site = requests.Session()
    home = site.get(f"{install.url}/", timeout=30, allow_redirects=False)
    assert home.status_code == 200, (home.status_code, home.headers.get("Location"))
    assert "Strict-Transport-Security" not in home.headers
    role = site.get(f"{install.url}/roles/registered-nurses/", timeout=30, allow_redirects=False)
    assert role.status_code == 200 and "Registered Nurses" in role.text
    ready = site.get(f"{install.url}/readyz", timeout=30).json()
    assert ready["status"] in ("ok", "degraded") and ready["checks"]["database"] == "ok"
    manage_shell(
        install.app_env,
        "from django.contrib.auth.models import User; "
        "User.objects.filter(username='compose-operator').exists() or "
        "User.objects.create_user('compose-operator', 'operator@example.org', 'a long enough password 42')",
    )
    form = site.get(f"{install.url}/accounts/login/", timeout=30)
    assert form.status_code == 200
    cookie = next(cookie for cookie in site.cookies if cookie.name == "csrftoken")
    assert not cookie.secure  # a Secure cookie is never sent back over plain HTTP
    signed_in = site.post(
        f"{install.url}/accounts/login/",
        data={
            "username": "compose-operator",
            "password": "a long enough password 42",
            "csrfmiddlewaretoken": cookie.value,
        },
        headers={"Origin": install.url, "Referer": f"{install.url}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    account = site.get(f"{install.url}/accounts/", timeout=30, allow_redirects=False)
    assert account.status_code == 200 and "compose-operator" in account.text


def test_each_app_server_replaced_in_turn_under_load_fails_no_request(install: Install):
    """An upgrade one server at a time (docs/operations.md, Upgrades): each is stopped (SIGTERM: in-flight requests
    finish), started again and waited for, while clients keep asking. nginx sends around the one that is away."""
    outcomes: Counter[str] = Counter()
    stop = threading.Event()
    paths = ["/roles/registered-nurses/", "/healthz", "/readyz", "/roles/"]

    def load(offset: int) -> None:
        session = requests.Session()
        count = offset
        while not stop.is_set():
            path = paths[count % len(paths)]
            count += 1
            try:
                # A cookie: past nginx's page cache, to an app server every time.
                answer = session.get(f"{install.url}{path}", headers={"Cookie": "load=1"}, timeout=30)
                outcomes[str(answer.status_code)] += 1
            except requests.RequestException as error:
                outcomes[error.__class__.__name__] += 1

    threads = [threading.Thread(target=load, args=(offset,)) for offset in range(3)]
    for thread in threads:
        thread.start()
    try:
        for server in install.servers:
            time.sleep(1)
            server.stop()
            server.start()
            server.wait(300)
            # as docs/operations.md says: nginx leaves a server that refused alone for fail_timeout (5 s), so the
            # next is stopped only once this one is back in nginx's rotation
            time.sleep(FAIL_TIMEOUT_SECONDS + 1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert sum(outcomes.values()) > 50, outcomes
    assert set(outcomes) == {"200"}, outcomes
    assert outcomes["200"] > 0


def systemd_unit(name: str) -> dict[str, list[str]]:
    """A unit file's [Service] settings, each key's values in order (Environment= repeats)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in (ROOT / "deploy" / "systemd" / name).read_text().splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_the_systemd_web_unit_runs_an_app_server(install: Install):
    """deploy/systemd/rolescope-web@.service as systemd would run it, for this checkout: /srv/rolescope is the
    checkout, %i the port, /run a scratch folder, /etc/rolescope/rolescope.env the install's environment."""
    unit = systemd_unit("rolescope-web@.service")
    assert unit["ExecStart"] == ["/srv/rolescope/deploy/entrypoint web"]
    port = _port(8213)
    run = install.folder / "run"

    def local(value: str) -> str:
        return value.replace("%i", str(port)).replace("/srv/rolescope", str(ROOT)).replace("/run/", f"{run}/")

    env = dict(install.app_env)  # the EnvironmentFile's contents
    for assignment in unit["Environment"]:
        name, value = assignment.split("=", 1)
        env[name] = local(value)
    env["PYTHON"] = sys.executable
    (run / f"rolescope-web-{port}").mkdir(parents=True)  # RuntimeDirectory=
    command = local(unit["ExecStart"][0]).split()
    with open(install.folder / "systemd-web.log", "ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/readyz", 300, process)
        assert requests.get(f"http://127.0.0.1:{port}/roles/", headers={"Host": "localhost"}, timeout=30).ok
    finally:
        stop_process(process)
    assert process.returncode == 0  # a graceful stop on SIGTERM (KillSignal=)


def _json_lines(path: Path | None) -> list[dict[str, object]]:
    assert path is not None
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


def test_logs_one_line_per_request_milliseconds_and_a_sane_client_request_id(install: Install):
    """Before issue 18 gunicorn and the app each logged every request, nginx's duration_ms was in seconds, and nginx
    replaced any X-Request-ID a client sent."""
    sane = f"client-{secrets.token_hex(8)}"
    kept = requests.get(f"{install.url}/roles/", headers={"X-Request-ID": sane, "Cookie": "a=1"}, timeout=30)
    assert kept.status_code == 200 and kept.headers["X-Request-ID"] == sane
    odd = requests.get(f"{install.url}/roles/", headers={"X-Request-ID": "x y<z>", "Cookie": "a=1"}, timeout=30)
    assert odd.headers["X-Request-ID"] != "x y<z>" and len(odd.headers["X-Request-ID"]) == 32
    time.sleep(1)  # nginx writes its line after the answer
    app_lines = [
        line for server in install.servers for line in _json_lines(server.log) if line.get("request_id") == sane
    ]
    # one access line (the app's), not gunicorn's as well; other lines may share the id (a cache warning, say)
    access = [line["logger"] for line in app_lines if line["logger"] in ("rolescope.request", "gunicorn.access")]
    assert access == ["rolescope.request"], app_lines
    app_lines = [line for line in app_lines if line["logger"] == "rolescope.request"]
    nginx_lines = [line for line in _json_lines(install.nginx.log) if line.get("request_id") == sane]
    assert len(nginx_lines) == 1 and isinstance(nginx_lines[0]["duration_ms"], int)
    assert nginx_lines[0]["duration_ms"] >= int(float(str(app_lines[0]["duration_ms"])))  # ms, not seconds
    started = [line for line in _json_lines(install.servers[0].log) if line.get("logger") == "gunicorn.error"]
    assert started and any("Listening at" in str(line["message"]) for line in started)  # gunicorn's own, in JSON
