from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("sources", "0002_importrun_release_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="Version",
            fields=[
                ("name", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
    ]
