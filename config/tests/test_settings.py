"""Production settings pass Django's deployment checks; bad environment values fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_for_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="rolescope.example",
        SITE_URL="https://rolescope.example",
        REDIS_URL="redis://127.0.0.1:6379/5",  # limits shared by every worker (not connected to by the check)
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_fallbacks_keep_what_a_former_key_signed():
    production = {"DEBUG": "false", "ALLOWED_HOSTS": "rolescope.example"}
    old, new = "a-former-production-secret-key-" + "o" * 40, "a-new-production-secret-key-" + "n" * 40
    signed = run_manage(
        "shell", "-c", "from django.core import signing; print(signing.dumps('ada'))", SECRET_KEY=old, **production
    )
    assert signed.returncode == 0, signed.stderr
    token = signed.stdout.split()[-1]  # after the shell's note on what it imported
    check = f"from django.core import signing; print(signing.loads({token!r}))"
    rotated = run_manage("shell", "-c", check, SECRET_KEY=new, SECRET_KEY_FALLBACKS=f"{old}, another", **production)
    assert rotated.returncode == 0 and rotated.stdout.split()[-1] == "ada", rotated.stderr
    forgotten = run_manage("shell", "-c", check, SECRET_KEY=new, **production)
    assert forgotten.returncode != 0 and "BadSignature" in forgotten.stderr


def test_site_url_must_be_a_scheme_and_host():
    result = run_manage("check", DEBUG="true", SITE_URL="rolescope.example/path")
    assert result.returncode != 0 and "SITE_URL must be a scheme and host" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_malformed_boolean_is_an_error_not_a_guess():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
