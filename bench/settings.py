"""The project's settings with django-import-export installed, for the stock comparison of
bench/import_bench.py (bench/stock.py) only: the product itself imports with `imports`."""

from bkxh.settings import *  # noqa: F403
from bkxh.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "import_export"]
# The library's own advice for a fair comparison: the whole import in one transaction.
IMPORT_EXPORT_USE_TRANSACTIONS = True
