from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClubsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clubs"
    verbose_name = _("Clubs")

    def ready(self) -> None:
        from areas.signals import lineage_loaded
        from clubs import receivers

        lineage_loaded.connect(receivers.lineage_loaded, dispatch_uid="clubs.lineage_loaded")
