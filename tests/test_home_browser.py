"""In a real browser: a clerk submits a district's year from the home page's board and a
reviewer approves it there, on a 1366×768 screen without horizontal scrolling."""

import os
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from approvals.models import YearApproval
from demo.loading import DEMO_PASSWORD
from tests.browser import browser_page, log_in
from tests.demo import load_demo

SCREEN = {"width": 1366, "height": 768}
# Where the screenshots go for a person to look at (the page is also checked below).
SHOTS = Path(os.environ.get("BKXH_SCREENSHOTS", "/tmp"))


@pytest.mark.browser
class BoardApprovalTests(StaticLiveServerTestCase):
    def setUp(self):
        load_demo()

    def take_step(self, page, username, button, confirm, shot):
        log_in(page, self.live_server_url, username=username, password=DEMO_PASSWORD)
        page.goto(f"{self.live_server_url}/admin/?year=2024")
        board = page.inner_text("#board")
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=SHOTS / f"home-{shot}.png")
        page.click(f"tr[data-unit='060'] a.step-{button}")
        explanation = page.inner_text("#approval-step")
        with page.expect_navigation():
            page.click(f"#approval-step button:has-text('{confirm}')")
        message = page.inner_text(".messagelist")
        state = page.inner_text("tr[data-unit='060'] td:nth-child(5)")
        page.screenshot(path=SHOTS / f"home-{shot}-done.png")
        width = max(width, page.evaluate("document.documentElement.scrollWidth"))
        page.context.clear_cookies()
        return board, explanation, message, state, width

    def test_a_clerk_submits_a_district_year_and_a_reviewer_approves_it_from_the_board(self):
        with browser_page(viewport=SCREEN, locale="vi-VN") as page:
            board, explanation, message, state, width = self.take_step(
                page, "pacnam.nhaplieu", "submit", "Gửi duyệt", "clerk"
            )
            self.assertIn("ĐƠN VỊ HÀNH CHÍNH", board)  # the admin writes headers in capitals
            self.assertIn("Huyện Pác Nặm", board)
            self.assertIn("Gửi số liệu năm 2024 của Huyện Pác Nặm lên người duyệt", explanation)
            self.assertIn("Đã gửi duyệt số liệu năm 2024 của Huyện Pác Nặm.", message)
            self.assertIn("đã trình duyệt", state)
            self.assertIn("gửi muộn", state)
            self.assertLessEqual(width, SCREEN["width"])

            board, explanation, message, state, width = self.take_step(
                page, "pacnam.duyet", "approve", "Duyệt", "reviewer"
            )
            self.assertIn("đã trình duyệt", board)
            self.assertIn("khóa số liệu năm 2024 của Huyện Pác Nặm", explanation)
            self.assertIn("Đã duyệt số liệu năm 2024 của Huyện Pác Nặm; số liệu đã được khóa.", message)
            self.assertIn("đã phê duyệt", state)
            self.assertLessEqual(width, SCREEN["width"])
        approval = YearApproval.objects.get(area__code="060", year=2024)
        self.assertEqual(
            (approval.state, approval.submitted_by.username, approval.approved_by.username),
            (YearApproval.State.APPROVED, "pacnam.nhaplieu", "pacnam.duyet"),
        )
