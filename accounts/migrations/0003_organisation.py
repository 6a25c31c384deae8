"""Organisations move from jobs (jobs.Employer) to accounts (part 1 of 2): accounts takes the model over in Django's
state; the table, its rows and every foreign key stay as they are. accounts 0004 renames the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_apikey_employer_profile"),
        ("jobs", "0002_accounts_candidates_fulltext"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Organisation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("slug", models.SlugField(max_length=220, unique=True)),
                        ("website", models.URLField(blank=True)),
                        (
                            "location",
                            models.CharField(blank=True, help_text="Headquarters, e.g. 'Austin, TX'.", max_length=200),
                        ),
                        ("description", models.TextField(blank=True, help_text="About the organisation, in Markdown.")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"ordering": ["name"], "db_table": "jobs_employer"},
                ),
                migrations.AlterField(
                    model_name="apikey",
                    name="employer",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The organisation whose postings the key may change through /api/v1/jobs.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_keys",
                        to="accounts.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="profile",
                    name="employer",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The organisation an employer member posts for.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="members",
                        to="accounts.organisation",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
