"""People's duplicate keys without the spaces of the name, and without its format characters
(beneficiaries.models.people.duplicate_key): "LòThị Thử" and "Lò Thị\u200b Thử" share the key
of "Lò Thị Thử"."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

from bkxh.text import fold, nfc

BATCH = 2000


def key(full_name, birth_year, commune_id, *, spaces):
    name = fold(nfc(full_name))
    return f"{name if spaces else name.replace(' ', '')}|{birth_year}|{commune_id}"


def rekey(Person, *, spaces):
    """Write the key of every person whose stored key is not the one computed now."""
    changed = []
    for person in Person.objects.only("full_name", "birth_year", "commune_id", "duplicate_key").iterator():
        computed = key(person.full_name, person.birth_year, person.commune_id, spaces=spaces)
        if computed != person.duplicate_key:
            person.duplicate_key = computed
            changed.append(person)
        if len(changed) == BATCH:
            Person.objects.bulk_update(changed, ["duplicate_key"])
            changed = []
    Person.objects.bulk_update(changed, ["duplicate_key"])


def without_spaces(apps, schema_editor):
    Person = apps.get_model("beneficiaries", "Person")
    # The key is "name|year|commune" and only the name has spaces: one statement for nearly all,
    # then the few names holding a format character, which the key now leaves out as well.
    Person.objects.update(duplicate_key=Replace(F("duplicate_key"), Value(" "), Value("")))
    rekey(Person, spaces=False)


def with_spaces(apps, schema_editor):
    rekey(apps.get_model("beneficiaries", "Person"), spaces=True)


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0008_import_keys_unique")]

    operations = [migrations.RunPython(without_spaces, with_spaces)]
