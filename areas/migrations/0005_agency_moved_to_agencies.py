"""The issuing agencies moved to their own app (agencies 0001), which took their tables as
they were: here they leave the areas app's state only, and no table is touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0004_country_root'),
        ('agencies', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalagency',
                    name='area',
                ),
                migrations.RemoveField(
                    model_name='historicalagency',
                    name='history_user',
                ),
                migrations.DeleteModel(
                    name='Agency',
                ),
                migrations.DeleteModel(
                    name='HistoricalAgency',
                ),
            ],
            database_operations=[],
        ),
    ]
