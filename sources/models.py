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
