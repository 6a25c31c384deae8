from django.db import models


class ImportRun(models.Model):
    """One attempt to load one source file (or folder) into the database, successful or not."""

    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    source = models.CharField(max_length=40, help_text="Importer name, e.g. 'oews' or 'onet'.")
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, blank=True)
    release = models.CharField(max_length=200, blank=True, help_text="e.g. 'May 2025' or 'O*NET 30.1'.")
    rows_read = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    error = models.TextField(blank=True)
    holder = models.CharField(max_length=200, blank=True, help_text="host:process that ran it.")
    exclusive = models.BooleanField(
        default=True, help_text="Ran under the import lock (data sets); feeds of postings run beside them."
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "status", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source} {self.release} ({self.status})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class Version(models.Model):
    """A named version that changes whenever what it names changes; caches and memos key on it.

    `data`: an import succeeded or a role was edited. `platform`: a posting or a candidate profile changed.
    `access`: an API key, a membership or an account's standing changed. Values only grow and never repeat,
    even after a rolled-back change (each is at least the time of the bump, in microseconds)."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


class ImportLock(models.Model):
    """The import lock on SQLite (PostgreSQL uses an advisory lock): who holds it and since when."""

    holder = models.CharField(max_length=200, blank=True, help_text="host:process, empty when free.")
    acquired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.holder or "free"
