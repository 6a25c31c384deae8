"""Schemathesis against the live app: every response must match the OpenAPI schema, and no 500s.

DEBUG=true .venv/bin/python tools/api_fuzz.py [--max-examples 30]
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.serve import ROOT, gunicorn, manage, production_env, scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=120)
    args = parser.parse_args()
    # Writes with an organisation's key: the run creates and changes postings, so it uses a scratch database.
    with scratch_database() as database_url, gunicorn(workers=2, database_url=database_url) as (base, key):
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            "--config-file",
            str(ROOT / "tools" / "schemathesis.toml"),
            "run",
            f"{base}/api/v1/openapi.json",
            "--max-examples",
            str(args.max_examples),
            "--header",
            f"X-API-Key: {key}",
            # One worker: with two, hypothesis's lambda-source parsing (ast.parse from two threads) can fail inside
            # schemathesis on Python 3.11 ("AST constructor recursion depth mismatch"), a crash of the tool, not of
            # the API.
            "--workers",
            "1",
        ]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "tools.fuzz_hooks", "PYTHONPATH": str(ROOT)}
        code = subprocess.run(command, cwd=ROOT, env=env).returncode
        written = manage(
            {**production_env(0), "DATABASE_URL": database_url},
            "shell",
            "-c",
            "from jobs.models import Posting; print(Posting.objects.filter(employer__slug='load-tests').count())",
        ).splitlines()[-1]
        print(f"api-fuzz: postings the fuzzer wrote with the organisation's key: {written}")
        return code


if __name__ == "__main__":
    sys.exit(main())
