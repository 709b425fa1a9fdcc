from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`): the province on 24/11/2022 and its 2022–2025 plan."""

    name = "demo"
