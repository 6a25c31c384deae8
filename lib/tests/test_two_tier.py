"""Two servers sharing one Redis (db 9) and one database, with production settings (tools/cluster.py): what one
server's process memory holds must never outlive a change made through the other, or through a command.

- a data-version bump (a role edited) and a platform-version bump show on both servers within about a second,
  on the cached role page and on the role card API;
- a key's rate limit is counted once for both servers;
- a revoked key stops working on both within about a second.

Each server is gunicorn with one worker. The database is a SQLite file built for this module (migrate and the
bundled snapshot, about a minute). Skipped when Redis does not answer on 127.0.0.1:6379."""

import json
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from tools.cluster import manage_shell, production_env, publish_expired_posting

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/9"
ROLE = "registered-nurses"
PAGE = f"/roles/{ROLE}/?location=Seattle%2C+WA"
CARD = f"/api/v1/roles/{ROLE}?location=Seattle%2C+WA"
WAGES = "/api/v1/wages?occupation=29-1141&area=0042660"
ABOUT_A_SECOND = 2.5  # versions are read at most once a second; the rest is a loaded 2-core machine's slack


def _redis(commands: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as connection:
        connection.sendall(commands)
        return connection.recv(64)


def _redis_answers() -> bool:
    try:
        return _redis(b"PING\r\n").startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")


def _free_port() -> int:
    for _ in range(50):
        port = random.randint(18100, 18999)
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18100-18999")


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.log = log.open("wb")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        bind = f"127.0.0.1:{self.port}"
        command = [str(gunicorn), "config.wsgi:application", "--bind", bind, "--workers", "1", "--access-logfile", "-"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url(path), headers=headers or {})  # noqa: S310 (loopback)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback)
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def wait(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server on {self.port} exited with {self.process.returncode}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server on {self.port} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Cluster:
    def __init__(self, env: dict[str, str], a: Server, b: Server) -> None:
        self.env, self.a, self.b = env, a, b

    def shell(self, code: str) -> str:
        """Run Python in `manage.py shell` with the servers' settings (as an operator or another server would)."""
        return manage_shell(self.env, code)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("two_tier")
    assert _redis(b"SELECT 9\r\nFLUSHDB\r\n").startswith(b"+OK")  # db 9 is this test's own
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        REDIS_URL=REDIS_URL,
        API_ANON_RATE_PER_MINUTE="100000",
        PAGE_WORK_RATE_PER_MINUTE="100000",
        PROMETHEUS_MULTIPROC_DIR=str(folder / "metrics"),
    )
    for name in ("DEBUG_TOOLBAR", "TEST_DATABASE_NAME", "REDIS_URL_FILE", "DATABASE_URL_FILE"):
        env.pop(name, None)
    (folder / "metrics").mkdir()
    # Production settings serve hashed static file names: the manifest must exist, as on a deployed server.
    for command in (["migrate", "--noinput"], ["load_snapshot"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr[-3000:]
    servers = [Server(env, folder / "a.log"), Server(env, folder / "b.log")]
    try:
        for server in servers:
            server.wait()
        yield Cluster(env, *servers)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(folder / "metrics", ignore_errors=True)


def _until(check: Callable[[], bool], seconds: float = ABOUT_A_SECOND) -> float:
    """Seconds until `check()` holds; fails if it does not within `seconds`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def _rename(cluster: Cluster, title: str, bump: str | None) -> None:
    code = f"from roles.models import Role; Role.objects.filter(slug={ROLE!r}).update(title={title!r})"
    if bump:
        code += f"; from sources import versions; versions.bump({bump!r})"
    cluster.shell(code)


def _answers(server: Server, path: str, headers: dict[str, str], status: int) -> bool:
    return server.get(path, headers)[0] == status


def _shows(server: Server, path: str, text: str) -> bool:
    status, body = server.get(path)
    return status == 200 and text.encode() in body


def test_a_data_or_platform_change_shows_on_every_server_within_a_second(cluster: Cluster):
    for server in (cluster.a, cluster.b):
        for path in (PAGE, PAGE, CARD, CARD):  # the page rendered, then from the shared page cache
            assert server.get(path)[0] == 200
    # A change without a version bump is not seen: a page comes from the shared page cache, keyed on the versions,
    # and the card reads its role from each process's role index (roles.card.role_index), kept until the data
    # version changes. Every edit of a role (the admin, roles.services) bumps it.
    _rename(cluster, "Nurses Quietly Renamed", bump=None)
    time.sleep(1.2)
    assert not _shows(cluster.a, PAGE, "Nurses Quietly Renamed")
    assert not _shows(cluster.b, PAGE, "Nurses Quietly Renamed")
    assert not _shows(cluster.b, CARD, "Nurses Quietly Renamed")
    # An edit bumps the data version: both servers show it, on the page and the card, within about a second.
    _rename(cluster, "Nurses Renamed Once", bump="data")
    for server in (cluster.a, cluster.b):
        for path in (PAGE, CARD):
            _until(partial(_shows, server, path, "Nurses Renamed Once"))
    # A posting's change bumps the platform version: the pages and cards that show platform counts follow. (A role
    # is data: its title changes only with a data bump, so the marker here is the count of open postings.)
    before = _open_postings(cluster.a, PAGE)
    expected = publish_expired_posting(cluster.env, ROLE)
    assert expected == before + 1
    for server in (cluster.a, cluster.b):
        for path in (PAGE, CARD):
            _until(partial(_shows_open_postings, server, path, expected))


def _shows_open_postings(server: Server, path: str, count: int) -> bool:
    return _open_postings(server, path) == count


def _open_postings(server: Server, path: str) -> int:
    """The open postings a role page or card shows for the occupation (rolescope's own count)."""
    status, body = server.get(path)
    assert status == 200
    if path.startswith("/api/"):
        return int(json.loads(body)["platform"]["active_postings"])
    found = re.search(rb'data-count="postings">(\d+)<', body)
    assert found is not None, "the page shows no count of open postings"
    return int(found.group(1))


def _key(cluster: Cluster, name: str, limit: int) -> str:
    return cluster.shell(
        "from django.contrib.auth.models import User; from accounts.services import api_key_create; "
        f"user, _ = User.objects.get_or_create(username={name!r}); "
        f"print(api_key_create(user=user, name={name!r}, rate_limit_per_minute={limit})[1])"
    ).splitlines()[-1]


def _whole_window(needed: float) -> None:
    """Wait, if need be, so that the next `needed` seconds fall in one rate-limit minute."""
    into = time.time() % 60
    if into > 60 - needed:
        time.sleep(60 - into + 0.2)


def test_a_keys_limit_holds_across_servers(cluster: Cluster):
    plain = _key(cluster, "limited", limit=6)
    headers = {"X-API-Key": plain}
    _whole_window(10)
    answers = [(server.get(WAGES, headers)[0]) for server in (cluster.a, cluster.b) * 3]
    assert answers == [200] * 6  # three on each server: six of the key's six a minute
    assert cluster.a.get(WAGES, headers)[0] == 429
    status, body = cluster.b.get(WAGES, headers)
    assert status == 429 and json.loads(body)["status"] == 429


def test_a_revoked_key_stops_working_on_every_server_within_a_second(cluster: Cluster):
    plain = _key(cluster, "revoked", limit=1000)
    headers = {"Authorization": f"Bearer {plain}"}
    for server in (cluster.a, cluster.b):
        assert server.get(WAGES, headers)[0] == 200
        assert server.get(CARD, headers)[0] == 200  # the key is now in each process's memory
    cluster.shell(
        "from accounts.models import ApiKey; from accounts.services import api_key_revoke; "
        f"api_key_revoke(key=ApiKey.objects.get(name='revoked', prefix={plain[:11]!r}))"
    )
    for server in (cluster.a, cluster.b):
        _until(partial(_answers, server, WAGES, headers, 401))
        assert server.get(CARD, headers)[0] == 401


def test_a_member_who_leaves_loses_the_organisations_keys_on_every_server(cluster: Cluster):
    plain = cluster.shell(
        "from django.contrib.auth.models import User; from accounts.services import api_key_create, "
        "organisation_create; user = User.objects.create_user('leaver'); "
        "organisation = organisation_create(user=user, name='Leavers Ltd'); "
        "User.objects.create_user('stayer'); from accounts.services import organisation_join; "
        "organisation_join(user=User.objects.get(username='stayer'), organisation=organisation, admin=True); "
        "print(api_key_create(user=user, name='leaving', employer=organisation)[1])"
    ).splitlines()[-1]
    headers = {"X-API-Key": plain}
    for server in (cluster.a, cluster.b):
        assert server.get(WAGES, headers)[0] == 200
    cluster.shell(
        "from django.contrib.auth.models import User; from accounts.models import Organisation; "
        "from accounts.services import member_remove; user = User.objects.get(username='leaver'); "
        "member_remove(organisation=Organisation.objects.get(name='Leavers Ltd'), member=user, acting_user=user)"
    )
    for server in (cluster.a, cluster.b):
        _until(partial(_answers, server, WAGES, headers, 401))
