"""The API as config/api.py wires it: the committed OpenAPI schema is the one the code generates, and the docs."""

import json
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_committed_openapi_schema_is_current(client):
    committed = json.loads((Path(settings.BASE_DIR) / "openapi.json").read_text())
    generated = client.get("/api/v1/openapi.json").json()
    assert generated == committed, "Run `make openapi` and commit openapi.json"
    assert generated["openapi"].startswith("3.1")
    for path, operations in generated["paths"].items():
        for operation in operations.values():
            assert operation.get("description") or operation.get("summary"), path
            assert {"401", "422", "429"} <= set(operation["responses"]), path


def test_docs_page(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and b"openapi.json" in response.content
