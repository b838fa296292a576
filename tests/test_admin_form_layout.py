"""Register forms as a clerk meets them: an error about one field sits on that field, and the gift
form starts with what decides the gift and opens on the current year."""

from decimal import Decimal

from django.apps import apps
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint
from django.utils import timezone

from beneficiaries.models import FuneralAllowance, LongevityGift
from bkxh.records import Record, condition_fields
from tests.admin_forms import AdminFormTestCase, admin_url
from tests.factories import make_funeral_allowance, make_longevity_gift, make_person

NEGATIVE = "Số tiền không được là số âm."


class FieldErrorTests(AdminFormTestCase):
    def field_errors(self, response):
        self.assertEqual(response.status_code, 200, "the form was saved")
        form = response.context["adminform"].form
        return {name: list(errors) for name, errors in form.errors.items()}

    def test_a_negative_cash_amount_is_refused_on_the_cash_field(self):
        person = make_person(birth_year=1934)
        errors = self.field_errors(
            self.add(LongevityGift, person=person, milestone=90, year=2024, commune=person.commune, cash_vnd=-1)
        )
        self.assertEqual(errors, {"cash_vnd": [NEGATIVE]})

    def test_a_negative_amount_in_kind_is_refused_on_its_own_field_not_on_the_cash(self):
        gift = make_longevity_gift()
        errors = self.field_errors(self.change(gift, in_kind_vnd=-5))
        self.assertEqual(errors, {"in_kind_vnd": [NEGATIVE]})

    def test_a_funeral_allowance_of_nothing_is_refused_on_the_amount(self):
        allowance = make_funeral_allowance()
        errors = self.field_errors(self.change(allowance, amount_vnd=0))
        self.assertEqual(errors, {"amount_vnd": ["Số tiền phải lớn hơn 0 đồng."]})

    def test_every_check_constraint_about_one_field_is_reported_on_that_field(self):
        checked = 0
        for model in apps.get_models():
            if not issubclass(model, Record):
                continue
            for constraint in model._meta.constraints:
                fields = condition_fields(constraint.condition) if isinstance(constraint, CheckConstraint) else ()
                value = _violating_value(constraint) if len(fields) == 1 else None
                if value is None:
                    continue
                (field_name,) = fields
                with self.subTest(constraint=constraint.name):
                    checked += 1
                    instance = model()
                    setattr(instance, model._meta.get_field(field_name).attname, value)
                    # Every other field left out, so that only this constraint is checked.
                    others = {field.name for field in model._meta.fields if field.name != field_name}
                    with self.assertRaises(ValidationError) as refused:
                        instance.validate_constraints(exclude=others)
                    self.assertEqual(
                        refused.exception.message_dict, {field_name: [str(constraint.get_violation_error_message())]}
                    )
        self.assertGreater(checked, 10)


def _violating_value(constraint):
    """A value that breaks a one-field condition like `amount > 0` or `1 <= months <= 6`."""
    lookup, bound = constraint.condition.children[0]
    if not isinstance(bound, int | Decimal):
        return None  # compared with another field (ends_on >= starts_on)
    operator = lookup.rsplit("__", 1)[-1]
    return {"gt": bound, "gte": bound - 1, "lt": bound, "lte": bound + 1}.get(operator)


class GiftFormTests(AdminFormTestCase):
    def test_the_gift_form_starts_with_the_person_and_milestone_and_ends_with_the_note(self):
        page = self.client.get(admin_url(LongevityGift, "add"))
        fields = [name for name in flatten_fieldsets(page.context["adminform"].fieldsets) if name != "version"]
        self.assertEqual(fields[:2], ["person", "milestone"])
        self.assertEqual(fields[-1], "note")

    def test_a_new_gift_is_for_the_current_year(self):
        page = self.client.get(admin_url(LongevityGift, "add"))
        self.assertEqual(page.context["adminform"].form["year"].value(), timezone.localdate().year)

    def test_a_new_funeral_allowance_is_for_the_current_year_too(self):
        page = self.client.get(admin_url(FuneralAllowance, "add"))
        self.assertEqual(page.context["adminform"].form["year"].value(), timezone.localdate().year)
