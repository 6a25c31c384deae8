"""The bundled snapshot: what the manifest says is what is on disk, and it can be rebuilt byte for byte."""

import hashlib
import json

import pytest

from conftest import requires_shared_data
from sources import snapshot


def test_manifest_matches_the_files(snapshot_dir):
    manifest = json.loads((snapshot_dir / "MANIFEST.json").read_text())
    listed = {entry["file"] for entry in manifest["files"]}
    on_disk = {str(path.relative_to(snapshot_dir)) for path in snapshot_dir.rglob("*") if path.is_file()}
    assert on_disk - {"MANIFEST.json"} == listed
    total = 0
    for entry in manifest["files"]:
        data = (snapshot_dir / entry["file"]).read_bytes()
        total += len(data)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["source"] and entry["license"] and entry["release"] and len(entry["source_sha256"]) == 64
    assert total < 25_000_000


@requires_shared_data
def test_snapshot_is_reproducible_from_the_full_data(shared_data, snapshot_dir, tmp_path):
    entries = snapshot.build(shared_data, tmp_path / "snapshot")
    committed = json.loads((snapshot_dir / "MANIFEST.json").read_text())["files"]
    assert [(e["file"], e["sha256"]) for e in entries] == [(e["file"], e["sha256"]) for e in committed]


@requires_shared_data
def test_source_checksums_match_the_data_documentation(snapshot_dir):
    # sha256 values published in shared/data/*/SOURCE.md for the original files.
    documented = {
        "oews-2025/all_data_M_2025_cross_industry.csv.gz": (
            "89207625e442bd0298767796839e57d5e5b351502634955daf2f8acb4c8fdf89"
        ),
        "projections/occupation_2024-34.xlsx": "05103e6770b8ffebd6f024ff52afc9aed7e586b4aa159396ddc483c6ec572a07",
        "geo/uscities.csv": "cdf90dddc580dd32f593b37e1d923fca50c9c261d77e4102457bec46f17c851d",
    }
    entries = {e["from"]: e["source_sha256"] for e in json.loads((snapshot_dir / "MANIFEST.json").read_text())["files"]}
    for name, sha in documented.items():
        assert entries[name] == sha


def test_missing_source_folder_is_a_clear_error(tmp_path):
    with pytest.raises(snapshot.DataFileError, match="file not found in the source folder"):
        snapshot.build(tmp_path, tmp_path / "out")
