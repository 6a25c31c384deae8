"""Run rolescope on this machine the way the container image runs it: app servers through `deploy/entrypoint` with
`deploy/gunicorn.conf.py`, nginx in front with `deploy/nginx.conf.template`. Used by `make faults` (and the
benchmarks); every process it starts, it stops.
"""

import os
import secrets
import shutil
import signal
import subprocess
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


def production_env(**overrides: str) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, a throwaway secret key, plain HTTP (no TLS in front here)."""
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHON=str(Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "python"),
        API_TRUSTED_PROXIES="1",  # nginx appends the client's address to X-Forwarded-For
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(overrides)
    return env


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
    log: Path
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
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(ENTRYPOINT), "web"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
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
    port: int
    upstreams: list[str]
    run_dir: Path
    process: subprocess.Popen[bytes] | None = None
    config: Path = field(init=False)

    def start(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        lines = " ".join(f"server {upstream} max_fails=1 fail_timeout=5s;" for upstream in self.upstreams)
        values = {
            "NGINX_PORT": f"127.0.0.1:{self.port}",
            "ROLESCOPE_UPSTREAM": lines,
            "NGINX_RUN_DIR": str(self.run_dir),
        }
        self.config = self.run_dir / "nginx.conf"
        self.config.write_text(render_nginx(NGINX_TEMPLATE.read_text(), values))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run([nginx, "-t", "-q", "-c", str(self.config)], check=True)
        with open(self.run_dir / "nginx.log", "ab") as log:
            self.process = subprocess.Popen(
                [nginx, "-c", str(self.config), "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@contextmanager
def cluster(
    env: dict[str, str], ports: list[int], nginx_port: int, logs: Path
) -> Iterator[tuple[list[AppServer], Nginx]]:
    """App servers on `ports` (started together, as a deployment starts them) behind nginx; all stopped at the end."""
    logs.mkdir(parents=True, exist_ok=True)
    servers = [AppServer(port, env, logs / f"app-{port}.log") for port in ports]
    proxy = Nginx(nginx_port, [f"127.0.0.1:{port}" for port in ports], logs / "nginx")
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


def serve(port: int, workers: int | None) -> None:
    """`make serve`: the production server in the foreground on 127.0.0.1:`port`, exactly as the image runs it
    (deploy/entrypoint web: prepare the database, then gunicorn with deploy/gunicorn.conf.py), with the settings
    from the environment; DEBUG off and plain HTTP on loopback unless the environment says otherwise."""
    overrides = {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers:
        overrides["WEB_CONCURRENCY"] = str(workers)
    env = production_env(**overrides)
    for name in ("DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "API_TRUSTED_PROXIES"):
        if name in os.environ:  # the operator's own value wins over the loopback defaults
            env[name] = os.environ[name]
    if not os.environ.get("API_TRUSTED_PROXIES"):
        env["API_TRUSTED_PROXIES"] = "0"  # nothing in front: the socket's address is the client's
    if (env.get("WEB_CONCURRENCY") or "") != "1" and not env.get("PROMETHEUS_MULTIPROC_DIR"):
        env["PROMETHEUS_MULTIPROC_DIR"] = str(Path(tempfile.gettempdir()) / f"rolescope-metrics-{port}")
    if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
        print("SECRET_KEY is not set: a throwaway key is used, so sessions end when the server stops.", flush=True)
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C stops it)", flush=True)
    os.execve(str(ENTRYPOINT), [str(ENTRYPOINT), "web"], env)  # noqa: S606 (our own entrypoint, no shell)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=serve.__doc__)
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: 2 per core + 1)")
    arguments = parser.parse_args()
    serve(arguments.port, arguments.workers)
