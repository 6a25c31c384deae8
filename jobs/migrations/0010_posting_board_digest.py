from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("jobs", "0009_posting_counters_and_webhooks")]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="board_digest",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="A digest of its board's row as last written: an unchanged row is not written again.",
                max_length=64,
            ),
        ),
    ]
