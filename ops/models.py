"""What operations did to this database: every backup written and every restore made (ops.backup), so /metrics can
say when the last backup was (rolescope_last_backup_timestamp) and an operator can see when the data was replaced."""

from django.db import models


class OperationRecord(models.Model):
    class Kind(models.TextChoices):
        BACKUP = "backup"
        RESTORE = "restore"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    finished_at = models.DateTimeField(auto_now_add=True, db_index=True)
    path = models.CharField(max_length=1000)  # the backup file written or restored from
    version = models.CharField(max_length=32)  # rolescope's version that did it (ops.version)
    # The backup's manifest: its creation time, size, SHA-256, version and commit.
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.path} at {self.finished_at:%Y-%m-%d %H:%M}"
