"""The data sets rolescope loads. Each app declares its own in `<app>/imports/` and registers it here, the way
NetBox's plug-ins call `register_data_backend()`: `import_all`, `load_snapshot`, `build_snapshot` and the
releases endpoint iterate the registry, so this app imports none of them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sources.models import ImportRun


@dataclass(frozen=True)
class SnapshotFile:
    """One file of a data set as the bundled snapshot keeps it: its official layout, trimmed to `columns`."""

    pattern: str  # relative to the data folder
    columns: list[str] | None  # None: copied unchanged
    source: str
    license: str
    release: str
    delimiter: str = ","
    published: str = ""  # ISO date the publisher released it, where known
    release_year: int | None = None  # OEWS files: the reference year (May YEAR)
    # Where the file is listed in the manifest when not with its data set (the first manifest's order, which a
    # rebuilt snapshot must reproduce byte for byte).
    manifest_position: int | None = None
    # A file the snapshot keeps in another form (a Parquet file as CSV, say): the rows to write, header first, read
    # from the file and the data folder (a filter may read another file there), and the name to keep it under.
    reader: Callable[[Path, Path], Iterator[list[str]]] | None = field(default=None, compare=False)
    target: str = ""
    # The publisher's notes after the table (BEA's "Note: ...", "Last updated: ..."): rows too short to hold the kept
    # columns are left out of the snapshot instead of failing the build.
    footer: bool = False


@dataclass(frozen=True)
class DataSet:
    """A data set: how to load it from a folder laid out like the shared data, and what the snapshot keeps."""

    name: str
    title: str
    order: int  # load order, lowest first: a data set may rely on those before it
    load: Callable[[Path], list[ImportRun]] = field(compare=False)
    files: tuple[SnapshotFile, ...] = ()
    # The `ImportRun.source` names its loads record (one data set may record several, e.g. the supply inputs).
    records: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return self.records or (self.name,)


_registry: dict[str, DataSet] = {}


def register(data_set: DataSet) -> DataSet:
    """Add a data set (idempotent for the same name, so a module imported twice registers once)."""
    _registry[data_set.name] = data_set
    return data_set


def data_sets() -> list[DataSet]:
    """Every registered data set, in load order."""
    return sorted(_registry.values(), key=lambda data_set: (data_set.order, data_set.name))


def snapshot_files() -> list[SnapshotFile]:
    """Every snapshot file, in manifest order."""
    listed = [
        (file.manifest_position if file.manifest_position is not None else data_set.order, index, file)
        for index, (data_set, file) in enumerate(
            (data_set, file) for data_set in data_sets() for file in data_set.files
        )
    ]
    return [file for _, _, file in sorted(listed, key=lambda item: (item[0], item[1]))]
