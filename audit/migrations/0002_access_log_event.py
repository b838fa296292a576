from django.db import migrations, models


class Migration(migrations.Migration):
    # What an access-log row records is an event (a login, an export…), not a "kind": the word
    # the import engine keeps for its kinds of file.
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RenameField("accesslog", "kind", "event"),
        migrations.AlterField(
            model_name="accesslog",
            name="event",
            field=models.CharField(
                choices=[
                    ("login", "login"),
                    ("logout", "logout"),
                    ("full_id", "full citizen ID shown"),
                    ("export", "personal data exported"),
                ],
                max_length=10,
                verbose_name="event",
            ),
        ),
    ]
