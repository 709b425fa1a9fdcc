"""A club's two funds and their cash books (docs/domain.md §4).

Every club has exactly two funds, opened with the club: the income-generation fund (Quỹ tăng
thu nhập, the revolving loan fund) and the activity fund (Quỹ hoạt động). Money moves only
through entries: an entry is never edited or deleted, a mistake is put right by a correction
entry that reverses it. Amounts are whole đồng, always positive; the entry type gives the
direction (`direction` is +1 for money in, -1 for money out) and the database checks that the
two agree. A fund's balance on a day is the sum of its signed entries up to that day.

A club closes a month after its meeting: from then on nothing may be dated in that month, and
only province staff and admins may correct its entries.
"""

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clubs.models import Club
from core.dates import month_start


class FundKind(models.TextChoices):
    INCOME = "income", _("income-generation fund")  # Quỹ tăng thu nhập
    ACTIVITY = "activity", _("activity fund")  # Quỹ hoạt động


class EntryType(models.TextChoices):
    OPENING = "opening", _("opening balance")
    CONTRIBUTION = "contribution", _("contribution")
    DISBURSEMENT = "disbursement", _("loan disbursement")
    PRINCIPAL = "principal", _("principal repayment")
    INTEREST = "interest", _("interest / fee")
    SPENDING = "spending", _("activity spending")
    TRANSFER_OUT = "transfer_out", _("transfer to the other fund")
    TRANSFER_IN = "transfer_in", _("transfer from the other fund")
    CORRECTION = "correction", _("correction")


MONEY_IN = frozenset(
    {EntryType.OPENING, EntryType.CONTRIBUTION, EntryType.PRINCIPAL, EntryType.INTEREST, EntryType.TRANSFER_IN}
)
MONEY_OUT = frozenset({EntryType.DISBURSEMENT, EntryType.SPENDING, EntryType.TRANSFER_OUT})
# Entries that belong to a loan: they are written and reversed by the loan services only, so
# that the loan book and the cash book never disagree.
LOAN_ENTRY_TYPES = frozenset({EntryType.DISBURSEMENT, EntryType.PRINCIPAL, EntryType.INTEREST})
# Capital: what a club has raised (funds.selectors).
CAPITAL_TYPES = (EntryType.CONTRIBUTION, EntryType.OPENING, EntryType.INTEREST)


class CapitalSource(models.TextChoices):
    """Where contributed capital comes from (docs/domain.md §4)."""

    MEMBERS = "members", _("members")
    CARE_FUND = "care_fund", _("Care Fund of the commune association")  # Quỹ chăm sóc và phát huy vai trò NCT
    LOCAL_BUDGET = "local_budget", _("local budget")
    DONOR = "donor", _("donor or project")
    FUNDRAISING = "fundraising", _("fundraising / Golden Heart book")  # sổ vàng Tấm lòng vàng
    COLLECTIVE_INCOME = "collective_income", _("collective income activity")
    OTHER = "other", _("other")


class Fund(models.Model):
    # A club whose funds never held money may be deleted with them; entries protect a fund.
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="funds", verbose_name=_("club"))
    kind = models.CharField(_("fund"), max_length=16, choices=FundKind.choices)
    # What the contributions sheet of a meeting offers each member: the club's own rule.
    usual_contribution = models.BigIntegerField(
        _("usual monthly contribution (đồng)"),
        default=0,
        help_text=_("What each member usually pays into this fund at the monthly meeting; 0 when nothing is usual."),
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["club", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["club", "kind"], name="fund_one_of_each_kind_per_club"),
            models.CheckConstraint(condition=Q(usual_contribution__gte=0), name="fund_usual_contribution_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.club}"

    def get_absolute_url(self) -> str:
        return reverse("funds:cash-book", args=[self.club_id, self.kind])

    def balance(self, on: datetime.date | None = None) -> int:
        """The sum of the signed entries dated up to `on` (all of them when None)."""
        entries = self.entries.all() if on is None else self.entries.filter(entry_date__lte=on)
        total: int = entries.aggregate(total=Coalesce(Sum(F("amount") * F("direction")), 0))["total"]
        return total


class FundEntryQuerySet(models.QuerySet["FundEntry"]):
    def not_reversed(self, on: datetime.date | None = None) -> Self:
        """Entries no correction has reversed: none dated by `on`, or none at all when `on` is None.

        The one definition of the rule (capital, a fund's opening balance, a repayment's entries).
        Written as NOT EXISTS, which the database runs as an anti-join on the correction's unique
        `corrects` key and estimates well. A LEFT JOIN on the correction with `correction IS NULL
        OR correction dated after on` is estimated at a handful of rows, and PostgreSQL then loops
        over every fund for every capital entry of a province.
        """
        # "corrects IS NOT NULL" adds nothing to the match but tells the planner the corrections
        # are a few rows, not the whole table: it then hashes them, rather than walk every entry
        # of the province in id order to merge them (2,5 s → 0,7 s over 12 million entries).
        corrections = FundEntry.objects.filter(corrects__isnull=False, corrects=OuterRef("pk"))
        if on is not None:
            corrections = corrections.filter(entry_date__lte=on)
        return self.filter(~Exists(corrections))


class FundEntry(models.Model):
    """One movement of money in a fund's cash book.

    `loan` and `repayment` name where a loan's entry came from (a disbursement, the principal and
    interest of a repayment): deliberately circular with the loans app above, which writes those
    entries and reads the cash book. The foreign keys are declared by name, so the funds app never
    imports the loans app, and Django splits the first migrations of the two apps for it.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund"))
    entry_type = models.CharField(_("type"), max_length=16, choices=EntryType.choices)
    direction = models.SmallIntegerField(_("direction"), editable=False)
    amount = models.BigIntegerField(_("amount (đồng)"))
    entry_date = models.DateField(_("date"))
    document_number = models.CharField(
        _("receipt / voucher number"),
        max_length=32,
        blank=True,
        help_text=_("The number of the paper receipt or voucher, if there is one."),
    )
    source = models.CharField(_("source"), max_length=24, choices=CapitalSource.choices, blank=True)
    contributor = models.CharField(_("contributor"), max_length=200, blank=True)
    # The member a contribution came from, when it was taken on a meeting's contributions sheet:
    # the sheet then knows who has already paid that day.
    member = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    loan = models.ForeignKey(
        "loans.Loan", on_delete=models.PROTECT, null=True, blank=True, related_name="entries", verbose_name=_("loan")
    )
    repayment = models.ForeignKey(
        "loans.Repayment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("repayment"),
    )
    # The other half of a transfer between the club's two funds.
    counterpart = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("other half")
    )
    # A correction reverses exactly one entry, and an entry is corrected at most once.
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction", verbose_name=_("corrects")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = FundEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("cash-book entry")
        verbose_name_plural = _("cash-book entries")
        ordering = ["fund", "entry_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_amount_positive"),
            models.CheckConstraint(
                condition=Q(entry_type__in=MONEY_IN, direction=1)
                | Q(entry_type__in=MONEY_OUT, direction=-1)
                | Q(entry_type=EntryType.CORRECTION, direction__in=[1, -1], corrects__isnull=False),
                name="fund_entry_direction_follows_type",
            ),
            models.CheckConstraint(
                condition=~Q(entry_type=EntryType.CONTRIBUTION) | ~Q(source=""),
                name="fund_entry_contribution_has_source",
            ),
            # The half coming in is written second, naming the half going out (which is then
            # pointed back at it in the same transaction).
            models.CheckConstraint(
                condition=~Q(entry_type=EntryType.TRANSFER_IN) | Q(counterpart__isnull=False),
                name="fund_entry_transfer_in_names_transfer_out",
            ),
            models.CheckConstraint(
                condition=~Q(entry_type__in=LOAN_ENTRY_TYPES) | Q(loan__isnull=False),
                name="fund_entry_loan_money_names_loan",
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "entry_date"], name="fund_entry_fund_date_idx"),
            # The entries of the days since the last month's totals, over every club (funds.months).
            models.Index(fields=["entry_date"], name="fund_entry_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_entry_type_display()} {self.amount} — {self.entry_date:%d/%m/%Y}"

    @property
    def signed_amount(self) -> int:
        return self.amount * self.direction


class ClosedMonthQuerySet(models.QuerySet["ClosedMonth"]):
    def holds(self, club: Club, day: datetime.date) -> bool:
        """Whether the club has closed the books of the month of `day` (one query)."""
        return self.filter(club=club, month=month_start(day)).exists()


class ClosedMonth(models.Model):
    """A month of a club's books closed after its meeting: nothing more may be dated in it."""

    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="closed_months", verbose_name=_("club"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    objects = ClosedMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["club", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["club", "month"], name="closed_month_once_per_club"),
        ]

    def __str__(self) -> str:
        return f"{self.club} — {self.month:%m/%Y}"


def capital_column(entry_type: str, source: str) -> str:
    """The FundMonth column a capital entry (CAPITAL_TYPES) is added up in."""
    return f"contribution_{source}" if entry_type == EntryType.CONTRIBUTION else entry_type


class FundMonth(models.Model):
    """What a month's entries did to a fund, added up: kept by funds.services.write_entry as each
    entry is written (funds/months.py has the rules and the rebuild). Reports over thousands of
    clubs read a row per fund and month instead of every entry of every month (funds.selectors).

    `net` is the signed sum of the entries dated in the month, corrections included: a balance at
    the end of a month is the sum of the nets up to it. The capital columns (one per source of
    contributions, opening and interest: `capital_column`) add up to the capital standing at the
    end of a month, as funds.selectors defines it.
    """

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="months", verbose_name=_("fund"))
    month = models.DateField(_("month"))  # its first day
    net = models.BigIntegerField(_("money in less money out"), default=0)
    contribution_members = models.BigIntegerField(default=0)
    contribution_care_fund = models.BigIntegerField(default=0)
    contribution_local_budget = models.BigIntegerField(default=0)
    contribution_donor = models.BigIntegerField(default=0)
    contribution_fundraising = models.BigIntegerField(default=0)
    contribution_collective_income = models.BigIntegerField(default=0)
    contribution_other = models.BigIntegerField(default=0)
    opening = models.BigIntegerField(default=0)
    interest = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("month of a fund")
        verbose_name_plural = _("months of the funds")
        constraints = [
            models.UniqueConstraint(fields=["fund", "month"], name="fund_month_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="fund_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} — {self.month:%m/%Y}"


CAPITAL_COLUMNS = tuple(
    [capital_column(EntryType.CONTRIBUTION, source) for source in CapitalSource]
    + [capital_column(EntryType.OPENING, ""), capital_column(EntryType.INTEREST, "")]
)
