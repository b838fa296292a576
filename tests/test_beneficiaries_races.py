"""Two clerks at once: a rule across rows holds when both save in the same moment.

Clerk A validates inside a transaction (as the admin does) and, before saving, lets clerk B
try in another connection. B must wait for A and then be refused; without the lock B checks
against what A has not committed yet and both entries go in.
"""

import datetime
import threading
import time
from unittest import skipUnless

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import TransactionTestCase

from beneficiaries.models import RiceReliefLine, RiceReliefRound, WorshipAllowance
from tests.factories import make_household, make_person, make_round

WAIT_LIMIT = 200  # × 0,05 s: how long clerk A waits to see clerk B blocked, or done


class Clerk(threading.Thread):
    """Clerk B: validates and saves `entry` in a transaction of its own connection."""

    def __init__(self, entry):
        super().__init__()
        self.entry, self.refusal = entry, None

    def run(self):
        try:
            with transaction.atomic():
                self.entry.full_clean()
                self.entry.save()
        except ValidationError as refusal:
            self.refusal = refusal
        finally:
            connection.close()


@skipUnless(connection.vendor == "postgresql", "SQLite runs one writing transaction at a time (BEGIN IMMEDIATE)")
class TwoClerksTests(TransactionTestCase):
    # No serialized rollback: the only rows the migrations write (the role groups) come back by
    # themselves after each flush (accounts' post_migrate), and a snapshot restored after a
    # browser test's flush would collide with them.

    def race(self, first, second):
        """A validates `first`; B validates and saves `second`; A saves `first`. Returns B."""
        clerk = Clerk(second)
        with transaction.atomic():
            first.full_clean()
            clerk.start()
            self.wait_until_blocked_or_done(clerk)
            first.save()
        clerk.join()
        return clerk

    def wait_until_blocked_or_done(self, clerk):
        for _ in range(WAIT_LIMIT):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                if not clerk.is_alive() or cursor.fetchone()[0]:
                    return
            time.sleep(0.05)

    def line(self, round, kg):
        household = make_household(size=4)
        return RiceReliefLine(round=round, household=household, commune=household.commune, persons=4, kg=kg)

    def test_two_lines_added_at_once_cannot_pass_the_allocation_together(self):
        round = make_round(kg_allocated=100)
        clerk = self.race(self.line(round, 60), self.line(round, 60))
        self.assertIsNotNone(clerk.refusal)
        self.assertEqual(round.distributed_kg(), 60)

    def test_an_allocation_lowered_while_a_line_is_added_is_respected(self):
        round = make_round(kg_allocated=100)
        lowering = RiceReliefRound.objects.get(pk=round.pk)
        lowering.kg_allocated = 50
        clerk = self.race(lowering, self.line(round, 60))
        self.assertIn("vượt số 50 kg được cấp", str(clerk.refusal))
        self.assertEqual(round.distributed_kg(), 0)

    def test_two_worshippers_entered_at_once_for_one_martyr_cannot_overlap(self):
        def allowance(valid_from, valid_to):
            worshipper = make_person(full_name="Nông Thị Hiền", birth_year=1962)
            return WorshipAllowance(
                martyr_record="LS-001",
                martyr_name="Liệt sĩ Ma Văn Cường",
                worshipper=worshipper,
                commune=worshipper.commune,
                year=2024,
                yearly_amount_vnd=2_789_000,
                valid_from=valid_from,
                valid_to=valid_to,
            )

        clerk = self.race(
            allowance(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
            allowance(datetime.date(2024, 6, 1), datetime.date(2025, 5, 31)),
        )
        self.assertIsNotNone(clerk.refusal)
        self.assertEqual(WorshipAllowance.objects.count(), 1)
