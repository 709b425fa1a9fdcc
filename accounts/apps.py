from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from accounts.services import login_lockout_record
        from accounts.sessions import seen_at_login

        def audit_lockout(sender, request, username, ip_address, **kwargs):
            login_lockout_record(username=username or "", ip_address=ip_address or "")

        # A signal, not a call: django-axes decides the lockout inside Django's authenticate().
        user_locked_out.connect(audit_lockout, dispatch_uid="accounts.audit_lockout", weak=False)
        user_logged_in.connect(seen_at_login, dispatch_uid="accounts.seen_at_login")
