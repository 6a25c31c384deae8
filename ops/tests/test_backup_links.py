"""A backup whose dump member (or manifest) is a link, not a file, is "damaged", never a traceback (issue 18)."""

import io
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ops.backup import DUMPS, MANIFEST, Manifest

pytestmark = pytest.mark.django_db


def manifest() -> bytes:
    return Manifest(
        engine=connection.vendor,
        created_at="2026-05-20T00:00:00+00:00",
        migrations={},
        versions={},
        commit="",
        dump=DUMPS[connection.vendor],
        size=1,
        sha256="0" * 64,
    ).to_json()


def archive(path, *members: tarfile.TarInfo, manifest_body: bytes | None = None):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        if manifest_body is not None:
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest_body)
            tar.addfile(info, io.BytesIO(manifest_body))
        for member in members:
            tar.addfile(member)
    return path


def link(name: str, kind: bytes, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_a_dump_that_is_a_link_is_damaged(tmp_path, kind):
    path = archive(
        tmp_path / "linked.backup", link(DUMPS[connection.vendor], kind, "/etc/passwd"), manifest_body=manifest()
    )
    with pytest.raises(CommandError, match=f"is damaged: it has no {DUMPS[connection.vendor]}"):
        call_command("restore", "--force", str(path))


def test_a_manifest_that_is_a_link_is_not_a_backup(tmp_path):
    path = archive(tmp_path / "linked.backup", link(MANIFEST, tarfile.SYMTYPE, "/etc/passwd"))
    with pytest.raises(CommandError, match="is not a rolescope backup"):
        call_command("restore", "--force", str(path))
