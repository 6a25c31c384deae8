"""The processes and the load of bench/floor.py: the product as `make serve` runs it (tools.cluster.stack: nginx in
front of gunicorn with the product's config, and the background worker), the bare app (gunicorn with the same
config), the peer bls-oews-mcp in its own virtualenv, wrk runs and single timed requests. Everything runs on
loopback; every process started here is stopped by `running` or `product`.
"""

import math
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import serve  # noqa: E402
from tools.cluster import Stack, nginx_run_dir, production_env, stack, stop_process, wait_until_up  # noqa: E402
from tools.serve import ORGANISATION_KEY, free_port  # noqa: E402

ERROR_LINES = r"Traceback|WORKER TIMEOUT|\[ERROR\]|\"level\": \"ERROR\"|\"status\": 5\d\d"

OUT = ROOT / "bench" / "out" / "floor"
PEER_VENV = ROOT / "bench" / "out" / "peer-venv"
PEER_PACKAGE = "bls-oews-mcp==1.1.5"
PYTHON = sys.executable
GUNICORN_CONFIG = "deploy/gunicorn.conf.py"
WORKERS = 2
CONNECTIONS = 32
UNLIMITED = "1000000000"  # PAGE_WORK_RATE_PER_MINUTE and API_ANON_RATE_PER_MINUTE: the limiter must not refuse wrk
MAX_REQUESTS: dict[str, str] = {}  # GUNICORN_MAX_REQUESTS for every server when --max-requests is given


def manage(env: dict[str, str], *args: str) -> str:
    """tools.serve.manage, saying why when the command fails (another change half done, say)."""
    try:
        return serve.manage(env, *args)
    except subprocess.CalledProcessError as exc:
        tail = "\n".join(str(exc.stderr).strip().splitlines()[-8:])
        raise SystemExit(f"manage.py {' '.join(args[:1])} failed; retry once the app imports again:\n{tail}") from None


# --- servers ---------------------------------------------------------------------------------------------------


def organisation_key(env: dict[str, str]) -> str:
    """An organisation's API key with a very high limit (tools/serve.py), for the keyed API runs."""
    return manage(env, "shell", "-c", ORGANISATION_KEY).splitlines()[-1]


@dataclass
class Server:
    """One process this script starts (gunicorn or the peer) on its own loopback port; `stop` ends it."""

    name: str
    command: list[str]
    env: dict[str, str]
    health: str = "/healthz"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    workers_started: int = 0
    scratch: Path | None = None  # a directory of its own, removed when it stops

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return OUT / f"{self.name}.log"

    def start(self) -> None:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(self.url + self.health, 120, self.process)
        except RuntimeError as exc:
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
            raise RuntimeError(f"{self.name} did not start ({exc}); its log ends:\n{tail}") from None

    def stop(self) -> None:
        stop_process(self.process)
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def workers(self) -> list[int]:
        """The gunicorn master's worker processes (its children)."""
        assert self.process is not None
        pid = self.process.pid
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def log_counts(self) -> tuple[int, int]:
        """(workers replaced, error lines) in the log so far: workers replaced under load (GUNICORN_MAX_REQUESTS),
        and tracebacks, worker timeouts, 5xx lines."""
        text = self.log.read_text(errors="replace")
        replaced = text.count("Booting worker") - self.workers_started
        return replaced, len(re.findall(ERROR_LINES, text))


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        server.start()
        yield server
    finally:
        server.stop()


def gunicorn(name: str, app: str, env: dict[str, str], workers: int) -> Server:
    """gunicorn with the product's one config file; the bind, worker count and access log from its environment."""
    command = [PYTHON, "-m", "gunicorn", "--config", GUNICORN_CONFIG, app]
    server = Server(name, command, env, workers_started=workers)
    server.env = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{server.port}",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_ACCESS_LOG="off",
        **MAX_REQUESTS,
    )
    return server


def product_env(redis_url: str) -> dict[str, str]:
    """Production settings on loopback (tools/cluster.py) with the limiter opened for anonymous traffic, on the
    database DATABASE_URL names; REDIS_URL only when given."""
    env = production_env(PAGE_WORK_RATE_PER_MINUTE=UNLIMITED, API_ANON_RATE_PER_MINUTE=UNLIMITED)
    env.pop("REDIS_URL", None)
    env.pop("REDIS_URL_FILE", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@dataclass
class Product:
    """The product as `make serve` runs it: `url` is nginx (its page cache in front), `app_url` the app server."""

    name: str
    running: Stack
    logs: Path

    @property
    def url(self) -> str:
        return self.running.nginx.url

    @property
    def app_url(self) -> str:
        return self.running.app.url

    def workers(self) -> list[int]:
        """The gunicorn master's worker processes (the entrypoint execs gunicorn: the app process is the master)."""
        assert self.running.app.process is not None
        pid = self.running.app.process.pid
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def log_counts(self) -> tuple[int, int]:
        """(workers replaced under load, error lines: tracebacks, worker timeouts, 5xx) in the app server's log."""
        text = (self.logs / "app.log").read_text(errors="replace")
        replaced = text.count("Booting worker") - self.running.app.workers
        return replaced, len(re.findall(ERROR_LINES, text))


@contextmanager
def product(name: str, redis_url: str, workers: int = WORKERS, *, worker: bool = True) -> Iterator[Product]:
    """`make serve` (tools.cluster.stack) with `workers` app workers, logs in bench/out/floor/<name>/; stopped at
    the end. `worker`: the background worker too (as make serve runs it; the first-request samples leave it out)."""
    env = dict(product_env(redis_url), WEB_CONCURRENCY=str(workers), GUNICORN_ACCESS_LOG="off", **MAX_REQUESTS)
    env["PYTHON"] = PYTHON
    logs = OUT / name
    shutil.rmtree(logs, ignore_errors=True)
    run_dir = nginx_run_dir()
    try:
        with stack(env, free_port(), free_port(), run_dir, logs=logs, worker=worker) as running:
            yield Product(name, running, logs)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def bare(page: Path, wages: Path) -> Server:
    env = {
        name: value
        for name, value in production_env().items()
        if not name.startswith(("REDIS_", "DATABASE_", "PROMETHEUS_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="bench.bare.settings", BARE_PAGE=str(page), BARE_JSON=str(wages))
    return gunicorn("bare", "bench.bare.wsgi:application", env, WORKERS)


def peer() -> Server:
    """bls-oews-mcp's own HTTP entry point: one uvicorn process (it binds 0.0.0.0; it is sent loopback traffic only)."""
    python = PEER_VENV / "bin" / "python"
    installed = (
        subprocess.run([str(python), "-m", "pip", "show", "bls-oews-mcp"], capture_output=True, text=True).stdout
        if python.exists()
        else ""
    )
    if f"Version: {PEER_PACKAGE.split('==')[1]}" not in installed:
        print(f"installing {PEER_PACKAGE} into {PEER_VENV.relative_to(ROOT)}", flush=True)
        subprocess.run([PYTHON, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PEER_PACKAGE], check=True
        )
    server = Server("peer", [str(python), "-m", "bls_oews_mcp.http"], {}, health="/health")
    server.env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(ROOT / "bench" / "out"),
        "PORT": str(server.port),
        "BLS_OEWS_DATA_DIR": str(ROOT / "bench" / "out" / "peer-data"),
    }
    return server


def redis_flush(url: str) -> None:
    import redis

    host = urllib.parse.urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"--redis-url must be on loopback (it is flushed): {url}")
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as exc:
        raise SystemExit(f"Redis at {url} does not answer ({exc}): start it, or pass --no-redis") from None


# --- requests ---------------------------------------------------------------------------------------------------


def fetch(url: str, headers: dict[str, str] | None = None, body: bytes | None = None) -> tuple[int, bytes, float]:
    """(status, body, milliseconds) of one request."""
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 (loopback only)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            content = answer.read()
            status = answer.status
    except urllib.error.HTTPError as exc:
        content, status = exc.read(), exc.code
    return status, content, (time.perf_counter() - started) * 1000


@dataclass(frozen=True)
class Run:
    """One wrk run's summary."""

    rate: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


LUA = """{setup}
local requests = {{{entries}}}
local i = 0
request = function()
  i = i + 1
  local entry = requests[(i - 1) % #requests + 1]
  return wrk.format(nil, entry[1], nil, entry[2])
end
"""


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(
    base: str,
    paths: Sequence[str],
    seconds: int,
    headers: dict[str, str] | None = None,
    bodies: Sequence[str] | None = None,
) -> Run:
    """wrk (1 thread, CONNECTIONS connections) sending `paths` in turn (with `bodies`, POSTs: the n-th body to the
    n-th path), each once until the list is used up."""
    setup = [f"wrk.headers[{lua_string(name)}] = {lua_string(value)}" for name, value in (headers or {}).items()]
    if bodies is not None:
        setup.append('wrk.method = "POST"')
    entries = [
        "{" + lua_string(path) + (", " + lua_string(bodies[n]) if bodies is not None else "") + "}"
        for n, path in enumerate(paths)
    ]
    script = OUT / "floor.lua"
    script.write_text(LUA.format(setup="\n".join(setup), entries=", ".join(entries)))
    done = subprocess.run(
        # A slow answer is counted when it comes (wrk's own timeout, 2 s, would count a page queued behind 31 others
        # as an error and leave it out of the rate).
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> Run:
    def number(pattern: str) -> float:
        found = re.search(pattern, output, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Run(
        rate=number(r"Requests/sec:\s+([\d.]+)"),
        p99_ms=float(p99.group(1)) * scale[p99.group(2)] if p99 else math.nan,
        requests=int(number(r"^\s+(\d+) requests in")),
        non_2xx=int(number(r"Non-2xx or 3xx responses: (\d+)")),
        socket_errors=sum(int(count) for count in sockets.groups()) if sockets else 0,
    )
