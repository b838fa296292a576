"""The generation of each year's data: what the report's cache (reports.caching) keys its
entries on, so that a write makes every entry it could change unreachable.

Every write of a Record (bkxh.records.note_writes, on every path that writes) and of a year's
approval inserts, in its own transaction, one row per year it writes (None for data of no
year: units, indicators, agencies, people, which any year's report may read) with a random
step. A year's generation is the sum of its rows' steps, read with that of the data of no year
in one query; the reader reads it before the data, so an entry made from data without a write
is never found under a generation that counts the write.

Rows inserted rather than a counter updated: an UPDATE holds the counter's row until its writer
commits, so every other write of the year (an import takes minutes) would wait for it, and two
writers of two years could deadlock; inserts wait for nothing. Random steps rather than 1: a
database restored from a backup, or a test's rolled-back transaction, goes back to an earlier
sum and would count up again through sums the cache holds with other data; with steps of up to
2^40, meeting one again is a chance of about one in a trillion for each sum the cache still
holds. After a commit, now and then, fold() sums each year's rows into one, so that the read
stays a small query.
"""

import functools
import secrets
from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q, Sum

from reports.models import DataGeneration

STEP_BITS = 40
# Folded sums are kept under 2^62, so that a sum of them and of 2^22 unfolded steps stays within
# a 64-bit integer (SQLite's; PostgreSQL's SUM of bigints is a numeric).
FOLDED_MODULUS = 2**62
# One write in this many (by its row's id) folds the rows after its commit.
FOLD_EVERY = 64
# Rows deleted per statement when folding.
FOLD_BATCH = 500


def step(years, using=DEFAULT_DB_ALIAS):
    """Move on the generation of the data of `years` (None: of no year), in the transaction
    of `using` that writes them."""
    rows = DataGeneration.objects.using(using).bulk_create(
        [DataGeneration(year=year, steps=secrets.randbits(STEP_BITS) + 1) for year in years]
    )
    if any(row.pk is not None and row.pk % FOLD_EVERY == 0 for row in rows):
        # After the commit, and never failing it: a fold that fails leaves the sums as they were.
        transaction.on_commit(functools.partial(fold, using), using=using, robust=True)


def note_written(model, years, using):
    """The write observer (bkxh.records.register_write_observer), registered by ReportsConfig."""
    step(years, using)


def step_everything(using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    """Move on every year's generation (post_migrate: a new release may render its pages
    otherwise, and a migration may write past the ORM; not after migrating back to before the
    generations' table, which `apps`, the state migrate leaves, then lacks)."""
    if apps is not None:
        try:
            apps.get_model("reports", "DataGeneration")
        except LookupError:
            return
    step([None], using)


def generation_of(years, using=DEFAULT_DB_ALIAS):
    """(the generation of the data of no year, then that of each of `years`, in their order):
    a tuple every write to them changes. One query."""
    rows = (
        DataGeneration.objects.using(using)
        .filter(Q(year__in=list(years)) | Q(year=None))
        .order_by()
        .values_list("year")
        .annotate(total=Sum("steps"))
    )
    sums = dict(rows)
    return tuple(int(sums.get(year) or 0) for year in [None, *years])


def fold(using=DEFAULT_DB_ALIAS):
    """Sum each year's rows into one; every generation stays what it was (modulo FOLDED_MODULUS).
    The rows are locked first (in order, so that two folds wait rather than deadlock): rows a
    writer has not committed yet are not seen, and wait for the next fold."""
    with transaction.atomic(using=using):
        rows = DataGeneration.objects.using(using).select_for_update().order_by("pk")
        rows = list(rows.values_list("pk", "year", "steps"))
        totals = defaultdict(int)
        for _pk, year, steps in rows:
            totals[year] += steps
        if len(rows) == len(totals):
            return
        pks = [pk for pk, _year, _steps in rows]
        for start in range(0, len(pks), FOLD_BATCH):
            DataGeneration.objects.using(using).filter(pk__in=pks[start : start + FOLD_BATCH]).delete()
        DataGeneration.objects.using(using).bulk_create(
            [DataGeneration(year=year, steps=total % FOLDED_MODULUS) for year, total in totals.items()]
        )
