"""Benchmark a job-board refresh (issue 21 target: a 5,000-posting board from a recorded answer in <= 30 s).

Writes a recorded Greenhouse answer of `--postings` jobs (the Job Board API's shape: titles of the site's roles,
US places, some remote, pay ranges hourly and yearly, a paragraph of HTML each) to bench/out/, then times three
refreshes of one board through `board_refresh` in a scratch SQLite database (bench/out/, which git ignores; or
`--database URL` for a scratch PostgreSQL database): the first (every posting new), the same answer again (every
posting unchanged: read again, not rewritten) and the answer without a tenth of its jobs (those closed). It prints
wall-clock and CPU seconds: on a machine shared with other work the two differ by the time spent waiting for a core.

    .venv/bin/python bench/board_refresh.py [--postings 5000] [--database postgres://.../rolescope_bench_boards]
        [--webhook]

With `--webhook` the organisation has a webhook endpoint: each refresh also writes an event (a delivery and its task
for the worker; nothing is sent) for every posting published, updated or closed.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PLACES = ["Austin, TX", "Denver, CO", "Seattle, WA", "Chicago, IL", "Boston, MA", "New York, NY", "Atlanta, GA",
          "Phoenix, AZ", "Portland, OR", "Miami, FL", "Columbus, OH", "Nashville, TN", "Remote - US"]  # fmt: skip


def answer(count: int, titles: list[str]) -> dict[str, object]:
    """A Greenhouse Job Board API answer with `count` jobs (seeded: the same every run)."""
    rng = random.Random(21)  # noqa: S311 (generated test data, not secrets)
    jobs = []
    for number in range(count):
        hourly = rng.random() < 0.3
        low = rng.randint(18, 45) * 100 if hourly else rng.randint(45, 160) * 100_000
        jobs.append(
            {
                "id": 7_000_000 + number,
                "internal_job_id": 6_000_000 + number,
                "title": rng.choice(titles),
                "location": {"name": rng.choice(PLACES)},
                "absolute_url": f"https://boards.greenhouse.io/benchco/jobs/{7_000_000 + number}",
                "updated_at": "2026-12-01T10:00:00-05:00",
                "first_published": "2026-11-15T09:00:00-05:00",
                "metadata": [{"id": 1, "name": "Employment Type", "value": "Full-time", "value_type": "single_select"}],
                "content": "&lt;p&gt;" + " ".join(rng.choice(titles) for _ in range(40)) + "&lt;/p&gt;",
                "pay_input_ranges": [
                    {
                        "min_cents": low,
                        "max_cents": int(low * 1.25),
                        "currency_type": "USD",
                        "title": "Hourly pay" if hourly else "Base salary",
                        "blurb": "",
                    }
                ],
            }
        )
    return {"jobs": jobs, "meta": {"total": count}}


def child(count: int, webhook: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from geo.resolve import resolve
    from jobs.models import Posting
    from jobs.services.boards import board_configure, board_refresh
    from roles.models import Role
    from roles.search import suggest_role

    call_command("migrate", verbosity=0)
    call_command("load_snapshot", "--if-needed", verbosity=0)
    titles = list(Role.objects.order_by("slug").values_list("title", flat=True))
    recorded = answer(count, titles)
    path = OUT / f"greenhouse_{count}.json"
    path.write_text(json.dumps(recorded))
    board = board_configure(employer="Bench Co", kind="greenhouse", token="benchco")  # noqa: S106 (a board's name)
    Posting.objects.filter(board=board).delete()
    from jobs.models import WebhookDelivery, WebhookEndpoint
    from jobs.services.webhooks import endpoint_create

    WebhookEndpoint.objects.filter(organisation=board.organisation).delete()
    if webhook:
        endpoint_create(organisation=board.organisation, url="https://hooks.bench.example/rolescope")
    suggest_role("Registered Nurse"), resolve("Austin, TX")  # what any running server has built already

    def timed(label: str, source: Path) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        report = board_refresh(board=board, path=source)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"  {label}: {took:.1f} s ({cpu:.1f} s of CPU; {report.read:,} read, {report.imported:,} live, "
            f"{report.closed:,} closed, {len(report.rejected):,} rejected; "
            f"{WebhookDelivery.objects.count():,} webhook deliveries written so far)",
            flush=True,
        )

    timed(f"first refresh, {count:,} new postings", path)
    timed("same answer again (every posting unchanged)", path)
    smaller = OUT / f"greenhouse_{count}_less.json"
    smaller.write_text(json.dumps({"jobs": recorded["jobs"][: count * 9 // 10]}))  # type: ignore[index]
    timed("a tenth left the board", smaller)
    Posting.objects.filter(board=board).delete()
    WebhookEndpoint.objects.filter(organisation=board.organisation).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=5_000)
    parser.add_argument("--database", help="a scratch database URL (default: a SQLite file under bench/out/)")
    parser.add_argument("--webhook", action="store_true", help="the organisation has a webhook endpoint")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.postings, args.webhook)
        return
    OUT.mkdir(exist_ok=True)
    url = args.database
    scratch = OUT / "boards.sqlite3"
    if not url:
        source = ROOT / "db.sqlite3"
        if source.exists() and source.stat().st_size > 1_000_000 and not scratch.exists():
            shutil.copy(source, scratch)  # a loaded database saves the snapshot load
        url = f"sqlite:///{scratch}"
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-only-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "DATABASE_URL": url}  # fmt: skip
    print(f"Job-board refresh, {args.postings:,} postings ({url.split(':')[0]}):", flush=True)
    command = [sys.executable, __file__, "--child", "--postings", str(args.postings)]
    command += ["--webhook"] if args.webhook else []
    subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
