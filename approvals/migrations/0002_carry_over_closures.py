"""The year approvals of a database made before the app was renamed from `closures`.

Until 01/12/2026 the approvals lived in an app called `closures` (tables closures_yearclosure
and closures_historicalyearclosure). Where those tables exist, their rows move here with their
ids and history; the content types and permissions are renamed, not made again, so the roles
and users that held them keep them; then the old tables go. A database created afresh has none
of them, and this does nothing.
"""

from django.core.management.color import no_style
from django.db import migrations

TABLES = {
    "closures_yearclosure": "approvals_yearapproval",
    "closures_historicalyearclosure": "approvals_historicalyearapproval",
}
CONTENT_TYPES = {"yearclosure": "yearapproval", "historicalyearclosure": "historicalyearapproval"}


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    if not existing & set(TABLES):
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for old, new in TABLES.items():
            if old in existing:
                columns = ", ".join(
                    quote(column.name) for column in connection.introspection.get_table_description(cursor, new)
                )
                cursor.execute(f"INSERT INTO {quote(new)} ({columns}) SELECT {columns} FROM {quote(old)}")
                cursor.execute(f"DROP TABLE {quote(old)}")
        models = [apps.get_model("approvals", "YearApproval"), apps.get_model("approvals", "HistoricalYearApproval")]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        for old, new in CONTENT_TYPES.items():
            cursor.execute(
                "UPDATE django_content_type SET app_label = 'approvals', model = %s "
                "WHERE app_label = 'closures' AND model = %s",
                [new, old],
            )
        cursor.execute(
            "UPDATE auth_permission SET codename = REPLACE(codename, 'yearclosure', 'yearapproval') "
            "WHERE codename LIKE %s",
            ["%yearclosure"],
        )
        cursor.execute("DELETE FROM django_migrations WHERE app = 'closures'")


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
