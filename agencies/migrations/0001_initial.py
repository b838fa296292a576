"""The issuing agencies, moved from the areas app with their rows, history and permissions.

Their tables stay as they were (areas_agency, areas_historicalagency): the models enter this
app's state only, and areas 0005 takes them out of that app's. The content types move with
them, so the permissions the roles hold, and the admin's log, stay attached. New: the sectors
an agency holds (a table of its own) and a managing body that may be blank.
"""

import audit.context
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MODELS = ('agency', 'historicalagency')


def move_content_types(apps, schema_editor, source, target):
    """The content types of the agency models from app `source` to `target`, so that the
    permissions and log entries pointing at them follow. One already made for `target` (by a
    post_migrate that saw the models there) is dropped for the one that was in use."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if content_types.filter(app_label=source, model=model).exists():
            content_types.filter(app_label=target, model=model).delete()
            content_types.filter(app_label=source, model=model).update(app_label=target)


def move_to_agencies(apps, schema_editor):
    move_content_types(apps, schema_editor, 'areas', 'agencies')


def move_to_areas(apps, schema_editor):
    move_content_types(apps, schema_editor, 'agencies', 'areas')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('areas', '0004_country_root'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('indicators', '0004_history_without_copied_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='HistoricalAgency',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('change_source', models.CharField(choices=[('form', 'admin form'), ('list_edit', 'list edit'), ('action', 'admin action'), ('import', 'file import'), ('command', 'management command'), ('web', 'web page'), ('code', 'program code')], default=audit.context.current_source, max_length=20, verbose_name='changed through')),
                ('import_log_id', models.PositiveBigIntegerField(blank=True, default=audit.context.current_import_log_id, null=True, verbose_name='import log')),
                ('version', models.PositiveIntegerField(default=0, help_text='Raised by one at every change of the row.', verbose_name='version')),
                ('managing_body', models.CharField(blank=True, help_text="e.g. UBND TỈNH BẮC KẠN; blank when the agency has no body above it (a commune's UBND).", max_length=200, verbose_name='managing body')),
                ('name', models.CharField(help_text='e.g. SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI', max_length=200, verbose_name='issuing agency')),
                ('abbreviation', models.CharField(help_text='Used in the document number, e.g. SLĐTBXH in …/BC-SLĐTBXH.', max_length=30, verbose_name='abbreviation')),
                ('place', models.CharField(help_text='For the date line, e.g. Bắc Kạn.', max_length=100, verbose_name='place name')),
                ('signer_authority', models.CharField(blank=True, help_text='e.g. KT. GIÁM ĐỐC; blank when the head signs.', max_length=100, verbose_name='signing on behalf of')),
                ('signer_title', models.CharField(help_text='e.g. GIÁM ĐỐC or PHÓ GIÁM ĐỐC', max_length=100, verbose_name="signer's title")),
                ('signer_name', models.CharField(max_length=100, verbose_name="signer's name")),
                ('recipients', models.TextField(help_text='One per line, without the leading dash, e.g. UBND tỉnh; the last line is the archive, e.g. Lưu: VT, VP.', verbose_name='recipients')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('area', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='areas.adminunit', verbose_name='area reported on')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical issuing agency',
                'verbose_name_plural': 'historical issuing agencies',
                'db_table': 'areas_historicalagency',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Agency',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=0, help_text='Raised by one at every change of the row.', verbose_name='version')),
                ('managing_body', models.CharField(blank=True, help_text="e.g. UBND TỈNH BẮC KẠN; blank when the agency has no body above it (a commune's UBND).", max_length=200, verbose_name='managing body')),
                ('name', models.CharField(help_text='e.g. SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI', max_length=200, verbose_name='issuing agency')),
                ('abbreviation', models.CharField(help_text='Used in the document number, e.g. SLĐTBXH in …/BC-SLĐTBXH.', max_length=30, verbose_name='abbreviation')),
                ('place', models.CharField(help_text='For the date line, e.g. Bắc Kạn.', max_length=100, verbose_name='place name')),
                ('signer_authority', models.CharField(blank=True, help_text='e.g. KT. GIÁM ĐỐC; blank when the head signs.', max_length=100, verbose_name='signing on behalf of')),
                ('signer_title', models.CharField(help_text='e.g. GIÁM ĐỐC or PHÓ GIÁM ĐỐC', max_length=100, verbose_name="signer's title")),
                ('signer_name', models.CharField(max_length=100, verbose_name="signer's name")),
                ('recipients', models.TextField(help_text='One per line, without the leading dash, e.g. UBND tỉnh; the last line is the archive, e.g. Lưu: VT, VP.', verbose_name='recipients')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='areas.adminunit', verbose_name='area reported on')),
            ],
            options={
                'verbose_name': 'issuing agency',
                'verbose_name_plural': 'issuing agencies',
                'db_table': 'areas_agency',
                'ordering': ['area__code', 'valid_from'],
                'constraints': [models.CheckConstraint(condition=models.Q(('valid_from__isnull', True), ('valid_to__isnull', True), ('valid_from__lte', models.F('valid_to')), _connector='OR'), name='agency_valid_period', violation_error_message='The end of validity cannot be before its start.')],
            },
        ),
        ], database_operations=[]),
        migrations.AddField(
            model_name='agency',
            name='sectors',
            field=models.ManyToManyField(blank=True, db_table='agencies_agency_sectors', help_text='The sectors whose reports this agency issues; none chosen means every sector.', related_name='agencies', to='indicators.sector', verbose_name='sectors held'),
        ),
        migrations.RunPython(move_to_agencies, move_to_areas),
    ]
