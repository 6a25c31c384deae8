"""Run rolescope on this machine the way compose runs it, without containers: app servers through `deploy/entrypoint
web` with `deploy/gunicorn.conf.py`, nginx in front with `deploy/nginx.conf.template` (its page cache included), and
the background worker (`deploy/entrypoint worker`). Used by `make serve`, `make faults`, the benchmarks and the nginx
tests; every process it starts, it stops.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "deploy" / "entrypoint"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
NGINX_MISSING = (
    "nginx is not installed: `make serve` runs it in front of the app servers, as compose does. "
    "On Debian or Ubuntu: apt-get install nginx-light (or nginx); on macOS: brew install nginx."
)


def nginx_binary() -> str | None:
    """nginx's path (on PATH, or Debian's /usr/sbin, which is not on a user's PATH), or None when it is not there."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def production_env(**overrides: str) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, a throwaway secret key, plain HTTP (no TLS in front here)."""
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HTTPS="false",
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHON=str(Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "python"),
        API_TRUSTED_PROXIES="1",  # nginx appends the client's address to X-Forwarded-For
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(overrides)
    return env


def manage_shell(env: dict[str, str], code: str) -> str:
    """Run Python in `manage.py shell` with `env` (as an operator, or another server, would) and return what it
    printed; a failure raises with the end of its stderr."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout.strip()


def publish_expired_posting(env: dict[str, str], role_slug: str) -> int:
    """Publish one of the role's expired postings again, as an employer renewing it would (bumping the platform
    version), and return the role's open postings as the app now counts them."""
    printed = manage_shell(
        env,
        "from datetime import timedelta; from django.utils import timezone; from jobs.models import Posting; "
        "from market.platform import platform_counts; from roles.models import Role; from sources import versions; "
        f"posting = Posting.objects.filter(role__slug={role_slug!r}, expires_at__lte=timezone.now())"
        ".order_by('id')[0]; "
        "Posting.objects.filter(pk=posting.pk).update("
        "status=Posting.Status.PUBLISHED, expires_at=timezone.now() + timedelta(days=30)); "
        "versions.bump('platform'); "
        f"print(platform_counts(Role.objects.get(slug={role_slug!r}).occupation_id).active_postings)",
    )
    return int(printed.splitlines()[-1])


def stop_process(process: subprocess.Popen[bytes] | None, seconds: float = 30) -> None:
    """SIGTERM (a graceful stop), then SIGKILL if the process is still there after `seconds`."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def render_nginx(template: str, values: dict[str, str]) -> str:
    """${NAME} placeholders filled as the nginx image's envsubst fills them; nginx's own $variables stay."""
    for name, value in values.items():
        template = template.replace("${" + name + "}", value)
    return template


def wait_until_up(url: str, seconds: float, process: subprocess.Popen[bytes] | None = None) -> float:
    """Seconds until `url` answers 200; raises if it does not within `seconds` or the process exits."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


@dataclass
class AppServer:
    """One app server: `deploy/entrypoint web` on its own port, with its own metrics directory."""

    port: int
    env: dict[str, str]
    log: Path | None  # None: the terminal's (`make serve`)
    workers: int = 2
    process: subprocess.Popen[bytes] | None = None
    started: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(
            self.env,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(self.workers),
            PROMETHEUS_MULTIPROC_DIR=str(Path(tempfile.gettempdir()) / f"rolescope-metrics-{self.port}"),
        )
        self.process = _spawn([str(ENTRYPOINT), "web"], env, self.log)
        self.started += 1

    def wait(self, seconds: float = 120) -> float:
        return wait_until_up(f"{self.url}/healthz", seconds, self.process)

    def kill(self) -> None:
        """SIGKILL the gunicorn master: its workers notice their parent is gone and exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            _reap_orphans(self.port)

    def stop(self) -> None:
        stop_process(self.process)
        _reap_orphans(self.port)


def _spawn(command: list[str], env: dict[str, str] | None, log: Path | None) -> subprocess.Popen[bytes]:
    """A process with its output appended to `log`, or on this terminal when `log` is None."""
    if log is None:
        return subprocess.Popen(command, cwd=ROOT, env=env)
    with open(log, "ab") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def _reap_orphans(port: int) -> None:
    """Workers of a killed master that still hold the port (they exit within a few seconds on their own)."""
    for _ in range(50):
        finder = subprocess.run(["fuser", f"{port}/tcp"], capture_output=True, text=True)
        if not finder.stdout.strip():
            return
        time.sleep(0.2)
    subprocess.run(["fuser", "-k", f"{port}/tcp"], capture_output=True)


@dataclass
class Nginx:
    """nginx from deploy/nginx.conf.template, listening on `listen` ("127.0.0.1:8080" or a port) in front of
    `upstreams`; its pid file, temporary files and page cache in `run_dir`."""

    port: int
    upstreams: list[str]
    run_dir: Path
    listen: str = ""  # default: 127.0.0.1:port
    log: Path | None = None  # default: run_dir/nginx.log; the terminal's with `terminal`
    terminal: bool = False
    # Placeholder values that replace the ones above (the compose tests give nginx compose's own environment).
    values: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    config: Path = field(init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        nginx = nginx_binary()
        if nginx is None:
            raise RuntimeError(NGINX_MISSING)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.chmod(0o755)  # nginx's workers drop root (to nobody) and must reach the cache (nginx_run_dir)
        lines = " ".join(f"server {upstream} max_fails=1 fail_timeout=5s;" for upstream in self.upstreams)
        values = {
            "NGINX_PORT": self.listen or f"127.0.0.1:{self.port}",
            "ROLESCOPE_UPSTREAM": lines,
            "NGINX_RUN_DIR": str(self.run_dir),
            # Compose's names resolve through docker's DNS; here the upstreams are addresses, looked up by nobody.
            "NGINX_RESOLVER": "127.0.0.1",
            "NGINX_RESOLVER_VALID": "5s",
            **self.values,
        }
        self.config = self.run_dir / "nginx.conf"
        self.config.write_text(render_nginx(NGINX_TEMPLATE.read_text(), values))
        subprocess.run([nginx, "-t", "-q", "-c", str(self.config)], check=True)
        log = None if self.terminal else (self.log or self.run_dir / "nginx.log")
        self.process = _spawn([nginx, "-c", str(self.config), "-g", "daemon off;"], None, log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@contextmanager
def cluster(
    env: dict[str, str], ports: list[int], nginx_port: int, logs: Path
) -> Iterator[tuple[list[AppServer], Nginx]]:
    """App servers on `ports` (started together, as a deployment starts them) behind nginx; all stopped at the end."""
    logs.mkdir(parents=True, exist_ok=True)
    servers = [AppServer(port, env, logs / f"app-{port}.log") for port in ports]
    # A new page cache each time: pages kept by an earlier run are not served.
    proxy = Nginx(nginx_port, [f"127.0.0.1:{port}" for port in ports], nginx_run_dir(), log=logs / "nginx.log")
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait()
        proxy.start()
        wait_until_up(f"http://127.0.0.1:{nginx_port}/healthz", 30, proxy.process)
        yield servers, proxy
    finally:
        proxy.stop()
        for server in servers:
            server.stop()
        shutil.rmtree(proxy.run_dir, ignore_errors=True)


def nginx_run_dir() -> Path:
    """A new directory for nginx's pid file, temporary files and page cache. Readable by all: nginx's workers drop
    root (to nobody) when it is started as root, and must reach the cache through every directory on the way."""
    run_dir = Path(tempfile.mkdtemp(prefix="rolescope-nginx-"))
    run_dir.chmod(0o755)
    return run_dir


def free_port() -> int:
    """A loopback port nothing listens on (the system's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


NO_SHARED_CACHE = (
    "REDIS_URL is not set: each app worker keeps its own rate limits and sign-in failure counts, so every limit is"
    " per worker (10 wrong passwords become 20 with 2 workers). Set REDIS_URL for limits shared by all workers."
)


def serve_env(workers: int | None) -> dict[str, str]:
    """`make serve`'s settings: production ones on loopback (DEBUG off, plain HTTP, nginx counted as the one proxy
    in front) unless the environment says otherwise."""
    env = production_env()
    for name in ("DEBUG", "ALLOWED_HOSTS", "HTTPS", "SECURE_SSL_REDIRECT", "API_TRUSTED_PROXIES"):
        if name in os.environ:  # the operator's own value wins over the loopback defaults
            env[name] = os.environ[name]
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


@dataclass
class Stack:
    """The one-machine production stack: nginx on `nginx.url`, one app server behind it, the background worker."""

    app: AppServer
    nginx: Nginx
    worker: subprocess.Popen[bytes] | None

    def processes(self) -> dict[str, subprocess.Popen[bytes] | None]:
        return {"nginx": self.nginx.process, "app server": self.app.process, "worker": self.worker}


@contextmanager
def stack(
    env: dict[str, str],
    port: int,
    app_port: int,
    run_dir: Path,
    *,
    listen: str = "",
    logs: Path | None = None,
    worker: bool = True,
) -> Iterator[Stack]:
    """nginx on `port` (or `listen`) in front of `deploy/entrypoint web` on 127.0.0.1:`app_port` (WEB_CONCURRENCY
    workers from `env`), and `deploy/entrypoint worker` when `worker`: wired as compose wires them. Output goes to
    files in `logs`, or to this terminal when `logs` is None. Yields once the app answers through nginx; stops all
    three at the end (nginx first, so nothing is sent to an app server that is going)."""
    if nginx_binary() is None:
        raise RuntimeError(NGINX_MISSING)
    if logs is not None:
        logs.mkdir(parents=True, exist_ok=True)
    workers = int(env.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)  # gunicorn.conf.py's default
    app = AppServer(app_port, env, logs / "app.log" if logs else None, workers=workers)
    proxy = Nginx(port, [f"127.0.0.1:{app_port}"], run_dir, listen=listen, terminal=logs is None)
    if logs is not None:
        proxy.log = logs / "nginx.log"
    running = Stack(app, proxy, None)
    try:
        app.start()
        if worker:
            running.worker = _spawn([str(ENTRYPOINT), "worker"], env, logs / "worker.log" if logs else None)
        app.wait(600)  # the first start on an empty database migrates and loads the bundled data (minutes)
        proxy.start()
        wait_until_up(f"{proxy.url}/healthz", 30, proxy.process)
        yield running
    finally:
        proxy.stop()
        stop_process(running.worker)
        app.stop()


def serve(port: int, workers: int | None, app_port: int | None, listen: str) -> int:
    """`make serve`: the one-machine production stack in the foreground, exactly as compose wires it without
    containers: nginx from deploy/nginx.conf.template on `port` (its page cache in front), the app server
    (deploy/entrypoint web: prepare the database, then gunicorn with deploy/gunicorn.conf.py) on an internal
    loopback port, and the background worker (deploy/entrypoint worker). Ctrl-C or SIGTERM stops all three; so does
    any one of them exiting."""
    if nginx_binary() is None:
        print(NGINX_MISSING, file=sys.stderr)
        return 2
    internal = app_port or free_port()
    run_dir = nginx_run_dir()
    env = serve_env(workers)
    if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
        print("SECRET_KEY is not set: a throwaway key is used, so sessions end when the server stops.", flush=True)
    if not env.get("REDIS_URL"):
        print(NO_SHARED_CACHE, flush=True)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        with stack(env, port, internal, run_dir, listen=listen) as running:
            print(
                f"Serving on http://{listen or f'127.0.0.1:{port}'}/ (nginx; the app server on 127.0.0.1:{internal},"
                f" its /metrics there; Ctrl-C stops all three)",
                flush=True,
            )
            while True:
                for name, process in running.processes().items():
                    if process is not None and process.poll() is not None:
                        print(f"The {name} exited ({process.returncode}): stopping the others.", flush=True)
                        return 1
                time.sleep(0.5)
    except KeyboardInterrupt:
        print("Stopping nginx, the app server and the worker.", flush=True)
        return 0
    except RuntimeError as exc:
        print(exc, file=sys.stderr, flush=True)
        return 1
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=serve.__doc__)
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--port", type=int, default=8000, help="nginx's port, on 127.0.0.1 unless --listen says")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: 2 per core + 1)")
    parser.add_argument("--app-port", type=int, default=None, help="the app server's loopback port (default: free)")
    parser.add_argument("--listen", default="", help="nginx's listen address instead, e.g. 0.0.0.0:8000")
    arguments = parser.parse_args()
    sys.exit(serve(arguments.port, arguments.workers, arguments.app_port, arguments.listen))
