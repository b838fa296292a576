"""The history every data model keeps: django-simple-history, with the indexes a history needs.

simple-history copies each indexed column of a model into its history table with its index
(commune, person, search key …). Those indexes are written on every change and never read:
a history is read per row (by the row's id) and by date and user, whose indexes stay. On a
100.000-row import they were a third of the time PostgreSQL spent writing (bench/import_bench.py).
"""

from simple_history.models import HistoricalRecords


class RowHistory(HistoricalRecords):
    def get_meta_options(self, model):
        # A model moved from another app keeps the history table it had (`history_table`), as
        # it keeps its own (Meta.db_table).
        options = super().get_meta_options(model)
        table = getattr(model, "history_table", None)
        if table:
            options["db_table"] = table
        return options

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:
                field.db_index = False
        return fields
