"""Citizen IDs on screen: masked (••••••••1234) unless the user holds the permission
"audit.view_full_citizen_id", and every full view written to the access log.

A model lists its personal fields in `personal_fields`; the admin of a data model masks them
in the change form and in the history (bkxh.record_admin), lists show `masked_id_column()`
and exports `mask()`.
"""

import dataclasses
import datetime
import re
from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from audit.models import AccessLog, log_access
from bkxh.numbers import format_decimal

FULL_ID_PERMISSION = "audit.view_full_citizen_id"
MASK = "•"
_MASKED = re.compile(rf"^{MASK}+(\d{{4}})$", re.ASCII)


def mask(citizen_id):
    """The ID with all but its last four digits hidden: ••••••••1234."""
    if not citizen_id:
        return ""
    return MASK * (len(citizen_id) - 4) + citizen_id[-4:]


def masked_tail(value):
    """The last four digits a masked ID (as mask() writes it) shows, or None if `value` is not one."""
    found = _MASKED.match(value or "")
    return found.group(1) if found else None


def may_see_full_ids(user):
    return user.has_perm(FULL_ID_PERMISSION)


def personal_fields_of(model):
    return tuple(getattr(model, "personal_fields", ()))


def lookup_reads_personal_data(model, lookup):
    """Whether a list's query-string lookup (`person__citizen_id__startswith`) filters on a
    personal field of `model` or of a model its relations lead to."""
    for name in lookup.split(LOOKUP_SEP):
        if name in personal_fields_of(model):
            return True
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False  # a lookup (startswith) or a transform: the path of fields has ended
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def log_full_view(request, subject):
    log_access(event=AccessLog.Event.FULL_ID, request=request, subject=subject)


def log_if_shown_whole(request, obj):
    """A page shows `obj` (a row, or a past version of one) with its personal fields whole to a
    user with the permission: logged, when it has any to show."""
    if may_see_full_ids(request.user) and any(getattr(obj, name) for name in personal_fields_of(type(obj))):
        log_full_view(request, obj)


class MaskingHistoryHelper(HistoricalRecordContextHelper):
    """simple-history's changes column, with the personal fields masked and the version left
    out (it rises with every change, so listing it says nothing)."""

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if change.field != "version"]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def __init__(self, model, historical_record, *, masked_fields, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.masked_fields = masked_fields

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if value is None or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"  # simple-history writes an empty relation as "Deleted user (pk=None)"
        field = self.model._meta.get_field(change.field)
        if field.choices:
            value = dict(field.flatchoices).get(value, value)  # "Đã trình", not "submitted"
        # Written as everywhere else (simple-history would print str(): 7000.00, 2024-03-05).
        if isinstance(value, Decimal):
            value = format_decimal(value)
        elif isinstance(value, datetime.datetime):
            value = formats.date_format(timezone.localtime(value), "d/m/Y H:i")
        elif isinstance(value, datetime.date):
            value = formats.date_format(value, "d/m/Y")
        return mask(value) if change.field in self.masked_fields and value else value


def masked_id_column(path="citizen_id"):
    """An admin column (a list's, an inline's read-only field) with the citizen ID at `path` of
    its row masked, whoever looks: `person__citizen_id` for a register's person.

    Set as an attribute of the ModelAdmin or inline and named in its `list_display` or `fields`.
    """

    @admin.display(description=_("citizen ID"))
    def column(model_admin, row):
        value = row
        for name in path.split(LOOKUP_SEP):
            value = getattr(value, name)
        return mask(value)

    return column
