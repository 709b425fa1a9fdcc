from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`): the province on 24/11/2022 and its 2022–2025 plan."""

    name = "demo"
    verbose_name = _("Demo data")
