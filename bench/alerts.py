"""Benchmark a daily job-alert run (issue 21 target: 10,000 saved searches against 1,000 new postings in <= 60 s).

In a scratch SQLite database (bench/out/, which git ignores; or `--database URL` for a scratch PostgreSQL database)
it makes `--searches` people, each with one saved search as people write them on /jobs/ (a role and a place, words
and a place, words alone, a category with a place and a pay floor, remote work; seeded, so the same every run, and
many of them alike), and `--postings` postings published in the last day (titles of the site's roles, US places,
some remote, pay ranges hourly and yearly). Then it times one `alerts_send(frequency="daily")`, emails kept in
memory (Django's locmem backend: what is timed is matching, recording and building the emails, not an SMTP
server), and prints wall-clock and CPU seconds with the machine's load average: on a machine shared with other
work the two differ by the time spent waiting for a core. A second run, with nothing new, shows what a quiet day
costs.

    .venv/bin/python bench/alerts.py [--searches 10000] [--postings 1000] [--database postgres://.../bench_alerts]
"""

import argparse
import cProfile
import os
import pstats
import random
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PLACES = ["Austin, TX", "Denver, CO", "Seattle, WA", "Chicago, IL", "Boston, MA", "New York, NY", "Atlanta, GA",
          "Phoenix, AZ", "Portland, OR", "Miami, FL", "Columbus, OH", "Nashville, TN"]  # fmt: skip
WORDS = ["engineer", "nurse", "manager", "analyst", "developer", "teacher", "technician", "sales", "data",
         "accountant", "designer", "driver", "assistant", "specialist", "senior"]  # fmt: skip


def queries(count: int, roles: list[str], categories: list[str]) -> list[str]:
    """`count` /jobs/ query strings as people would save them (seeded)."""
    from urllib.parse import urlencode

    rng = random.Random(21)  # noqa: S311 (generated test data, not secrets)
    made = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.4:
            params = {"role": rng.choice(roles), "location": rng.choice(PLACES)}
        elif kind < 0.6:
            params = {"q": rng.choice(WORDS), "location": rng.choice(PLACES)}
        elif kind < 0.75:
            params = {"q": " ".join(rng.sample(WORDS, rng.randint(1, 2)))}
        elif kind < 0.85:
            params = {"role": rng.choice(roles)}
        elif kind < 0.95:
            params = {"category": rng.choice(categories), "location": rng.choice(PLACES),
                      "min_salary": str(rng.randint(4, 15) * 10_000)}  # fmt: skip
        else:
            params = {"q": rng.choice(WORDS), "remote": "1"}
        made.append(urlencode(params))
    return made


def child(searches: int, postings: int, profile: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core import mail
    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone

    from accounts.models import Organisation
    from geo.resolve import resolve
    from jobs.models import AlertDelivery, Posting, SavedSearch
    from jobs.search import saved_query
    from jobs.services.alerts import alerts_send
    from roles.models import Category, Role

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    call_command("load_snapshot", "--if-needed", verbosity=0)
    # A clean slate: what an earlier run of this benchmark left.
    User.objects.filter(username__startswith="bench-alerts-").delete()
    Organisation.objects.filter(slug="bench-alerts-co").delete()
    now = timezone.now()
    rng = random.Random(7)  # noqa: S311
    roles = list(Role.objects.order_by("slug")[:400])
    categories = list(Category.objects.values_list("slug", flat=True))
    places = {label: resolve(label).place for label in PLACES}

    employer = Organisation.objects.create(name="Bench Alerts Co", slug="bench-alerts-co")
    made = []
    for number in range(postings):
        role = rng.choice(roles)
        remote = rng.random() < 0.1
        place = None if remote else places[rng.choice(PLACES)]
        hourly = rng.random() < 0.3
        low = rng.randint(18, 45) if hourly else rng.randint(45, 160) * 1_000
        posting = Posting(
            employer=employer, title=f"{rng.choice(['', 'Senior ', 'Lead '])}{role.title}", role=role,
            location_text=place.query if place else "", location_label=place.label if place else "",
            area=place.area if place else None, arrangement="remote" if remote else "onsite",
            salary_min=low, salary_max=int(low * 1.25), salary_period="hour" if hourly else "year",
            annual_min=low * (2080 if hourly else 1), annual_max=int(low * 1.25) * (2080 if hourly else 1),
            description=" ".join(rng.sample(WORDS, 5)), status="published",
            posted_at=now - timedelta(minutes=rng.randint(1, 1400)), expires_at=now + timedelta(days=30),
            external_id=f"bench-alerts-{number}",
        )  # fmt: skip
        posting.search_text = posting.search_document()
        made.append(posting)
    Posting.objects.bulk_create(made, batch_size=500)
    # Written through the day, as a feed or the site would have: each went live when it was posted.
    Posting.objects.filter(employer=employer).update(created_at=F("posted_at"))

    role_slugs = [role.slug for role in roles]
    users = User.objects.bulk_create(
        [User(username=f"bench-alerts-{n}", email=f"bench-alerts-{n}@example.org") for n in range(searches)],
        batch_size=1000,
    )
    if users[0].pk is None:  # SQLite before 3.35 gives no ids back
        users = list(User.objects.filter(username__startswith="bench-alerts-").order_by("pk"))
    yesterday = now - timedelta(days=1)
    kept = [
        saved_query(dict(pair.split("=", 1) for pair in q.split("&")))
        for q in queries(searches, role_slugs, categories)
    ]
    SavedSearch.objects.bulk_create(
        [SavedSearch(owner=user, name="bench", query=query, created_at=yesterday, checked_until=yesterday)
         for user, query in zip(users, kept, strict=True)],
        batch_size=1000,
    )  # fmt: skip
    resolve("Austin, TX")  # what any running worker has built already

    def timed(label: str) -> None:
        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        report = alerts_send(frequency="daily")
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"  {label}: {took:.1f} s ({cpu:.1f} s of CPU); {report}", flush=True)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    print(f"  {len(set(kept)):,} distinct searches among {searches:,}; load average {os.getloadavg()}", flush=True)
    timed(f"{searches:,} saved searches, {postings:,} new postings")
    print(f"  {len(mail.outbox):,} emails, {AlertDelivery.objects.count():,} postings mailed", flush=True)
    timed("the same run again, nothing new")
    print(f"  load average {os.getloadavg()}", flush=True)
    User.objects.filter(username__startswith="bench-alerts-").delete()
    employer.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--searches", type=int, default=10_000)
    parser.add_argument("--postings", type=int, default=1_000)
    parser.add_argument("--database", help="a scratch database URL (default: a SQLite file under bench/out/)")
    parser.add_argument("--profile", action="store_true", help="print where the first run spends its time")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.searches, args.postings, args.profile)
        return
    OUT.mkdir(exist_ok=True)
    url = args.database
    scratch = OUT / "alerts.sqlite3"
    if not url:
        source = ROOT / "db.sqlite3"
        if source.exists() and source.stat().st_size > 1_000_000 and not scratch.exists():
            shutil.copy(source, scratch)  # a loaded database saves the snapshot load
        url = f"sqlite:///{scratch}"
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-only-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "DATABASE_URL": url}  # fmt: skip
    print(f"Job alerts, daily run ({url.split(':')[0]}):", flush=True)
    command = [sys.executable, __file__, "--child", "--searches", str(args.searches), "--postings", str(args.postings)]
    command += ["--profile"] if args.profile else []
    subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
