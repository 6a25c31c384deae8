"""Load benchmark of the API with wrk against gunicorn (2 workers) on loopback, production settings.

Targets (issue 4): GET /api/v1/wages >= 1,000 requests/s with p99 <= 50 ms; GET /api/v1/roles/{slug}?location=
>= 500 requests/s (server-side cache allowed; no 304 tricks: wrk sends no If-None-Match).
Needs Debian's wrk (apt-get install wrk). Uses REDIS_URL when set (shared rate-limit counters, as in production).

    .venv/bin/python bench/api_load.py [--seconds 15] [--connections 32]
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.serve import gunicorn

LUA = """
wrk.headers["X-API-Key"] = "{key}"
local paths = {{{paths}}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""

SCENARIOS = {
    "GET /api/v1/wages": [
        "/api/v1/wages?occupation=15-1252&area=0041940",
        "/api/v1/wages?occupation=29-1141&area=0012420",
        "/api/v1/wages?occupation=15-1254&area=0000000",
        "/api/v1/wages?occupation=41-2011&area=0600000",
    ],
    "GET /api/v1/roles/{slug}?location=": [
        "/api/v1/roles/back-end-developer?location=Austin%2C%20TX",
        "/api/v1/roles/registered-nurses?location=94086",
        "/api/v1/roles/software-developers?location=Seattle%2C%20WA",
        "/api/v1/roles/accountants-and-auditors?location=Chicago%2C%20IL",
    ],
}


def run_wrk(base: str, key: str, paths: list[str], seconds: int, connections: int) -> tuple[float, str, str, int]:
    script = LUA.format(key=key, paths=", ".join(f'"{p}"' for p in paths))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", handle.name, base],
        capture_output=True,
        text=True,
        check=True,
    )
    output = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)$", output, re.MULTILINE).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)$", output, re.MULTILINE).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, p50, p99, int(errors.group(1)) if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    with gunicorn(workers=2) as (base, key):
        for label, paths in SCENARIOS.items():
            run_wrk(base, key, paths, 3, args.connections)  # warm caches and connections
            rate, p50, p99, errors = run_wrk(base, key, paths, args.seconds, args.connections)
            print(
                f"{label:<38} {rate:9.0f} requests/s   p50 {p50:>8}   p99 {p99:>8}   non-2xx {errors}"
                f"   ({args.connections} connections, {args.seconds}s, 2 gunicorn workers)"
            )


if __name__ == "__main__":
    main()
