"""The registers, found from the models rather than listed by hand.

A register is a model of this app whose rows belong to a year and a unit: it declares both
paths (`year_path`, `area_path`, as every record does) and its queryset is a RegisterQuerySet
(`for_year`, `within`). People, households and decisions belong to no year: they are what
registers point at. Adding a register is adding its model (README, "Adding a register"); the
report, the demo's summary and the tests that go through every register find it here.
"""

from django.apps import apps

from beneficiaries.models.base import RegisterQuerySet


def register_models():
    """Every register model, in the order the app defines them (their history models have no
    year_path: they are not registers)."""
    return tuple(
        model
        for model in apps.get_app_config("beneficiaries").get_models()
        if getattr(model, "year_path", None) is not None
        and isinstance(model._default_manager.get_queryset(), RegisterQuerySet)
    )
