"""Every admin page of every model the admin registers, for tests that open them all.

    for page in admin_pages(rows):      # rows: {model: the row whose pages to open}
        response = self.client.get(page.url)

Read from `admin.site._registry`, so a model registered later is in every such test without
anyone editing it. A model without a row in `rows` has its pages opened on its first row, and
a model with no row at all only its list and add pages.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

LIST_PAGES = ("changelist", "add")
ROW_PAGES = ("change", "history", "delete")


@dataclass(frozen=True)
class AdminPage:
    model: type
    # a page of LIST_PAGES or ROW_PAGES, "deleted" (a data list's deleted rows) or
    # "simple_history" (a past version of the row, opened from its history)
    name: str
    url: str

    def __str__(self):
        return f"{self.model._meta.label} {self.name} {self.url}"


def admin_pages(rows=None, *, site=admin.site):
    """The pages of every registered model: its list, add page, the deleted rows of a data
    list (bkxh.record_admin), and the change, history and delete pages of its row, and its
    latest version's page in that history."""
    rows = rows or {}
    pages = []
    for model, model_admin in site._registry.items():
        opts = model._meta

        def page(name, *args, model=model, opts=opts):
            return AdminPage(model, name, reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args))

        pages += [page(name) for name in LIST_PAGES]
        if hasattr(model_admin, "deleted_view"):
            pages.append(page("deleted"))
        row = rows[model] if model in rows else model._default_manager.order_by("pk").first()
        if row is not None:
            pages += [page(name, row.pk) for name in ROW_PAGES]
            version = row.history.first() if isinstance(model_admin, SimpleHistoryAdmin) else None
            if version is not None:
                pages.append(page("simple_history", row.pk, version.history_id))
    return pages
