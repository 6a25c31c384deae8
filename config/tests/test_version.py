"""One version number: ops/version.py, pyproject.toml and the newest CHANGELOG.md section agree, and the page
footer, /readyz and /metrics show it."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ops.version import VERSION

ROOT = Path(settings.BASE_DIR)


def test_the_version_is_one_number_everywhere():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == VERSION
    sections = re.findall(r"^## \[?(\d+\.\d+\.\d+)\]?", (ROOT / "CHANGELOG.md").read_text(), flags=re.MULTILINE)
    assert sections and sections[0] == VERSION
    assert "### Upgrade" in (ROOT / "CHANGELOG.md").read_text().split(f"## {VERSION}", 1)[1].split("\n## ", 1)[0]


@pytest.mark.django_db
def test_the_footer_readyz_and_metrics_show_it():
    client = Client()
    assert f"rolescope {VERSION}" in client.get("/roles/").content.decode()
    assert client.get("/readyz").json()["version"] == VERSION
    assert f'rolescope_build_info{{version="{VERSION}"}} 1.0' in client.get("/metrics").content.decode()
