"""Run a migration scenario in a scratch database of the same kind as the test database (SQLite file or PostgreSQL
database): migrate to `before`, write rows with the historical models, migrate to the newest state, and return
what `after` reads with the newest ones. Runs in a subprocess so the test database is never touched.

    python -m lib.testing.migrations MODULE DATABASE_URL     (MODULE defines BEFORE, seed(apps), check(apps))
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_scenario(module: str, database_url: str) -> Any:
    """What the scenario module's `check` returned, after the migration; raises with the child's output if not."""
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true")
    done = subprocess.run(
        [sys.executable, "-m", "lib.testing.migrations", module, database_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"migration scenario {module} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _main(module_name: str) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    scenario = importlib.import_module(module_name)
    executor = MigrationExecutor(connection)
    executor.migrate(scenario.BEFORE)
    scenario.seed(executor.loader.project_state(scenario.BEFORE).apps)
    executor = MigrationExecutor(connection)  # a fresh graph: the one above remembers the state it migrated to
    newest = executor.loader.graph.leaf_nodes()
    executor.migrate(newest)
    result = scenario.check(executor.loader.project_state(newest).apps)
    print(json.dumps(result))


if __name__ == "__main__":
    _main(sys.argv[1])
