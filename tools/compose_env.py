"""The environment compose gives each service of `compose.yaml`, rendered without a container runtime, so the process
tests run deploy/ with exactly what a fresh install's containers get.

Compose builds a container's environment in this order, each later one winning:
1. the image's `ENV` lines (for a service built from the Dockerfile: its last stage);
2. the service's `env_file:` files (`.env`, a copy of `.env.example` on a fresh install);
3. the service's `environment:` block, whose `${VAR}`, `${VAR:-default}` and `${VAR-default}` are filled from the
   shell's environment first, then the project's `.env` file (compose's interpolation).

    python tools/compose_env.py app              # KEY=VALUE lines, as the app containers see them
    python tools/compose_env.py app --env-file .env.example
"""

import os
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
_VARIABLE = re.compile(
    r"\$(?:\$|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def read_dotenv(path: Path) -> dict[str, str]:
    """A compose `.env` file: KEY=VALUE lines; blank lines and `#` comments skipped; a value may be quoted."""
    values: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        name, sep, value = line.partition("=")
        if not sep:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()  # an unquoted value's inline comment
        values[name.strip()] = value
    return values


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's `${VAR}` substitution: `:-` (default when unset or empty), `-` (default when unset), `:+`/`+`
    (the value when set), `$$` a literal dollar. `:?`/`?` raise when the variable is missing."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        value = variables.get(name)
        if op == ":-":
            return value if value else interpolate(arg, variables)
        if op == "-":
            return value if value is not None else interpolate(arg, variables)
        if op == ":+":
            return interpolate(arg, variables) if value else ""
        if op == "+":
            return interpolate(arg, variables) if value is not None else ""
        if op in (":?", "?") and (value is None or (op == ":?" and not value)):
            raise ValueError(f"{name}: {arg or 'required'}")
        return value or ""

    return _VARIABLE.sub(replace, text)


def dockerfile_env(path: Path) -> dict[str, str]:
    """The `ENV` values of a Dockerfile's last stage (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages = re.split(r"(?im)^FROM\s", text)
    values: dict[str, str] = {}
    for line in stages[-1].splitlines():
        words = line.strip().split(None, 1)
        if len(words) == 2 and words[0].upper() == "ENV":
            for item in shlex.split(words[1]):
                name, sep, value = item.partition("=")
                if sep:
                    values[name] = value
    return values


def _env_files(service: dict[str, Any]) -> list[tuple[str, bool]]:
    entries = service.get("env_file") or []
    if isinstance(entries, str):
        entries = [entries]
    files = []
    for entry in entries:
        if isinstance(entry, str):
            files.append((entry, True))
        else:
            files.append((entry["path"], bool(entry.get("required", True))))
    return files


def service_environment(
    name: str,
    *,
    project: Path = ROOT,
    dotenv: Path | None = None,
    host_env: dict[str, str] | None = None,
) -> dict[str, str]:
    """Service `name`'s environment as compose would give it. `dotenv`: the project's `.env` (default
    project/.env; None when missing), also the file `env_file: .env` reads; `host_env`: the environment `docker compose`
    runs in (default: none, as on a fresh host)."""
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    service = compose["services"][name]
    dotenv = dotenv if dotenv is not None else project / ".env"
    dotenv_values = read_dotenv(dotenv) if dotenv.exists() else {}
    variables = {**dotenv_values, **(host_env or {})}
    env: dict[str, str] = {}
    if "build" in service:
        env.update(dockerfile_env(project / "Dockerfile"))
    for path, required in _env_files(service):
        file = dotenv if path in (".env", "./.env") else project / path
        if file.exists():
            env.update(read_dotenv(file))
        elif required:
            raise FileNotFoundError(f"{name}: env_file {path} is missing")
    block = service.get("environment") or {}
    if isinstance(block, list):
        block = dict(item.split("=", 1) if "=" in item else (item, None) for item in block)
    for key, value in block.items():
        if value is None:  # `KEY` alone: the shell's value, if any
            if key in variables:
                env[key] = variables[key]
            continue
        env[key] = interpolate(str(value).lower() if isinstance(value, bool) else str(value), variables)
    return env


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("service")
    parser.add_argument("--env-file", type=Path, default=None, help="the project's .env (default: ./.env)")
    arguments = parser.parse_args()
    rendered = service_environment(arguments.service, dotenv=arguments.env_file, host_env=dict(os.environ))
    for key, value in sorted(rendered.items()):
        sys.stdout.write(f"{key}={value}\n")
