"""The registers' lists on the screen staff have, 1366×768: no list scrolls sideways, neither the
page nor its table, for the province administrator and for a district clerk, and the figures'
Save button is on the first screen."""

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from demo.loading import DEMO_PASSWORD, DEMO_USERNAME
from tests.browser import browser_page, log_in
from tests.demo import load_demo

SCREEN = {"width": 1366, "height": 768}
LISTS = [
    "beneficiaries/longevitygift",
    "beneficiaries/ricereliefline",
    "beneficiaries/funeralallowance",
    "beneficiaries/person",
    "beneficiaries/worshipallowance",
    "beneficiaries/housingsupport",
    "beneficiaries/household",
    "beneficiaries/elderlyvisit",
    "indicators/indicatorvalue",
    "indicators/indicator",
]
# The page's width, and that of the list's table against its box (Django lets the table scroll
# inside its box, so the page alone would always seem to fit).
WIDTHS = """() => {
  const results = document.querySelector('#changelist .results');
  return {
    page: document.documentElement.scrollWidth,
    table: results ? results.scrollWidth : 0,
    box: results ? results.clientWidth : 0,
  };
}"""


@pytest.mark.browser
class ListsFitTheScreenTests(StaticLiveServerTestCase):
    def setUp(self):
        load_demo()

    def widths(self, username):
        measured = {}
        with browser_page(viewport=SCREEN) as page:
            log_in(page, self.live_server_url, username=username, password=DEMO_PASSWORD)
            for path in LISTS:
                page.goto(f"{self.live_server_url}/admin/{path}/")
                measured[path] = page.evaluate(WIDTHS)
        return measured

    def test_every_list_fits_the_screen_of_the_administrator_and_of_a_district_clerk(self):
        for username in (DEMO_USERNAME, "pacnam.nhaplieu"):
            for path, widths in self.widths(username).items():
                with self.subTest(user=username, list=path):
                    self.assertLessEqual(widths["page"], SCREEN["width"])
                    self.assertLessEqual(widths["table"], widths["box"])

    def test_the_figures_can_be_saved_from_the_first_screen(self):
        with browser_page(viewport=SCREEN) as page:
            log_in(page, self.live_server_url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
            page.goto(f"{self.live_server_url}/admin/indicators/indicatorvalue/?year=2024")
            page.fill("#id_form-0-actual", "7.100")
            save = page.locator("input[name=_save]").first
            top = save.bounding_box()["y"]
            with page.expect_navigation():
                save.click()
            message = page.inner_text(".messagelist")
        self.assertLess(top, SCREEN["height"])
        self.assertIn("thành công", message)
