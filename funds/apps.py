from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funds"
    verbose_name = _("Funds")

    def ready(self):
        from clubs.signals import club_created
        from funds import receivers

        club_created.connect(receivers.club_created, dispatch_uid="funds.club_created")
