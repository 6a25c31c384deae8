"""OEWS areas move from wages to geo (part 1 of 2): geo takes the model over in Django's state; the table, its rows
and every foreign key stay exactly as they are. geo 0003 renames the table once nothing refers to wages.Area."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("geo", "0001_initial"),
        ("wages", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Area",
                    fields=[
                        (
                            "code",
                            models.CharField(
                                help_text="0000000 national, 0600000 California...",
                                max_length=7,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("national", "National"),
                                    ("state", "State"),
                                    ("territory", "Territory"),
                                    ("metro", "Metropolitan area"),
                                    ("nonmetro", "Nonmetropolitan area"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        (
                            "state_abbr",
                            models.CharField(blank=True, help_text="Primary state (blank for national).", max_length=2),
                        ),
                    ],
                    options={"ordering": ["code"], "db_table": "wages_area"},
                ),
                migrations.AlterField(
                    model_name="county",
                    name="oews_area",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Metro area; else the state's only nonmetro area; else the state.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="counties",
                        to="geo.area",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
