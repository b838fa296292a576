"""An approval given while rows of its year are being written.

The write guard found the year open; the approval must not commit while those rows are not
committed yet, or an approved year would gain rows nobody saw when approving (100.000 gifts of
an import did). The approval is refused while a write holds its year, and a write that starts
while an approval is being given waits for it and is then refused.

On SQLite one writing transaction runs at a time (BEGIN IMMEDIATE): there is no race to test.
"""

import contextlib
import threading
import time
from unittest import mock, skipUnless

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import TransactionTestCase

from accounts.roles import REVIEWER
from approvals import locking, workflow
from approvals.models import YearApproval
from beneficiaries.models import LongevityGift
from imports.kinds import get_kind
from imports.process import run_import
from tests.factories import default_commune, make_citizen_id, make_csv_bytes, make_person, make_role_user
from tests.test_beneficiaries_imports import GIFT_HEADER, gift_row

WAIT_LIMIT = 100  # × 0,05 s: how long to wait for the other connection to be blocked, or done


class Attempt(threading.Thread):
    """`step()` on a connection of its own, in a transaction unless `autocommit`; keeps its refusal."""

    def __init__(self, step, *, autocommit=False):
        super().__init__()
        self.step, self.refusal, self.autocommit = step, None, autocommit

    def run(self):
        try:
            with transaction.atomic() if not self.autocommit else contextlib.nullcontext():
                self.step()
        except ValidationError as refusal:
            self.refusal = refusal
        finally:
            connection.close()


def gift_file(count):
    rows = []
    for serial in range(1, count + 1):
        citizen_id = make_citizen_id(female=True, birth_year=1934, serial=serial)
        rows.append(gift_row(**{"Họ và tên": f"Người Số {serial}", "Số CCCD": citizen_id}))
    return make_csv_bytes([GIFT_HEADER, *rows])


@skipUnless(connection.vendor == "postgresql", "SQLite runs one writing transaction at a time (BEGIN IMMEDIATE)")
class ApprovalWhileWritingTests(TransactionTestCase):
    # No serialized rollback (see tests.test_beneficiaries_races).

    def setUp(self):
        self.commune = default_commune()
        self.district = self.commune.parent
        self.reviewer = make_role_user(username="pacnam.duyet", role=REVIEWER, units=[self.district])
        self.approval = YearApproval.objects.create(area=self.district, year=2024, state=YearApproval.State.SUBMITTED)

    def approving(self):
        return Attempt(lambda: workflow.approve(self.approval, user=self.reviewer))

    def test_an_approval_given_after_the_imports_last_guard_is_refused_and_the_import_commits(self):
        approvals = []
        guard = locking.check_years_open

        def guard_then_approve(unit_years):
            guard(unit_years)
            # The import's rows of 2024 are written, not committed: the reviewer approves now.
            approval = self.approving()
            approval.start()
            approval.join()
            approvals.append(approval)

        with mock.patch("approvals.locking.check_years_open", guard_then_approve):
            log, result = run_import(get_kind("longevity_gifts"), gift_file(3), "qua-mung-tho.csv")
        self.assertEqual(len(approvals), 1, "the gifts are guarded once, after the people are written")
        self.assertIn("đang được ghi", str(approvals[0].refusal))
        self.approval.refresh_from_db()
        self.assertEqual(self.approval.state, YearApproval.State.SUBMITTED)
        self.assertEqual((log.outcome, LongevityGift.objects.count()), ("imported", 3), result.problems)
        # Once the import is in, the reviewer sees the figures and approves.
        self.assertTrue(workflow.approve(self.approval, user=self.reviewer).is_approved)

    def gift(self):
        person = make_person(full_name="Hoàng Thị Mai", gender="female", birth_year=1934, commune=self.commune)
        return LongevityGift(person=person, year=2024, milestone=90, commune=self.commune, cash_vnd=500_000)

    def approve_while(self, clerk):
        """The reviewer approves; before the approval commits, `clerk` starts writing."""
        with transaction.atomic():
            workflow.approve(self.approval, user=self.reviewer)
            clerk.start()
            self.wait_until_blocked_or_done(clerk)
        clerk.join()
        return clerk

    def test_a_write_started_while_the_year_is_being_approved_waits_and_is_refused(self):
        clerk = self.approve_while(Attempt(self.gift().save))
        self.assertIn("đã được", str(clerk.refusal))
        self.assertEqual(LongevityGift.objects.count(), 0)

    def test_a_bulk_insert_from_code_outside_a_transaction_waits_and_is_refused(self):
        gift = self.gift()
        clerk = self.approve_while(Attempt(lambda: LongevityGift.objects.bulk_create([gift]), autocommit=True))
        self.assertIn("đã được", str(clerk.refusal))
        self.assertEqual(LongevityGift.objects.count(), 0)

    def wait_until_blocked_or_done(self, thread):
        for _ in range(WAIT_LIMIT):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                if not thread.is_alive() or cursor.fetchone()[0]:
                    return
            time.sleep(0.05)
