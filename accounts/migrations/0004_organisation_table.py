"""Organisations move from jobs to accounts (part 2 of 2): the table takes accounts' name. A rename: no row is
rewritten."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_organisation"),
        ("jobs", "0003_organisations_and_areas_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="organisation", table=None),
    ]
