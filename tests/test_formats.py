import datetime
from decimal import Decimal

from django import forms
from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import formats


class VietnameseFormatsTests(SimpleTestCase):
    """Django's own vi locale prints 7000 and reads 05/12/2024 as 12 May; ours does neither."""

    def test_number_format_groups_thousands_with_a_dot(self):
        self.assertEqual(formats.number_format(7000, force_grouping=True), "7.000")
        self.assertEqual(formats.number_format(Decimal("1234.5"), 1, force_grouping=True), "1.234,5")

    def test_a_date_is_read_day_first(self):
        field = forms.DateField()
        self.assertEqual(field.clean("05/12/2024"), datetime.date(2024, 12, 5))
        self.assertEqual(field.clean("25/12/2024"), datetime.date(2024, 12, 25))

    def test_a_two_digit_year_is_not_guessed(self):
        with self.assertRaises(forms.ValidationError):
            forms.DateField().clean("05/12/24")

    def test_a_date_prints_as_dd_mm_yyyy(self):
        rendered = Template('{{ day|date:"SHORT_DATE_FORMAT" }} {{ day }}').render(
            Context({"day": datetime.date(2024, 2, 5)})
        )
        self.assertEqual(rendered, "05/02/2024 05/02/2024")

    def test_a_year_is_not_grouped(self):
        self.assertEqual(Template("{{ year }}").render(Context({"year": 2024})), "2024")


class DocumentDateTests(SimpleTestCase):
    def render(self, day):
        return Template("{% load vn_format %}{{ day|document_date }}").render(Context({"day": day}))

    def test_pads_days_and_only_the_first_two_months(self):
        self.assertEqual(self.render(datetime.date(2025, 2, 5)), "ngày 05 tháng 02 năm 2025")
        self.assertEqual(self.render(datetime.date(2024, 3, 15)), "ngày 15 tháng 3 năm 2024")
        self.assertEqual(self.render(datetime.date(2024, 12, 1)), "ngày 01 tháng 12 năm 2024")

    def test_without_a_date_leaves_it_for_the_signer(self):
        self.assertEqual(self.render(None), "ngày …… tháng …… năm ……")
