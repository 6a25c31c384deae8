"""Audit the pinned Python and npm dependencies against the public advisory databases (`make audit`).

pip-audit asks PyPI's JSON API (or OSV) about every pinned package, and `npm audit` asks the npm registry: both need
network access to those services. Where they cannot be reached (as on the development and CI machines, which reach
only the package indexes), this says so plainly and exits 2: no result is not a clean result.

    .venv/bin/python tools/audit.py
"""

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = "pip-audit==2.10.0"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        venv.create(folder, with_pip=True)
        python = Path(folder) / "bin" / "python"
        subprocess.run([python, "-m", "pip", "install", "-q", PIP_AUDIT], check=True)
        audit = subprocess.run(
            [python, "-m", "pip_audit", "-r", ROOT / "requirements.txt", "--progress-spinner", "off"],
            capture_output=True,
            text=True,
        )
    print(audit.stdout, audit.stderr, sep="\n")
    unaudited = audit.stdout.count("could not be audited") + audit.stderr.count("could not be audited")
    if unaudited:
        print(
            f"audit: {unaudited} dependencies could not be audited: the advisory service (PyPI's JSON API or OSV) is "
            "not reachable from this machine. Run `make audit` where it is; this is not a clean result."
        )
        return 2
    npm = subprocess.run(["npm", "audit", "--omit=dev"], cwd=ROOT, capture_output=True, text=True)
    print(npm.stdout, npm.stderr, sep="\n")
    if npm.returncode not in (0, 1) or "ENOTFOUND" in npm.stderr or "audit endpoint" in npm.stderr:
        print("audit: npm's advisory endpoint is not reachable from this machine; the npm audit did not run.")
        return 2
    return audit.returncode or npm.returncode


if __name__ == "__main__":
    sys.exit(main())
