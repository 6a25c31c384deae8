"""Roles as a data set: after the occupations are loaded, every detailed occupation gets a role and the curated
roles (roles/fixtures/curated_roles.json, the customer's own text) are created or updated."""

from pathlib import Path

from roles.services import curated_roles_load, roles_sync
from sources.models import ImportRun
from sources.registry import DataSet, register


def load_folder(data_dir: Path) -> list[ImportRun]:
    roles_sync()
    curated_roles_load()
    return []  # derived from the data sets before it, and the bundled fixture: nothing to record


register(DataSet(name="roles", title="Roles and categories", order=60, load=load_folder))
