"""Content-Security-Policy and Permissions-Policy on every answer, and no template with an inline script that the
policy would block (audit D13)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/roles/back-end-developer/", "/jobs/", "/accounts/login/", "/api/v1/roles"])
def test_every_answer_has_the_policies(path):
    response = Client().get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_no_template_has_an_inline_script_or_style():
    templates = [
        path
        for path in Path(settings.BASE_DIR).glob("*/templates/**/*.html")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    ] + list((Path(settings.BASE_DIR) / "templates").glob("**/*.html"))
    assert len(templates) > 20
    offenders = []
    for path in templates:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/ld+json" not in tag:  # JSON-LD is data, never run
                offenders.append(f"{path}: {tag}")
        # An email's HTML is read in a mail client, not served under the site's CSP; mail clients drop stylesheets,
        # so its styles are inline attributes. Scripts and event handlers are refused there too.
        email = "email" in path.parts
        offenders += [f"{path}: <style>" for _ in re.findall(r"<style\b", text)]
        offenders += [
            f"{path}: {attr}" for attr in re.findall(r'\s(style|on[a-z]+)="', text) if not (email and attr == "style")
        ]
    assert offenders == []
