"""Who changed what, and when: one row per write made through a service."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What people read for each action code written by the services; a code missing here is shown as is.
ACTION_LABELS = {
    "areas.units.loaded": _("administrative units loaded"),
    "areas.lineage.loaded": _("lineage between maps loaded"),
    "clubs.club.created": _("club registered"),
    "clubs.club.updated": _("club details changed"),
    "clubs.club.suspended": _("club suspended"),
    "clubs.club.resumed": _("club resumed"),
    "clubs.club.dissolved": _("club dissolved"),
    "clubs.club.located": _("club located on the maps"),
    "clubs.club.location_decided": _("club's unit decided where the map changed"),
    "members.person.created": _("person recorded"),
    "members.person.updated": _("person's details changed"),
    "members.household_status.set": _("household economic status recorded"),
    "members.membership.started": _("joined the club"),
    "members.membership.ended": _("left the club"),
    "members.person.account_linked": _("user account linked"),
    "accounts.user.created": _("user account created"),
    "clubs.board_position.started": _("board position started"),
    "clubs.board_position.ended": _("board position ended"),
    "clubs.board_position.replaced": _("board position handed over"),
    "clubs.team.created": _("team created"),
    "clubs.team.updated": _("team changed"),
    "clubs.team.ended": _("team ended"),
    "clubs.team_membership.started": _("joined a team"),
    "clubs.team_membership.ended": _("left a team"),
    "spreadsheets.clubs.imported": _("clubs imported from a spreadsheet"),
    "spreadsheets.members.imported": _("members imported from a spreadsheet"),
    "targets.plan.created": _("target plan created"),
    "targets.plan.updated": _("target plan changed"),
}


class AuditEntry(models.Model):
    # Null for writes made by a management command with no user behind them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64)
    target_id = models.CharField(_("object id"), max_length=64)
    target_repr = models.CharField(_("object"), max_length=255)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def get_action_display(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
