from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "boards"
    verbose_name = _("Boards and teams")

    def ready(self):
        from boards import receivers
        from members.signals import membership_ended

        membership_ended.connect(receivers.membership_ended, dispatch_uid="boards.membership_ended")
