"""`make faults`: three app servers behind nginx on the local PostgreSQL and Redis, under steady load, through an app
server killed with SIGKILL, a Redis restart and a PostgreSQL restart; then every acknowledged write is looked for.

Traffic goes only to 127.0.0.1; the run is bounded (about three minutes) and stops everything it started. It restarts
the machine's PostgreSQL and Redis servers, so run it where nothing else needs them at that moment (CI, a laptop).

    .venv/bin/python tools/faults.py            (make faults)
    .venv/bin/python tools/faults.py --app-only (only the app server's kill: PostgreSQL and Redis are left alone,
                                                 for a machine others are using)

FAULTS_PORT (8100: nginx, the app servers on the next three), FAULTS_DATABASE (rolescope_faults) and FAULTS_REDIS_DB
(4) place the run elsewhere.

The load: role pages with places, API reads with keys, postings created through the API with an Idempotency-Key
(retried with the same key until answered), candidates switching open to work through the site (signed in, with
CSRF). The anonymous role pages go through nginx's page cache (deploy/nginx.conf.template), which serves the last
good page while no app server can answer it; the summary counts the page answers by cache status. Recovery is the
time from a restart (of the killed app server, 5 s after the kill; of Redis; of PostgreSQL) until every app server
answers /readyz (database, migrations, data, cache). While a server is down nginx sends its requests to the others;
while the database restarts, requests get 503 with Retry-After (a page nginx has kept is served instead). Goals:
no acknowledged write lost, no 5xx once a fault has recovered, recovery within 15 s, at least 5,000 requests (the
load goes on until there are) and 200 acknowledged writes. The last line reads
`faults: N requests, W writes acknowledged, L acknowledged writes lost, E 5xx after recovery, R s longest recovery`.
"""

import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.cluster import ROOT, AppServer, cluster, production_env

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
# Where the run lives; the defaults suit CI, the variables let a run share a machine with other work.
DATABASE = os.environ.get("FAULTS_DATABASE", "rolescope_faults")
BASE_DATABASE = f"{DATABASE}_base"  # migrated and loaded once, copied for each run
REDIS_DB = os.environ.get("FAULTS_REDIS_DB", "4")
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
NGINX_PORT = int(os.environ.get("FAULTS_PORT", "8100"))  # nginx; the app servers on the next three ports
PORTS = [NGINX_PORT + 1, NGINX_PORT + 2, NGINX_PORT + 3]
FRONT = f"http://127.0.0.1:{NGINX_PORT}"
LOGS = ROOT / "test-artifacts" / "faults"
THREADS = int(os.environ.get("FAULTS_THREADS", "12"))
RATE = float(os.environ.get("FAULTS_RATE", "40"))  # requests a second, all threads together
STEADY = float(os.environ.get("FAULTS_STEADY_SECONDS", "25"))  # before the first fault, between faults, at the end
RESTART_AFTER = 5.0  # seconds the killed app server stays down before it is started again
RECOVERY_GOAL = 15.0
MINIMUM_REQUESTS = 5000
MINIMUM_WRITES = 200

PAGES = [
    ("registered-nurses", "Seattle, WA"),
    ("software-developers", "Austin, TX"),
    ("electricians", "Bozeman MT"),
    ("actors", "Los Angeles, CA"),
    ("accountants-and-auditors", "Chicago, IL"),
    ("back-end-developer", "94086"),
    ("cashiers", "Livingston, MT"),
    ("web-developers", "Ithaca NY"),
]
READS = [
    "/api/v1/wages?occupation=29-1141&location=Seattle%2C%20WA",
    "/api/v1/wages?occupation=15-1252&location=Bemidji%20MN",
    "/api/v1/roles/registered-nurses?location=Austin%2C%20TX",
    "/api/v1/compare?roles=software-developers,actors&locations=Austin%2C%20TX;Los%20Angeles%2C%20CA",
    "/api/v1/jobs?location=Austin%2C%20TX",
    "/api/v1/releases",
]
CANDIDATES = 8
PASSWORD = "a long fault-injection passphrase"  # noqa: S105 (throwaway accounts in a throwaway database)


@dataclass
class Sample:
    started: float
    finished: float
    kind: str
    status: int  # 0: no answer (connection refused, reset, timeout)
    cache: str = ""  # nginx's X-Cache-Status (pages only: HIT, MISS, STALE, UPDATING, EXPIRED, BYPASS)


@dataclass
class Ledger:
    """Everything the load did and was told, shared by the load threads."""

    samples: list[Sample] = field(default_factory=list)
    postings: dict[str, int] = field(default_factory=dict)  # idempotency key -> posting id, once acknowledged
    unanswered_postings: set[str] = field(default_factory=set)  # keys never acknowledged (the run ended first)
    # candidate -> [(value sent, answer)]: "ack" (302 to the profile), "refused" (a 4xx: not written) or "unknown"
    # (no answer or a 5xx: the write may have landed, even later than the next one)
    toggles: dict[str, list[tuple[bool, str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, started: float, status: int, cache: str = "") -> None:
        with self.lock:
            self.samples.append(Sample(started, time.monotonic(), kind, status, cache))


def shell(env: dict[str, str], code: str) -> str:
    python = env["PYTHON"]
    done = subprocess.run(
        [python, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def fresh_database(env: dict[str, str]) -> None:
    """A loaded copy of the data for this run (the base is migrated and loaded once, then copied: seconds)."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BASE_DATABASE]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{BASE_DATABASE}"')
    base_env = dict(env, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{BASE_DATABASE}")
    subprocess.run([base_env["PYTHON"], "manage.py", "prepare"], cwd=ROOT, env=base_env, check=True)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}" TEMPLATE "{BASE_DATABASE}"')
    subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], check=True, capture_output=True)


def race_to_prepare(env: dict[str, str]) -> str:
    """Three servers preparing an empty database at once: one migrates, the others wait and find it done."""
    name = f"{DATABASE}_race"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    race_env = dict(env, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}")
    started = time.monotonic()
    runs = [
        subprocess.Popen(
            [env["PYTHON"], "manage.py", "prepare", "--no-data"],
            cwd=ROOT,
            env=race_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    failed = sum(run.returncode != 0 for run in runs)
    waited = sum("waited" in output for output in outputs)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if failed:
        raise SystemExit("prepare race: " + " | ".join(outputs))
    took = time.monotonic() - started
    return f"prepare: 3 servers prepared an empty database together in {took:.1f} s: 0 failed, {waited} waited"


SETUP = """
import json
from django.contrib.auth.models import User
from accounts.models import Profile
from accounts.services import api_key_create, organisation_create
from accounts.models import Organisation
user = User.objects.create_user("faults", "faults@example.org", "{password}")
organisation = organisation_create(user=user, name="Fault Injection")
writer = api_key_create(user=user, name="writes", employer=organisation, rate_limit_per_minute=1_000_000)[1]
reader = api_key_create(user=user, name="reads", employer=organisation, rate_limit_per_minute=1_000_000)[1]
limited = api_key_create(user=user, name="limited", employer=organisation, rate_limit_per_minute=30)[1]
for number in range({candidates}):
    candidate = User.objects.create_user(f"candidate{{number}}", f"candidate{{number}}@example.org", "{password}")
    Profile.objects.create(user=candidate, kind="candidate")
print(json.dumps({{"writer": writer, "reader": reader, "limited": limited}}))
"""


class PlainHttpSession(requests.Session):
    """Production settings mark the session and CSRF cookies Secure, and a client sends those only over HTTPS. Here
    the TLS terminator that sits in front of nginx in a deployment is missing, so the client plays its part: it
    sends the cookies it was given over the loopback's plain HTTP."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def sign_in(session: requests.Session, base: str, username: str) -> None:
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 302, f"sign-in of {username}: {answer.status_code}"


class Load:
    def __init__(self, keys: dict[str, str], ledger: Ledger, stop: threading.Event) -> None:
        self.keys, self.ledger, self.stop = keys, ledger, stop
        self.candidates: dict[str, requests.Session] = {}
        # A person submits one profile form at a time: two threads never change the same candidate at once, or
        # the server could commit their changes in either order and the ledger could not say which one is last.
        self.candidate_locks: dict[str, threading.Lock] = {}

    def prepare_candidates(self) -> None:
        for number in range(CANDIDATES):
            session = PlainHttpSession()
            sign_in(session, FRONT, f"candidate{number}")
            self.candidates[f"candidate{number}"] = session
            self.candidate_locks[f"candidate{number}"] = threading.Lock()
            self.ledger.toggles[f"candidate{number}"] = []

    def timed(self, kind: str, call) -> requests.Response | None:  # type: ignore[no-untyped-def]
        started = time.monotonic()
        try:
            answer = call()
        except requests.RequestException:
            self.ledger.add(kind, started, 0)
            self.pace(started)
            return None
        self.ledger.add(kind, started, answer.status_code, answer.headers.get("X-Cache-Status", ""))
        self.pace(started)
        return answer

    def pace(self, started: float) -> None:
        """Steady load, not a flood: each thread sends at most RATE / THREADS requests a second, so the machine
        (which also runs the servers, nginx, PostgreSQL and Redis) keeps room to restart what the faults stop."""
        rest = THREADS / RATE - (time.monotonic() - started)
        if rest > 0:
            self.stop.wait(rest)

    def page(self, session: requests.Session) -> None:
        slug, place = random.choice(PAGES)  # noqa: S311
        self.timed("page", lambda: session.get(f"{FRONT}/roles/{slug}/", params={"location": place}, timeout=15))

    def read(self, session: requests.Session) -> None:
        path = random.choice(READS)  # noqa: S311
        headers = {"X-API-Key": self.keys["reader"]}
        self.timed("read", lambda: session.get(f"{FRONT}{path}", headers=headers, timeout=15))

    def write(self, session: requests.Session) -> None:
        """A posting, retried with the same Idempotency-Key until the server answers (or the run ends)."""
        key = uuid.uuid4().hex
        body: dict[str, Any] = {
            "title": f"Fault-tolerant nurse {key[:8]}",
            "role": "registered-nurses",
            "location": random.choice(["Seattle, WA", "Austin, TX", "Bozeman MT", "Livingston, MT"]),  # noqa: S311
            "salary_min": 40,
            "salary_max": 55,
            "salary_period": "hour",
            "apply_url": "https://faults.example/apply",
            "publish": True,
        }
        headers = {"X-API-Key": self.keys["writer"], "Idempotency-Key": key}
        while not self.stop.is_set():
            answer = self.timed(
                "write", lambda: session.post(f"{FRONT}/api/v1/jobs", json=body, headers=headers, timeout=15)
            )
            if answer is not None and answer.status_code in (200, 201):
                with self.ledger.lock:
                    self.ledger.postings[key] = answer.json()["id"]
                return
            if answer is not None and 400 <= answer.status_code < 500 and answer.status_code != 409:
                raise SystemExit(f"a posting was refused: {answer.status_code} {answer.text[:300]}")
            time.sleep(0.2)
        with self.ledger.lock:
            self.ledger.unanswered_postings.add(key)

    def toggle(self) -> None:
        """A candidate switches open to work on the site (signed in; the session must survive a dead server)."""
        names = list(self.candidates)
        random.shuffle(names)
        for name in names:
            lock = self.candidate_locks[name]
            if lock.acquire(blocking=False):
                try:
                    self.toggle_candidate(name)
                finally:
                    lock.release()
                return

    def toggle_candidate(self, name: str) -> None:
        session = self.candidates[name]
        history = self.ledger.toggles[name]
        page = self.timed("toggle", lambda: session.get(f"{FRONT}/accounts/profile/", timeout=15))
        if page is None or page.status_code != 200:
            return
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit(f"{name} is no longer signed in: the profile page has no form")
        value = not (history[-1][0] if history else False)
        form = {"csrfmiddlewaretoken": token.group(1), "desired_roles": "Registered Nurses", "location": "Austin, TX"}
        if value:
            form["open_to_work"] = "on"
        answer = self.timed(
            "toggle",
            lambda: session.post(
                f"{FRONT}/accounts/profile/",
                data=form,
                headers={"Referer": f"{FRONT}/accounts/profile/"},
                timeout=15,
                allow_redirects=False,
            ),
        )
        if answer is None or answer.status_code >= 500:
            outcome = "unknown"
        elif answer.status_code == 302 and "/login" not in answer.headers.get("Location", ""):
            outcome = "ack"
        else:
            outcome = "refused"
        with self.ledger.lock:
            history.append((value, outcome))

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            roll = random.random()  # noqa: S311
            if roll < 0.45:
                self.page(session)
            elif roll < 0.75:
                self.read(session)
            elif roll < 0.90:
                self.write(session)
            else:
                self.toggle()


def healthy_everywhere(servers: list[AppServer]) -> bool:
    for server in servers:
        try:
            if requests.get(f"{server.url}/readyz", timeout=2).status_code != 200:
                return False
        except requests.RequestException:
            return False
    return True


def wait_for_recovery(servers: list[AppServer], started: float) -> float:
    """Seconds from the fault to every app server ready again (database, migrations, data, cache)."""
    while time.monotonic() - started < 120:
        if healthy_everywhere(servers):
            return time.monotonic() - started
        time.sleep(0.2)
    raise SystemExit("the cluster did not recover within 120 s")


def restart_redis() -> None:
    subprocess.run(["redis-cli", "shutdown", "nosave"], capture_output=True)
    time.sleep(1)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis" if Path("/var/lib/redis").is_dir() else "/tmp",  # noqa: S108
        ],
        check=True,
        capture_output=True,
    )
    for _ in range(50):
        if subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0:
            return
        time.sleep(0.1)


def restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )


def shared_state_checks(keys: dict[str, str], servers: list[AppServer], candidate: requests.Session) -> list[str]:
    """The rate limit and sessions are shared by the servers (Redis and the database); pages come from nginx's
    cache in front of them."""
    said = []
    refused = 0
    while time.time() % 60 > 45:  # the limit counts in fixed one-minute windows: keep the 45 calls in one
        time.sleep(0.5)
    for _ in range(45):
        answer = requests.get(f"{FRONT}/api/v1/releases", headers={"X-API-Key": keys["limited"]}, timeout=10)
        refused += answer.status_code == 429
    said.append(f"rate limit of 30 a minute over 3 servers: 45 calls, {refused} refused (15 expected)")
    if refused != 15:
        raise SystemExit(said[-1] + ": the servers do not share the limit")
    place = f"{random.randint(10000, 99999)}"  # noqa: S311
    url = f"{FRONT}/roles/registered-nurses/?location={place}"
    answers = [requests.get(url, timeout=10) for _ in range(3)]
    seen = [(answer.status_code, answer.headers.get("X-Cache-Status")) for answer in answers]
    said.append(f"page cache in nginx: a new page asked three times was answered {seen}")
    if seen != [(200, "MISS"), (200, "HIT"), (200, "HIT")]:
        raise SystemExit(said[-1] + ": nginx does not cache anonymous pages")
    signed_in = [
        requests.get(f"{server.url}/accounts/profile/", cookies=candidate.cookies, timeout=10, allow_redirects=False)
        for server in servers
    ]
    codes = [answer.status_code for answer in signed_in]
    said.append(f"a session from before the faults works on every server: {codes}")
    if any(answer.status_code != 200 for answer in signed_in):
        raise SystemExit(said[-1])
    return said


def main(app_only: bool = False) -> int:
    random.seed(12)
    LOGS.mkdir(parents=True, exist_ok=True)
    env = production_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=REDIS_URL,
        GUNICORN_ACCESS_LOG="off",
        PAGE_WORK_RATE_PER_MINUTE="1000000",
        API_ANON_RATE_PER_MINUTE="1000000",
    )
    print(race_to_prepare(env), flush=True)
    fresh_database(env)
    keys = __import__("json").loads(shell(env, SETUP.format(password=PASSWORD, candidates=CANDIDATES)).splitlines()[-1])
    ledger = Ledger()
    stop = threading.Event()
    recoveries: list[tuple[str, float, float, float]] = []  # (fault, started, recovered at, seconds)
    with cluster(env, PORTS, NGINX_PORT, LOGS) as (servers, _proxy):
        load = Load(keys, ledger, stop)
        load.prepare_candidates()
        threads = [threading.Thread(target=load.run, daemon=True) for _ in range(THREADS)]
        run_started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(STEADY)

        victim = servers[1]
        killed = time.monotonic()
        victim.kill()
        time.sleep(RESTART_AFTER)
        started = time.monotonic()  # recovery counts from the restart, as for Redis and PostgreSQL
        victim.start()
        recovered, seconds = _recovered(servers, started)
        recoveries.append(("app server killed, restarted 5 s later", killed, recovered, seconds))
        time.sleep(STEADY)

        if not app_only:
            started = time.monotonic()
            restart_redis()
            recoveries.append(("Redis restarted", started, *_recovered(servers, started)))
            time.sleep(STEADY)

            started = time.monotonic()
            restart_postgresql()
            recoveries.append(("PostgreSQL restarted", started, *_recovered(servers, started)))
            time.sleep(STEADY)
        # Steady load goes on until the run has its minimum of requests (a slow machine needs longer), or 3 minutes.
        until = time.monotonic() + 180
        while len(ledger.samples) < MINIMUM_REQUESTS + 500 and time.monotonic() < until:
            time.sleep(1)

        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        elapsed = time.monotonic() - run_started
        checks = shared_state_checks(keys, servers, load.candidates["candidate0"])

    lost, duplicates, toggles_lost = verify(ledger)
    samples = ledger.samples
    during = after = 0
    for sample in samples:
        failed = sample.status == 0 or sample.status >= 500
        if not failed:
            continue
        # In a fault: the request was in flight at some moment between the fault and the recovery.
        in_fault = any(
            sample.started <= recovered and sample.finished >= started for _, started, recovered, _ in recoveries
        )
        if in_fault:
            during += 1
        else:
            after += 1
    kinds = Counter(sample.kind for sample in samples)
    statuses = Counter(sample.status for sample in samples)
    acknowledged = len(ledger.postings) + sum(
        outcome == "ack" for history in ledger.toggles.values() for _, outcome in history
    )
    longest = max(seconds for *_, seconds in recoveries)
    for fault, _, _, seconds in recoveries:
        print(f"{fault}: every server ready again {seconds:.1f} s after the restart", flush=True)
    for line in checks:
        print(line)
    print(f"load: {len(samples)} requests in {elapsed:.0f} s ({dict(kinds)}), answers {dict(sorted(statuses.items()))}")
    print(
        f"writes: {len(ledger.postings)} postings and {acknowledged - len(ledger.postings)} profile changes "
        f"acknowledged; {len(ledger.unanswered_postings)} postings never answered; {duplicates} postings duplicated; "
        f"{toggles_lost} profile changes lost"
    )
    print(f"5xx or no answer while a fault was in progress: {during}")
    pages = Counter(sample.cache or "-" for sample in samples if sample.kind == "page")
    print(f"role pages by nginx's cache status: {dict(pages.most_common())}")
    goals = lost + toggles_lost == 0 and duplicates == 0 and after == 0 and longest <= RECOVERY_GOAL
    goals = goals and len(samples) >= MINIMUM_REQUESTS and acknowledged >= MINIMUM_WRITES
    print(
        f"faults: {len(samples)} requests, {acknowledged} writes acknowledged, {lost + toggles_lost} acknowledged "
        f"writes lost, {after} 5xx after recovery, {longest:.1f} s longest recovery"
    )
    return 0 if goals else 1


def _recovered(servers: list[AppServer], started: float) -> tuple[float, float]:
    seconds = wait_for_recovery(servers, started)
    return time.monotonic(), seconds


def verify(ledger: Ledger) -> tuple[int, int, int]:
    """(acknowledged postings missing, postings written twice for one key, acknowledged profile states lost)."""
    url = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
    with psycopg.connect(url) as database:
        rows = database.execute("SELECT id, title FROM jobs_posting WHERE title LIKE 'Fault-tolerant nurse %'")
        written = rows.fetchall()
        ids = {posting_id for posting_id, _ in written}
        titles = Counter(title for _, title in written)
        states: dict[str, bool] = dict(
            database.execute(
                "SELECT u.username, c.open_to_work FROM jobs_candidate c JOIN auth_user u ON u.id = c.user_id"
            ).fetchall()
        )
    lost = sum(posting_id not in ids for posting_id in ledger.postings.values())
    duplicates = sum(count - 1 for count in titles.values() if count > 1)
    toggles_lost = 0
    for name, history in ledger.toggles.items():
        acknowledged = [index for index, (_, outcome) in enumerate(history) if outcome == "ack"]
        if not acknowledged:
            continue
        last = acknowledged[-1]
        # The state is the last acknowledged value, or one whose answer never came: a later one, or an earlier one
        # still in flight on a stalled server when the next change was acknowledged.
        possible = {history[last][0]}
        possible |= {value for value, outcome in history[last + 1 :] if outcome != "refused"}
        possible |= {value for value, outcome in history[:last] if outcome == "unknown"}
        if name not in states or states[name] not in possible:
            toggles_lost += 1
            print(f"{name}: open to work is {states.get(name)}, expected one of {possible}; changes sent: {history}")
    return lost, duplicates, toggles_lost


if __name__ == "__main__":
    sys.exit(main(app_only="--app-only" in sys.argv[1:]))
