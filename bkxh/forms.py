"""Form fields that read figures the Vietnamese way (7.000; 1.234,5)."""

from django import forms
from django.core.exceptions import ValidationError

from bkxh.numbers import format_decimal, parse_decimal


class VietnameseDecimalField(forms.DecimalField):
    """A DecimalField for staff: shows 7.000 and reads 7.000, 7000 or 1.234,5.

    Django's own DecimalField, unless localized, reads "7.000" as seven; localized, it still
    takes "1.5" as one and a half. This one refuses what it cannot read for sure.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "vn-number"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value):
        if value in self.empty_values or isinstance(value, str):
            return value
        return format_decimal(value)

    def widget_attrs(self, widget):
        # The parent adds step/min/max for a NumberInput; a text input needs none of them.
        return forms.Field.widget_attrs(self, widget)
