"""Schemathesis against the live app: every response must match the OpenAPI schema, and no 500s.

DEBUG=true .venv/bin/python tools/api_fuzz.py [--max-examples 30]
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.serve import ROOT, gunicorn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=30)
    args = parser.parse_args()
    with gunicorn(workers=2) as (base, key):
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
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
        return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
