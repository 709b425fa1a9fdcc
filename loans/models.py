"""The loan book of a club's income-generation fund (docs/domain.md §4).

- Loan rules come from the club's operating regulations and are versioned by effective date;
  a loan copies the rules in force when it is approved (a loan outside them carries the reason
  it was allowed).
- A loan goes applied → approved (or rejected) → disbursed → repaid, or written off.
  Disbursement creates the repayment schedule (Instalment rows) and the cash-book entry.
- A repayment is split over the instalments (Allocation rows); what is paid on a day is the sum
  of the allocations of repayments made by then, so arrears and PAR can be computed as of any
  date. Rescheduling cancels the unpaid instalments and adds new ones; it never rewrites history.
- A loan taken over from paper when a running club goes live (the cut-off sheet) keeps its
  original amount and dates; `repaid_before_go_live` holds the principal repaid before the
  cut-off, and its schedule holds only what was still due then.
"""

import datetime
from decimal import Decimal
from typing import Self, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clubs.models import Club
from core.types import Text

MAX_MONTHLY_RATE_PERCENT = 10  # a rate per month above this is a typing slip, not a club's rule
MAX_TERM_MONTHS = 120
MAX_GRACE_DAYS = 90


class InterestMethod(models.TextChoices):
    FLAT = "flat", _("flat, on the original amount")
    DECLINING = "declining", _("on the declining balance")


class RepaymentFrequency(models.TextChoices):
    MONTHLY = "monthly", _("principal and interest every month")
    AT_END = "at_end", _("interest every month, principal at the end")


class LoanPurpose(models.TextChoices):
    LIVESTOCK = "livestock", _("raising livestock")
    CROPS = "crops", _("crops")
    TRADE = "trade", _("small trade")
    SERVICES = "services", _("services")
    OTHER = "other", _("other")


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    DISBURSED = "disbursed", _("disbursed")
    REPAID = "repaid", _("repaid")
    WRITTEN_OFF = "written_off", _("written off")


OPEN_STATUSES = (LoanStatus.DISBURSED,)
# Applied for, approved or out: a member has one such loan at a time (loans run in cycles).
IN_PROGRESS_STATUSES = (LoanStatus.APPLIED, LoanStatus.APPROVED, LoanStatus.DISBURSED)


class DecisionBody(models.TextChoices):
    BOARD = "board", _("board decision")
    MEETING = "meeting", _("members' meeting")


def _rate_field(verbose_name: Text) -> "models.DecimalField[str | float | Decimal | Combinable, Decimal]":
    return models.DecimalField(
        verbose_name,
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONTHLY_RATE_PERCENT)],
        help_text=_("Percent per month, for example 0,5. May be 0."),
    )


class LoanRulesQuerySet(models.QuerySet["LoanRules"]):
    def in_force(self, club: Club, on: datetime.date) -> "LoanRules | None":
        """The version of a club's rules in force on a day, or None."""
        return self.filter(club=club, effective_from__lte=on).order_by("-effective_from").first()


class LoanRules(models.Model):
    """The loan rules of a club's operating regulations, in force from a date until the next version."""

    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="loan_rules", verbose_name=_("club"))
    effective_from = models.DateField(_("in force from"))
    max_amount = models.BigIntegerField(_("maximum amount (đồng)"))
    max_term_months = models.PositiveSmallIntegerField(
        _("maximum term (months)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TERM_MONTHS)]
    )
    monthly_rate = _rate_field(_("interest rate per month (%)"))
    method = models.CharField(_("interest method"), max_length=16, choices=InterestMethod.choices)
    frequency = models.CharField(_("repayment"), max_length=16, choices=RepaymentFrequency.choices)
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=0,
        validators=[MaxValueValidator(MAX_GRACE_DAYS)],
        help_text=_(
            "Days after the due date before the board chases an unpaid instalment. The portfolio counts "
            "days overdue from the due date itself."
        ),
    )
    regulation_reference = models.CharField(
        _("regulation reference"),
        max_length=200,
        blank=True,
        help_text=_("For example: Operating regulations, article 12."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = LoanRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan rules")
        verbose_name_plural = _("loan rules")
        ordering = ["club", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["club", "effective_from"], name="loan_rules_one_version_per_day"),
            models.CheckConstraint(condition=Q(max_amount__gt=0), name="loan_rules_max_amount_positive"),
            models.CheckConstraint(
                condition=Q(max_term_months__gte=1, max_term_months__lte=MAX_TERM_MONTHS), name="loan_rules_term_range"
            ),
            models.CheckConstraint(
                condition=Q(monthly_rate__gte=0, monthly_rate__lte=MAX_MONTHLY_RATE_PERCENT),
                name="loan_rules_rate_range",
            ),
            models.CheckConstraint(condition=Q(grace_days__lte=MAX_GRACE_DAYS), name="loan_rules_grace_range"),
        ]

    def __str__(self) -> str:
        return f"{self.club} — {self.effective_from:%d/%m/%Y}"


_LoanT = TypeVar("_LoanT", bound="Loan", covariant=True)


class LoanQuerySet(models.QuerySet[_LoanT]):
    """Which loans count, written once: the services, pages, reports, exports and imports all ask
    these (never their own copy of the conditions)."""

    def in_progress(self) -> Self:
        """Loans a member has in progress: applied for, approved or out (not yet repaid, written off
        or rejected). A member may have one at a time, whatever the club."""
        return self.filter(status__in=IN_PROGRESS_STATUSES)

    def out_on(self, day: datetime.date) -> Self:
        """Loans out, in the portfolio, on `day`: disbursed by then (a loan taken over from paper:
        and taken over by then) and not closed — repaid or written off — on or before it. A loan
        repaid or written off on a day is out until the day before."""
        return self.filter(
            Q(disbursed_on__lte=day),
            Q(go_live_on__isnull=True) | Q(go_live_on__lte=day),
            Q(closed_on__isnull=True) | Q(closed_on__gt=day),
        )

    def out_during(self, start: datetime.date, end: datetime.date) -> Self:
        """Loans out (out_on) on at least one day from `start` to `end`, both included; out_on(day)
        for a single day. A loan repaid or written off on the day it went out was never out."""
        if start > end:
            return self.none()
        # The first day a loan is out: its take-over, which loans.services puts after its
        # disbursement, or its disbursement.
        first_day_out = Coalesce("go_live_on", "disbursed_on")
        return self.filter(
            Q(disbursed_on__lte=end),
            Q(go_live_on__isnull=True) | Q(go_live_on__lte=end),
            Q(closed_on__isnull=True) | (Q(closed_on__gt=start) & Q(closed_on__gt=first_day_out)),
        )


class Loan(models.Model):
    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="loans", verbose_name=_("club"))
    borrower = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="loans", verbose_name=_("borrower")
    )
    cycle = models.PositiveSmallIntegerField(_("loan cycle"), help_text=_("1 for the member's first loan in the club."))
    purpose = models.CharField(_("purpose"), max_length=16, choices=LoanPurpose.choices)
    purpose_note = models.CharField(_("what the money is for"), max_length=300, blank=True)
    amount = models.BigIntegerField(_("amount (đồng)"))
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TERM_MONTHS)]
    )
    monthly_rate = _rate_field(_("interest rate per month (%)"))
    method = models.CharField(_("interest method"), max_length=16, choices=InterestMethod.choices)
    frequency = models.CharField(_("repayment"), max_length=16, choices=RepaymentFrequency.choices)
    grace_days = models.PositiveSmallIntegerField(_("grace period (days)"), default=0)
    rules = models.ForeignKey(
        LoanRules, on_delete=models.PROTECT, null=True, blank=True, related_name="loans", verbose_name=_("loan rules")
    )
    override_reason = models.TextField(
        _("reason for going beyond the rules"),
        blank=True,
        help_text=_("Required when the loan is larger, longer or cheaper than the rules in force allow."),
    )
    guarantor = models.CharField(_("guarantor"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=LoanStatus.choices, default=LoanStatus.APPLIED)
    applied_on = models.DateField(_("application date"))
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decision_body = models.CharField(_("decided by"), max_length=16, choices=DecisionBody.choices, blank=True)
    decision_reference = models.CharField(
        _("minutes or decision reference"),
        max_length=200,
        blank=True,
        help_text=_("For example: Minutes of 05/03/2025."),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    disbursed_on = models.DateField(_("disbursement date"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    write_off_reason = models.TextField(_("reason for the write-off"), blank=True)
    write_off_reference = models.CharField(_("write-off decision"), max_length=200, blank=True)
    written_off_amount = models.BigIntegerField(_("principal written off (đồng)"), default=0)
    # Loans taken over from paper when a running club goes live (the cut-off sheet).
    go_live_on = models.DateField(_("taken over on"), null=True, blank=True)
    repaid_before_go_live = models.BigIntegerField(_("principal repaid before the take-over (đồng)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["club", "-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(
                condition=Q(term_months__gte=1, term_months__lte=MAX_TERM_MONTHS), name="loan_term_range"
            ),
            models.CheckConstraint(
                condition=Q(monthly_rate__gte=0, monthly_rate__lte=MAX_MONTHLY_RATE_PERCENT), name="loan_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(repaid_before_go_live__gte=0, repaid_before_go_live__lt=models.F("amount")),
                name="loan_repaid_before_go_live_range",
            ),
            models.CheckConstraint(
                condition=Q(written_off_amount__gte=0, written_off_amount__lte=models.F("amount")),
                name="loan_written_off_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[LoanStatus.APPLIED, LoanStatus.APPROVED, LoanStatus.REJECTED])
                | Q(disbursed_on__isnull=False),
                name="loan_disbursed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(disbursed_on__isnull=True) | Q(disbursed_on__gte=models.F("applied_on")),
                name="loan_disbursed_not_before_applied",
            ),
        ]
        indexes = [models.Index(fields=["club", "status"], name="loan_club_status_idx")]

    def __str__(self) -> str:
        return f"{self.borrower} — {self.amount} — {self.club}"

    def get_absolute_url(self) -> str:
        return reverse("loans:loan-detail", args=[self.club_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_in_progress(self) -> bool:
        """LoanQuerySet.in_progress, for a loan already read."""
        return self.status in IN_PROGRESS_STATUSES


_InstalmentT = TypeVar("_InstalmentT", bound="Instalment", covariant=True)


class InstalmentQuerySet(models.QuerySet[_InstalmentT]):
    def live_on(self, on: datetime.date) -> Self:
        """Instalments still part of the schedule on a day (not cancelled by a rescheduling or closure)."""
        return self.filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=on))


class Instalment(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="instalments", verbose_name=_("loan"))
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    # due_on + the loan's grace period: unpaid after this day, the board chases the payment (the
    # loan's page marks the instalment late). Days past due and PAR count from due_on all the same.
    late_after = models.DateField(_("late after"))
    principal_due = models.BigIntegerField(_("principal due (đồng)"))
    interest_due = models.BigIntegerField(_("interest due (đồng)"))
    cancelled_on = models.DateField(
        _("cancelled on"),
        null=True,
        blank=True,
        help_text=_("Replaced by a new schedule, or not owed after the loan closed early."),
    )
    # The day the repayments not reversed first paid all that is due on it (loans.allocation.
    # settled_on): it is late on a day after its due date and before this one, or while None.
    # Kept by the repayment services, so that the portfolio and PAR30 over thousands of clubs
    # need not add up each instalment's payments to know which are late.
    settled_on = models.DateField(_("paid in full on"), null=True, blank=True, editable=False)

    objects = InstalmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="instalment_number_unique_per_loan"),
            models.CheckConstraint(
                condition=Q(principal_due__gte=0, interest_due__gte=0), name="instalment_amounts_not_negative"
            ),
            models.CheckConstraint(condition=Q(late_after__gte=models.F("due_on")), name="instalment_late_after_due"),
        ]
        indexes = [models.Index(fields=["loan", "due_on"], name="instalment_loan_due_idx")]

    def __str__(self) -> str:
        return f"{self.loan} — {self.number} — {self.due_on:%d/%m/%Y}"

    @property
    def amount_due(self) -> int:
        return self.principal_due + self.interest_due


class Repayment(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("loan"))
    paid_on = models.DateField(_("date paid"))
    amount = models.BigIntegerField(_("amount (đồng)"))
    principal = models.BigIntegerField(_("of which principal (đồng)"))
    interest = models.BigIntegerField(_("of which interest (đồng)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True)
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True)
    # Paid the whole principal before the end of the term: the later instalments' interest was waived.
    closed_loan_early = models.BooleanField(_("closed the loan early"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["loan", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(principal__gte=0, interest__gte=0, amount=models.F("principal") + models.F("interest")),
                name="repayment_split_adds_up",
            ),
        ]
        indexes = [models.Index(fields=["loan", "paid_on"], name="repayment_loan_paid_idx")]

    def __str__(self) -> str:
        return f"{self.loan.borrower} — {self.amount} — {self.paid_on:%d/%m/%Y}"


class Allocation(models.Model):
    """The part of a repayment that went to one instalment."""

    repayment = models.ForeignKey(
        Repayment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("repayment")
    )
    instalment = models.ForeignKey(
        Instalment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("instalment")
    )
    principal = models.BigIntegerField(_("principal (đồng)"))
    interest = models.BigIntegerField(_("interest (đồng)"))

    class Meta:
        verbose_name = _("repayment allocation")
        verbose_name_plural = _("repayment allocations")
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gte=0, interest__gte=0) & (Q(principal__gt=0) | Q(interest__gt=0)),
                name="allocation_amounts_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.repayment} → {self.instalment.number}"


class Rescheduling(models.Model):
    """A board decision to spread what a borrower still owes over a new schedule."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="reschedulings", verbose_name=_("loan"))
    rescheduled_on = models.DateField(_("date"))
    term_months = models.PositiveSmallIntegerField(_("new term (months)"))
    first_due_on = models.DateField(_("first new due date"))
    principal = models.BigIntegerField(_("principal rescheduled (đồng)"))
    interest_carried = models.BigIntegerField(_("unpaid interest carried over (đồng)"))
    reason = models.TextField(_("reason"))
    decision_reference = models.CharField(_("board decision reference"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rescheduling")
        verbose_name_plural = _("reschedulings")
        ordering = ["loan", "rescheduled_on", "pk"]

    def __str__(self) -> str:
        return f"{self.loan} — {self.rescheduled_on:%d/%m/%Y}"
