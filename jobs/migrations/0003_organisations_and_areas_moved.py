"""Postings now point at accounts.Organisation and geo.Area (state only: the columns and their rows are unchanged).
jobs.Employer leaves Django's state (its table is accounts.Organisation's now); the platform counter leaves for
sources.Version, the one mechanism for versions."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0002_accounts_candidates_fulltext"),
        ("accounts", "0003_organisation"),
        ("geo", "0002_area"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="posting",
                    name="employer",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="postings",
                        to="accounts.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="posting",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="postings",
                        to="geo.area",
                    ),
                ),
                migrations.AlterField(
                    model_name="candidate",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="candidates",
                        to="geo.area",
                    ),
                ),
                migrations.DeleteModel(name="Employer"),
            ],
            database_operations=[],
        ),
        migrations.DeleteModel(name="Counter"),
        migrations.AlterField(
            model_name="posting",
            name="search_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="What full-text search reads (jobs.fulltext); kept by posting_upsert.",
            ),
        ),
    ]
