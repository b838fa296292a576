from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The Bắc Kạn 2024 demo: its data and `manage.py load_demo_data`. Nothing imports it."""

    name = "demo"
    verbose_name = _("Demo")
