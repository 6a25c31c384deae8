"""OEWS areas move from wages to geo (part 2 of 2): the table takes geo's name. A rename: no row is rewritten."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("geo", "0002_area"),
        ("wages", "0002_area_moved_to_geo"),
    ]

    operations = [
        migrations.AlterModelTable(name="area", table=None),
    ]
