"""The rice lines' (round, commune) index carries the household, the kilograms and the persons,
so the report's and the list's sums are read from the index alone (PostgreSQL's INCLUDE; other
databases keep the plain index)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0009_person_duplicate_key_without_spaces"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="ricereliefline", name="ricereliefline_round_commune"),
        migrations.AddIndex(
            model_name="ricereliefline",
            index=models.Index(
                fields=["round", "commune"], include=("household", "kg", "persons"), name="ricereliefline_round_commune"
            ),
        ),
    ]
