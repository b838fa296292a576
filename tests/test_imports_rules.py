"""A check constraint evaluated in Python must agree with SQL: an unknown (NULL) result passes."""

from decimal import Decimal

from django.db.models import Q
from django.test import SimpleTestCase

from beneficiaries.models import LongevityGift
from imports.rules import _compile


def outcome(condition, cash, in_kind):
    return _compile(condition, LongevityGift)(LongevityGift(cash_vnd=cash, in_kind_vnd=in_kind))


class CompiledConditionTests(SimpleTestCase):
    def test_an_and_is_false_on_one_false_part_and_unknown_on_an_unknown_one(self):
        both = Q(cash_vnd__gte=0, in_kind_vnd__gte=0)
        self.assertIs(outcome(both, Decimal(5), Decimal(-1)), False)
        self.assertIs(outcome(both, None, Decimal(-1)), False)
        self.assertIsNone(outcome(both, None, Decimal(5)))
        self.assertIs(outcome(both, Decimal(5), Decimal(5)), True)

    def test_an_or_is_true_on_one_true_part_and_unknown_on_an_unknown_one(self):
        either = Q(cash_vnd__gte=0) | Q(in_kind_vnd__gte=0)
        self.assertIs(outcome(either, Decimal(-1), Decimal(5)), True)
        self.assertIs(outcome(either, None, Decimal(5)), True)
        self.assertIsNone(outcome(either, Decimal(-1), None))
        self.assertIs(outcome(either, Decimal(-1), Decimal(-1)), False)

    def test_a_negated_unknown_stays_unknown(self):
        self.assertIsNone(outcome(~Q(cash_vnd__gte=0), None, Decimal(0)))
        self.assertIs(outcome(~Q(cash_vnd__gte=0), Decimal(-1), Decimal(0)), True)
