from django.apps import AppConfig


class ClubsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clubs"

    def ready(self) -> None:
        from areas.signals import lineage_loaded
        from clubs import receivers

        lineage_loaded.connect(receivers.lineage_loaded, dispatch_uid="clubs.lineage_loaded")
