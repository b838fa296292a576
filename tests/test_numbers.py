from decimal import Decimal

from django.test import SimpleTestCase

from bkxh.numbers import format_decimal, parse_decimal, percent_of, round_half_up


class ParseDecimalTests(SimpleTestCase):
    def test_reads_vietnamese_thousands_and_decimals(self):
        cases = {
            "7000": "7000",
            "7.000": "7000",
            "1.234.567": "1234567",
            "1 234 567": "1234567",
            "1234,5": "1234.5",
            "1.234,5": "1234.5",
            "0,75": "0.75",
            " 42 ": "42",
            "-5": "-5",
            "1\u00a0000": "1000",
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_decimal(text), Decimal(expected))

    def test_refuses_what_it_would_have_to_guess(self):
        for text in ["1.5", "12.34", "7,000", "1,234", "1,234.5", "1,234,567", "1.23.4", "abc", "", "1,2,3", "12.3456"]:
            with self.subTest(text=text), self.assertRaises(ValueError):
                parse_decimal(text)

    def test_refuses_digits_other_than_ascii(self):
        for text in ["１００.０００", "٣", "１２", "1٣"]:
            with self.subTest(text=text), self.assertRaisesMessage(ValueError, "không phải là số"):
                parse_decimal(text)

    def test_message_of_an_ambiguous_number_says_how_to_write_it(self):
        with self.assertRaisesMessage(ValueError, "7.000"):
            parse_decimal("7,000")


class RoundingTests(SimpleTestCase):
    def test_rounds_half_up_to_one_decimal(self):
        self.assertEqual(round_half_up(Decimal("109.375")), Decimal("109.4"))
        self.assertEqual(round_half_up(Decimal("106.25")), Decimal("106.3"))
        self.assertEqual(round_half_up(Decimal("113.75")), Decimal("113.8"))
        self.assertEqual(round_half_up(Decimal("102.05")), Decimal("102.1"))

    def test_percent_of_the_articles_figures(self):
        self.assertEqual(percent_of(Decimal(7000), Decimal(6400)), Decimal("109.4"))
        self.assertEqual(percent_of(Decimal(8500), Decimal(8000)), Decimal("106.3"))
        self.assertEqual(percent_of(Decimal(23758), Decimal(23279)), Decimal("102.1"))
        self.assertEqual(percent_of(Decimal(1200), Decimal(500)), Decimal("240.0"))

    def test_percent_without_a_plan_is_none(self):
        self.assertIsNone(percent_of(Decimal(5), None))
        self.assertIsNone(percent_of(Decimal(5), Decimal(0)))
        self.assertIsNone(percent_of(None, Decimal(5)))


class FormatDecimalTests(SimpleTestCase):
    def test_groups_thousands_with_dots_and_drops_trailing_zeros(self):
        self.assertEqual(format_decimal(Decimal("7000.00")), "7.000")
        self.assertEqual(format_decimal(Decimal("259310")), "259.310")
        self.assertEqual(format_decimal(Decimal("4500000000")), "4.500.000.000")
        self.assertEqual(format_decimal(Decimal("4.5")), "4,5")
        self.assertEqual(format_decimal(Decimal("999")), "999")
        self.assertEqual(format_decimal(Decimal("-1234.5")), "-1.234,5")

    def test_with_places_prints_exactly_that_many(self):
        self.assertEqual(format_decimal(Decimal("240"), 1), "240,0")
        self.assertEqual(format_decimal(Decimal("109.375"), 1), "109,4")
