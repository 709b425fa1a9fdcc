"""Who changed what, and when: one row per write made through a service."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What people read for each action code written by the services. Every code written has one
# (tests/audit/test_labels.py finds them in the code); an unknown code, from an older version, is
# shown as is.
ACTION_LABELS = {
    "areas.units.loaded": _("administrative units loaded"),
    "areas.lineage.loaded": _("lineage between maps loaded"),
    "areas.unit.classified": _("unit's area type recorded"),
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
    "members.attendance.recorded": _("meeting attendance recorded"),
    "accounts.user.created": _("user account created"),
    "accounts.user.admin_rights_changed": _("administration rights of a user account changed"),
    "accounts.role.granted": _("role granted"),
    "accounts.role.changed": _("role changed"),
    "accounts.role.ended": _("role ended"),
    "accounts.role.deleted": _("role deleted"),
    "accounts.login.locked_out": _("login locked out after wrong passwords"),
    "accounts.login.unlocked": _("locked-out login unlocked"),
    "clubs.board_position.started": _("board position started"),
    "clubs.board_position.ended": _("board position ended"),
    "clubs.board_position.replaced": _("board position handed over"),
    "clubs.team.created": _("team created"),
    "clubs.team.updated": _("team changed"),
    "clubs.team.ended": _("team ended"),
    "clubs.team_membership.started": _("joined a team"),
    "clubs.team_membership.ended": _("left a team"),
    "funds.entry.recorded": _("cash-book entry recorded"),
    "funds.contributions_sheet.recorded": _("meeting contributions sheet saved"),
    "funds.fund.usual_contribution_set": _("usual monthly contribution set"),
    "funds.month.closed": _("month's books closed"),
    "funds.month.reopened": _("month's books reopened"),
    "loans.rules.recorded": _("loan rules recorded"),
    "loans.loan.applied": _("loan applied for"),
    "loans.loan.approved": _("loan approved"),
    "loans.loan.rejected": _("loan rejected"),
    "loans.loan.disbursed": _("loan disbursed"),
    "loans.loan.taken_over": _("loan taken over from the paper books"),
    "loans.loan.written_off": _("loan written off"),
    "loans.loan.rescheduled": _("loan rescheduled"),
    "loans.repayment.recorded": _("repayment recorded"),
    "loans.repayment.reversed": _("repayment reversed"),
    "loans.collection_sheet.recorded": _("meeting collection sheet saved"),
    "loans.club.went_live": _("club's paper books taken over"),
    "activities.report.started": _("monthly report started"),
    "activities.report.submitted": _("monthly report submitted"),
    "activities.report.returned": _("monthly report returned with a comment"),
    "activities.report.accepted": _("monthly report accepted"),
    "activities.report.reopened": _("monthly report reopened"),
    "spreadsheets.clubs.imported": _("clubs imported from a spreadsheet"),
    "spreadsheets.members.imported": _("members imported from a spreadsheet"),
    "spreadsheets.cutoff.imported": _("cut-off sheet imported"),
    "exports.personal_data.exported": _("list of people exported"),
    "exports.personal_data.printed": _("list of people shown for printing"),
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
    # The object's name folded (core.text.fold), for the log's accent-insensitive search.
    target_folded = models.CharField(_("object (search)"), max_length=255, blank=True, editable=False)
    # The club the entry belongs to (the club itself, or the club of the loan, member, report…):
    # the log is scoped by it (accounts.access.audit_entries_for) and filtered on it. None for
    # what no one club holds: the maps, target plans, accounts. Named by string, like the user
    # model: the audit log sits below the register and imports none of it.
    club = models.ForeignKey(
        "clubs.Club", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("club")
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        # In Vietnam time, as the pages show it (the database holds UTC).
        when = timezone.localtime(self.created_at)
        return f"{when:%d/%m/%Y %H:%M} · {self.get_action_display()} · {self.target_repr}"

    def get_action_display(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
