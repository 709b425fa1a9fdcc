"""Writes to the funds: cash-book entries, corrections and closed months.

Every service is atomic, takes the acting user and writes an audit entry with the fund's balance
before and after. The rules, checked here with a message for each:
- amounts are whole đồng, more than 0 and at most settings.FUNDS_MAX_AMOUNT;
- dates are not in the future, not before the club existed (its decision, or its launch when
  the decision date is unknown), not before the fund's opening balance, and not in a month the
  club has closed (corrections dated in a closed month are for province staff and admins,
  which the caller decides through accounts.access and passes as `in_closed_month_allowed`);
- a fund never goes below zero on any day: money out is checked against the lowest balance
  from its date on, with the fund rows locked (SELECT … FOR UPDATE on PostgreSQL; SQLite
  serialises writers) so that two people saving at once cannot both spend the same money.
Entries of a loan (disbursement, principal, interest) are written by loans.services only.
"""

import datetime
from typing import TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import acting_user, audit_record
from clubs.models import Club
from core.dates import format_date, format_month, month_start
from core.errors import refusal
from core.money import format_vnd
from core.once import check_version
from core.types import Actor
from funds import months
from funds.models import (
    LOAN_ENTRY_TYPES,
    MONEY_IN,
    CapitalSource,
    ClosedMonth,
    EntryType,
    Fund,
    FundEntry,
    FundKind,
)
from funds.selectors import books_version, sheet_members
from members.models import Person
from members.services import meeting_attendance_record

ERROR_AMOUNT_NOT_WHOLE = _("Amounts are whole đồng.")
ERROR_AMOUNT_NOT_POSITIVE = _("The amount must be more than 0 đồng.")
ERROR_AMOUNT_TOO_LARGE = _(
    "%(amount)s is more than the largest amount the product accepts (%(ceiling)s): check the number of zeros."
)
ERROR_DATE_IN_FUTURE = _("The date cannot be in the future.")
ERROR_DATE_BEFORE_CLUB = _("The club was established on %(date)s: money cannot move before that.")
ERROR_DATE_BEFORE_OPENING = _("The fund's opening balance is dated %(date)s: entries cannot be earlier.")
ERROR_MONTH_CLOSED = _("The club has closed its books for %(month)s: nothing more can be dated in that month.")
ERROR_MONTH_CLOSED_CORRECTION = _(
    "The club has closed its books for %(month)s: only province staff can correct an entry of a closed month."
)
ERROR_NOT_ENOUGH = _("The %(fund)s holds %(balance)s on %(date)s: it cannot pay out %(amount)s.")
ERROR_SOURCE_REQUIRED = _("Say where the money comes from.")
ERROR_PURPOSE_REQUIRED = _("Say what the money was spent on.")
ERROR_OPENING_EXISTS = _("The fund already has an opening balance (%(amount)s on %(date)s): correct it instead.")
ERROR_OPENING_AFTER_ENTRIES = _("The fund has entries from %(date)s: the opening balance must be dated no later.")
ERROR_SAME_FUND = _("Money can only be transferred to the club's other fund.")
ERROR_REASON_REQUIRED = _("Give the reason for the correction.")
ERROR_ALREADY_CORRECTED = _("This entry has already been corrected.")
ERROR_CORRECTING_CORRECTION = _("A correction cannot itself be corrected: record the right entry again instead.")
ERROR_LOAN_ENTRY = _("This entry belongs to a loan: reverse the repayment or the loan on the loan's page instead.")
ERROR_CORRECTION_BEFORE_ENTRY = _("A correction cannot be dated before the entry it corrects (%(date)s).")
ERROR_MONTH_NOT_OVER = _("The books of %(month)s can be closed after the club's meeting of that month (%(date)s).")
ERROR_MONTH_ALREADY_CLOSED = _("The books of %(month)s are already closed.")
ERROR_SHEET_EMPTY = _("No amount was entered: there is nothing to save.")
ERROR_NOT_A_MEMBER = _("This person is not a member of the club on that day.")
ERROR_USUAL_NEGATIVE = _("The usual contribution cannot be below 0 đồng.")


def club_start_date(club: Club) -> datetime.date | None:
    """The first day money may move in a club: its decision of establishment (or launch)."""
    known = [day for day in (club.decision_date, club.launch_date) if day]
    return min(known) if known else None


def funds_open(*, club: Club) -> list[Fund]:
    """The club's two funds, opened with the new club (part of its creation, audited with it)."""
    return Fund.objects.bulk_create([Fund(club=club, kind=kind) for kind in FundKind])


def check_amount(amount: object, field: str = "amount") -> int:
    """A whole, positive amount of đồng under the ceiling; a ValidationError on `field` otherwise."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationError({field: ERROR_AMOUNT_NOT_WHOLE})
    if amount <= 0:
        raise ValidationError({field: ERROR_AMOUNT_NOT_POSITIVE})
    if amount > settings.FUNDS_MAX_AMOUNT:
        raise ValidationError(
            {
                field: ValidationError(
                    ERROR_AMOUNT_TOO_LARGE,
                    params={"amount": format_vnd(amount), "ceiling": format_vnd(settings.FUNDS_MAX_AMOUNT)},
                )
            }
        )
    return amount


def check_club_day(*, club: Club | None, day: datetime.date, field: str, month_closed: bool = False) -> None:
    """check_club_date on what the caller knows, without a query (an import checks many rows):
    `club` None when it is not known (only the future is refused), `month_closed` whether the
    club has closed the month of `day`."""
    if day > timezone.localdate():
        raise refusal(ERROR_DATE_IN_FUTURE, field=field)
    start = club_start_date(club) if club is not None else None
    if start and day < start:
        raise refusal(ERROR_DATE_BEFORE_CLUB, field=field, date=format_date(start))
    if month_closed:
        raise refusal(ERROR_MONTH_CLOSED, field=field, month=format_month(day))


def check_club_date(*, club: Club, day: datetime.date, field: str, in_closed_month_allowed: bool = False) -> None:
    """A date money may move on in a club: not in the future, not before the club, not in a closed month."""
    month_closed = not in_closed_month_allowed and ClosedMonth.objects.holds(club, day)
    check_club_day(club=club, day=day, field=field, month_closed=month_closed)


def lock_funds(*funds: Fund) -> list[Fund]:
    """Lock fund rows (in id order, so two transfers cannot deadlock) for the rest of the transaction."""
    locked = {
        fund.pk: fund for fund in Fund.objects.select_for_update().filter(pk__in=[f.pk for f in funds]).order_by("pk")
    }
    return [locked[fund.pk] for fund in funds]


def _signed_sum() -> Coalesce:
    return Coalesce(Sum(F("amount") * F("direction")), 0)


def lowest_balance_from(fund: Fund, day: datetime.date) -> tuple[int, datetime.date]:
    """The lowest end-of-day balance of the fund from `day` on, and the day it happens."""
    running = fund.entries.filter(entry_date__lt=day).aggregate(total=_signed_sum())["total"]
    daily = (
        fund.entries.filter(entry_date__gte=day)
        .values("entry_date")
        .order_by("entry_date")
        .annotate(total=_signed_sum())
    )
    # `day` itself ends on the balance before it when nothing else is dated on it: money that
    # only comes in later cannot pay for it.
    lowest, lowest_on = running, day
    for row in daily:
        running += row["total"]
        if row["entry_date"] == day or running < lowest:
            lowest, lowest_on = running, row["entry_date"]
    return lowest, lowest_on


def _check_can_pay(*, fund: Fund, amount: int, day: datetime.date, field: str) -> None:
    lowest, lowest_on = lowest_balance_from(fund, day)
    if lowest < amount:
        raise ValidationError(
            {
                field: ValidationError(
                    ERROR_NOT_ENOUGH,
                    params={
                        "fund": fund.get_kind_display(),
                        "balance": format_vnd(lowest),
                        "date": format_date(lowest_on),
                        "amount": format_vnd(amount),
                    },
                )
            }
        )


def _check_after_opening(fund: Fund, day: datetime.date, field: str) -> None:
    opening = fund.entries.not_reversed().filter(entry_type=EntryType.OPENING).first()
    if opening and day < opening.entry_date:
        raise ValidationError(
            {field: ValidationError(ERROR_DATE_BEFORE_OPENING, params={"date": format_date(opening.entry_date)})}
        )


class EntryFields(TypedDict, total=False):
    """What an entry holds besides its fund, type, amount and date (write_entry). A loan's entries
    name their loan and repayment by id: the funds app never imports the loans app above it."""

    description: str
    source: str
    contributor: str
    document_number: str
    counterpart: FundEntry
    corrects: FundEntry
    member: Person | None
    loan_id: int | None
    repayment_id: int | None


def write_entry(
    *,
    actor: Actor,
    fund: Fund,
    entry_type: str,
    amount: int,
    entry_date: datetime.date,
    in_closed_month_allowed: bool = False,
    **fields: Unpack[EntryFields],
) -> FundEntry:
    """Check and write one entry; the fund must already be locked by the caller (lock_funds).

    The one place entries are created: the services below and loans.services call it.
    """
    check_amount(amount)
    check_club_date(club=fund.club, day=entry_date, field="entry_date", in_closed_month_allowed=in_closed_month_allowed)
    if entry_type != EntryType.OPENING:
        _check_after_opening(fund, entry_date, "entry_date")
    if entry_type == EntryType.CORRECTION:
        direction = -fields["corrects"].direction
    else:
        direction = 1 if entry_type in MONEY_IN else -1
    if direction < 0:
        field = "amount" if entry_type != EntryType.CORRECTION else "entry_date"
        _check_can_pay(fund=fund, amount=amount, day=entry_date, field=field)
    balance_before = fund.balance()
    entry = FundEntry(
        fund=fund,
        entry_type=entry_type,
        direction=direction,
        amount=amount,
        entry_date=entry_date,
        created_by=acting_user(actor),
        **fields,
    )
    entry.full_clean(exclude=["counterpart", "corrects", "loan", "repayment", "created_by", "member"])
    entry.save()
    months.record(entry)
    audit_record(
        actor=actor,
        action="funds.entry.recorded",
        target=entry,
        club_id=fund.club_id,
        data={
            "club": fund.club.code,
            "fund": fund.kind,
            "type": entry_type,
            "amount": amount,
            "date": entry_date.isoformat(),
            "balance": [balance_before, balance_before + entry.signed_amount],
        },
    )
    return entry


@transaction.atomic
def opening_balance_record(
    *, actor: Actor, fund: Fund, amount: int, entry_date: datetime.date, description: str = ""
) -> FundEntry:
    """What the fund held when the club started keeping its books in the product."""
    (fund,) = lock_funds(fund)
    opening = fund.entries.not_reversed().filter(entry_type=EntryType.OPENING).first()
    if opening is not None:
        raise ValidationError(
            ERROR_OPENING_EXISTS, params={"amount": format_vnd(opening.amount), "date": format_date(opening.entry_date)}
        )
    first = fund.entries.exclude(entry_type=EntryType.OPENING).order_by("entry_date").first()
    if first is not None and first.entry_date < entry_date:
        raise ValidationError(
            {"entry_date": ValidationError(ERROR_OPENING_AFTER_ENTRIES, params={"date": format_date(first.entry_date)})}
        )
    return write_entry(
        actor=actor,
        fund=fund,
        entry_type=EntryType.OPENING,
        amount=amount,
        entry_date=entry_date,
        description=description.strip(),
    )


@transaction.atomic
def contribution_record(
    *,
    actor: Actor,
    fund: Fund,
    amount: int,
    entry_date: datetime.date,
    source: str,
    contributor: str = "",
    description: str = "",
    document_number: str = "",
    member: Person | None = None,
) -> FundEntry:
    """Money given to a fund; `member` the club member it came from (the contributions sheet)."""
    if not source:
        raise ValidationError({"source": ERROR_SOURCE_REQUIRED})
    (fund,) = lock_funds(fund)
    return write_entry(
        actor=actor,
        fund=fund,
        entry_type=EntryType.CONTRIBUTION,
        amount=amount,
        entry_date=entry_date,
        source=source,
        contributor=contributor.strip(),
        description=description.strip(),
        document_number=document_number.strip(),
        member=member,
    )


@transaction.atomic
def spending_record(
    *, actor: Actor, fund: Fund, amount: int, entry_date: datetime.date, purpose: str, document_number: str = ""
) -> FundEntry:
    """Money paid out of a fund for an activity (a visit, a health talk, a gift to a sick member…)."""
    if not purpose.strip():
        raise ValidationError({"purpose": ERROR_PURPOSE_REQUIRED})
    (fund,) = lock_funds(fund)
    return write_entry(
        actor=actor,
        fund=fund,
        entry_type=EntryType.SPENDING,
        amount=amount,
        entry_date=entry_date,
        description=purpose.strip(),
        document_number=document_number.strip(),
    )


@transaction.atomic
def transfer_record(
    *, actor: Actor, from_fund: Fund, to_fund: Fund, amount: int, entry_date: datetime.date, description: str = ""
) -> tuple[FundEntry, FundEntry]:
    """Move money between a club's two funds: an entry out of one, an entry into the other."""
    if from_fund.club_id != to_fund.club_id or from_fund.pk == to_fund.pk:
        raise ValidationError(ERROR_SAME_FUND)
    from_fund, to_fund = lock_funds(from_fund, to_fund)
    description = description.strip()
    out = write_entry(
        actor=actor,
        fund=from_fund,
        entry_type=EntryType.TRANSFER_OUT,
        amount=amount,
        entry_date=entry_date,
        description=description,
    )
    into = write_entry(
        actor=actor,
        fund=to_fund,
        entry_type=EntryType.TRANSFER_IN,
        amount=amount,
        entry_date=entry_date,
        description=description,
        counterpart=out,
    )
    out.counterpart = into
    out.save(update_fields=["counterpart"])
    return out, into


def _reverse(
    *, actor: Actor, entry: FundEntry, entry_date: datetime.date, reason: str, in_closed_month_allowed: bool
) -> FundEntry:
    """The correction entry of one entry (its fund already locked)."""
    if entry_date < entry.entry_date:
        raise ValidationError(
            {
                "entry_date": ValidationError(
                    ERROR_CORRECTION_BEFORE_ENTRY, params={"date": format_date(entry.entry_date)}
                )
            }
        )
    if not in_closed_month_allowed and ClosedMonth.objects.holds(entry.fund.club, entry.entry_date):
        raise ValidationError(ERROR_MONTH_CLOSED_CORRECTION, params={"month": format_month(entry.entry_date)})
    return write_entry(
        actor=actor,
        fund=entry.fund,
        entry_type=EntryType.CORRECTION,
        amount=entry.amount,
        entry_date=entry_date,
        in_closed_month_allowed=in_closed_month_allowed,
        corrects=entry,
        description=reason,
        loan_id=entry.loan_id,
        repayment_id=entry.repayment_id,
    )


def reverse_entries(
    *,
    actor: Actor,
    entries: list[FundEntry],
    entry_date: datetime.date,
    reason: str,
    in_closed_month_allowed: bool = False,
) -> list[FundEntry]:
    """Correction entries for several entries at once (a repayment's principal and interest).

    For loans.services, inside its transaction; the entries' funds are locked here.
    """
    lock_funds(*{entry.fund_id: entry.fund for entry in entries}.values())
    # Money that came in is taken back out last, so a fund is checked against what it really holds.
    ordered = sorted(entries, key=lambda entry: entry.direction)
    return [
        _reverse(
            actor=actor,
            entry=entry,
            entry_date=entry_date,
            reason=reason,
            in_closed_month_allowed=in_closed_month_allowed,
        )
        for entry in ordered
    ]


@transaction.atomic
def entry_correct(
    *, actor: Actor, entry: FundEntry, entry_date: datetime.date, reason: str, in_closed_month_allowed: bool = False
) -> list[FundEntry]:
    """Reverse an entry recorded by mistake (both halves of a transfer); the right one is then recorded anew."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ERROR_REASON_REQUIRED})
    entry = FundEntry.objects.select_related("fund__club", "counterpart").get(pk=entry.pk)
    if entry.entry_type == EntryType.CORRECTION:
        raise ValidationError(ERROR_CORRECTING_CORRECTION)
    if entry.entry_type in LOAN_ENTRY_TYPES:
        raise ValidationError(ERROR_LOAN_ENTRY)
    if FundEntry.objects.filter(corrects=entry).exists():
        raise ValidationError(ERROR_ALREADY_CORRECTED)
    entries = [entry]
    if entry.counterpart_id:
        entries.append(FundEntry.objects.select_related("fund__club").get(pk=entry.counterpart_id))
    return reverse_entries(
        actor=actor,
        entries=entries,
        entry_date=entry_date,
        reason=reason,
        in_closed_month_allowed=in_closed_month_allowed,
    )


# --- the meeting's contributions sheet ----------------------------------------------------------


@transaction.atomic
def contributions_sheet_record(
    *,
    actor: Actor,
    club: Club,
    entry_date: datetime.date,
    amounts: dict[tuple[int, str], int],
    description: str = "",
    version: int | None = None,
    present: set[int] | None = None,
) -> list[FundEntry]:
    """Record the members' contributions taken at a club meeting: all of them, or none.

    `amounts` maps (person id, fund kind) to what the member paid into that fund (0: nothing);
    each amount is one contribution from the members (contribution_record). `version` is the
    version of the books the sheet was opened at (funds.selectors.books_version, not loans):
    checked with both funds locked, so a sheet saved from two phones is recorded once. Every row
    is tried; when any is refused nothing is saved, and the ValidationError maps each refused
    (person id, fund kind) to its messages.

    `present`: the person ids of the members present, for a club that records attendance
    (Club.records_attendance; ignored otherwise): recorded for the meeting of `entry_date` with
    the contributions (members.services.meeting_attendance_record).
    """
    funds = {fund.kind: fund for fund in lock_funds(*club.funds.order_by("pk"))}
    check_version(opened_at=version, current=books_version(club=club, loans=False))
    check_club_date(club=club, day=entry_date, field="entry_date")
    paying = {key: amount for key, amount in amounts.items() if amount}
    if not paying:
        raise refusal(ERROR_SHEET_EMPTY)
    members = sheet_members(club=club, on=entry_date).in_bulk({person for person, _kind in paying})
    entries: list[FundEntry] = []
    errors: dict[tuple[int, str], list[str]] = {}
    for (person, kind), amount in sorted(paying.items()):
        if person not in members or kind not in funds:
            errors[person, kind] = [str(ERROR_NOT_A_MEMBER)]
            continue
        try:
            # A refused row rolls back to its own savepoint, so the other rows can still be tried.
            entries.append(
                contribution_record(
                    actor=actor,
                    fund=funds[kind],
                    amount=amount,
                    entry_date=entry_date,
                    source=CapitalSource.MEMBERS,
                    contributor=members[person].full_name,
                    description=description,
                    member=members[person],
                )
            )
        except ValidationError as exc:
            errors[person, kind] = exc.messages
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]  # keys are rows, not field names
    if club.records_attendance and present is not None:
        meeting_attendance_record(
            actor=actor,
            club=club,
            meeting_on=entry_date,
            members=list(sheet_members(club=club, on=entry_date)),
            present=present,
        )
    audit_record(
        actor=actor,
        action="funds.contributions_sheet.recorded",
        target=club,
        data={
            "date": entry_date.isoformat(),
            "entries": [entry.pk for entry in entries],
            "total": sum(entry.amount for entry in entries),
        },
    )
    return entries


@transaction.atomic
def usual_contributions_set(*, actor: Actor, club: Club, amounts: dict[str, int]) -> list[Fund]:
    """What the club's members usually pay into each fund at a meeting (the contributions sheet's
    prefill): `amounts` by fund kind, 0 for nothing. A refusal names the fund's kind."""
    for kind, amount in amounts.items():
        if amount < 0:
            raise ValidationError({kind: ERROR_USUAL_NEGATIVE})
        check_amount(amount or 1, field=kind)
    changed = []
    for fund in lock_funds(*club.funds.filter(kind__in=list(amounts)).order_by("pk")):
        amount = amounts[fund.kind]
        if fund.usual_contribution == amount:
            continue
        audit_record(
            actor=actor,
            action="funds.fund.usual_contribution_set",
            target=fund,
            data={"usual_contribution": [fund.usual_contribution, amount]},
        )
        fund.usual_contribution = amount
        fund.save(update_fields=["usual_contribution"])
        changed.append(fund)
    return changed


@transaction.atomic
def month_close(*, actor: Actor, club: Club, month: datetime.date) -> ClosedMonth:
    """Close a month's books after the club's meeting: nothing more may be dated in it."""
    month = month_start(month)
    meeting = club.meeting_in(month)
    if timezone.localdate() < meeting:
        raise ValidationError(ERROR_MONTH_NOT_OVER, params={"month": format_month(month), "date": format_date(meeting)})
    if ClosedMonth.objects.filter(club=club, month=month).exists():
        raise ValidationError(ERROR_MONTH_ALREADY_CLOSED, params={"month": format_month(month)})
    closed = ClosedMonth.objects.create(club=club, month=month, closed_by=acting_user(actor))
    audit_record(actor=actor, action="funds.month.closed", target=club, data={"month": month.isoformat()})
    return closed


@transaction.atomic
def month_reopen(*, actor: Actor, closed_month: ClosedMonth, reason: str) -> datetime.date:
    """Open a closed month again (province staff, for a correction that cannot wait); returns the
    month opened (its first day)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ERROR_REASON_REQUIRED})
    club, month = closed_month.club, closed_month.month
    closed_month.delete()
    audit_record(
        actor=actor, action="funds.month.reopened", target=club, data={"month": month.isoformat(), "reason": reason}
    )
    return month
