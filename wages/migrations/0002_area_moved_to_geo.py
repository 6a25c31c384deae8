"""OEWS areas move from wages to geo: estimates point at geo.Area, and wages.Area leaves Django's state. Nothing in
the database changes here (geo 0003 renames the table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("wages", "0001_initial"),
        ("geo", "0002_area"),
        ("jobs", "0003_organisations_and_areas_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="wageestimate",
                    name="area",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="estimates", to="geo.area"
                    ),
                ),
                migrations.DeleteModel(name="Area"),
            ],
            database_operations=[],
        ),
    ]
