"""The import log as it is now written, for the entries written before:

- an entry that wrote nothing (rejected, failed, cancelled) counts no new, changed or unchanged
  rows (they kept the preview's, as if written);
- the database's own message, which a refused write kept in the log (a COPY line can quote a
  whole citizen ID), gives way to the plain message staff now get.
"""

import re

from django.db import migrations

NOTHING_WRITTEN = ("rejected", "failed", "cancelled")
# The messages of a refused write, in Vietnamese and English, each with the database's message in
# its parentheses; and what replaces it.
RAW_MESSAGES = [
    (
        re.compile(r"Cơ sở dữ liệu từ chối tệp nên không ghi dữ liệu nào \(.*\)\. Hãy kiểm tra lại tệp rồi nhập lại\.", re.S),
        "Cơ sở dữ liệu từ chối tệp nên không ghi dữ liệu nào. Hãy kiểm tra lại tệp rồi nhập lại.",
    ),
    (
        re.compile(r"Không ghi dữ liệu nào: cơ sở dữ liệu báo lỗi \(.*\)\.", re.S),
        "Không ghi dữ liệu nào: cơ sở dữ liệu báo lỗi.",
    ),
    (
        re.compile(r"The database refused the file, so nothing was written \(.*\)\. Check the file again and retry\.", re.S),
        "The database refused the file, so nothing was written. Check the file again and retry.",
    ),
    (
        re.compile(r"Nothing was written: the database reported an error \(.*\)\.", re.S),
        "Nothing was written: the database reported an error.",
    ),
]


def plain_message(message):
    for raw, plain in RAW_MESSAGES:
        if raw.fullmatch(message):
            return plain
    return message


def forward(apps, schema_editor):
    ImportLog = apps.get_model("imports", "ImportLog")
    ImportLog.objects.filter(outcome__in=NOTHING_WRITTEN).update(created=0, changed=0, unchanged=0)
    # Only a failed write kept the database's message.
    for log in ImportLog.objects.filter(outcome="failed").only("errors").iterator():
        errors = [{**error, "message": plain_message(error["message"])} for error in log.errors]
        if errors != log.errors:
            log.errors = errors
            log.save(update_fields=["errors"])


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
