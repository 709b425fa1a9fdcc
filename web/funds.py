"""The funds pages: a club's two funds, their cash books, the forms that move money, closed
months, and capital by source over the clubs of a user's area.

Reading is for everyone with Cap.FUNDS_VIEW on the club; money moves by the club's own board
(Cap.FUNDS_MANAGE), and a closed month is put right or reopened by province staff
(Cap.FUNDS_CORRECT_CLOSED).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.access import Cap
from areas.selectors import scheme_default, scope_units
from clubs.models import Club
from core.dates import add_months, format_date, format_month
from core.forms import write_through
from core.money import format_vnd
from funds import selectors, services
from funds.forms import (
    CashBookFilterForm,
    ContributionForm,
    ContributionsSheetForm,
    EntryCorrectForm,
    MonthCloseForm,
    MonthReopenForm,
    OpeningBalanceForm,
    SpendingForm,
    TransferForm,
    UsualContributionsForm,
)
from funds.models import ClosedMonth, FundEntry, FundKind
from loans.selectors import collection_paid_on, go_live_books
from members.selectors import meeting_attendance
from reports.forms import AsOfForm
from spreadsheets.personal_data import personal_data_print_record, readable_filters
from web.loans import CLUB_WITH_UNIT, sheet_month
from web.paging import page_number, page_query, report_clubs_page


def _club_fund(club, kind):
    """One of the club's funds by kind (404 for anything else)."""
    return get_object_or_404(club.funds.select_related("club"), kind=kind)


def _funds_by_kind(club) -> dict:
    return {fund.kind: fund for fund in club.funds.select_related("club")}


# --- a club's funds ---------------------------------------------------------------------------


@require_http_methods(["GET"])
def club_funds(request, club_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_VIEW)
    today = timezone.localdate()
    closed_months = list(club.closed_months.select_related("closed_by"))
    can_manage = access.can_on_club(request.user, club, Cap.FUNDS_MANAGE)
    closable = selectors.closable_months(club=club, closed={closed.month for closed in closed_months}, today=today)
    funds = selectors.club_funds(club=club, on=today)
    return render(
        request,
        "funds/club_funds.html",
        {
            "club": club,
            "today": today,
            "funds": funds,
            "capital": selectors.club_capital(clubs=Club.objects.filter(pk=club.pk), on=today).get(
                club.pk, selectors.NO_CAPITAL
            ),
            "closed_months": closed_months,
            "close_form": MonthCloseForm(months=closable) if can_manage and closable else None,
            "can_manage": can_manage,
            "meeting_month": today,
            "can_reopen": access.can_on_club(request.user, club, Cap.FUNDS_CORRECT_CLOSED),
            "can_see_capital_report": access.has_cap(request.user, Cap.REPORT_VIEW),
            # The cut-off sheet is offered while the club may still go live (as the sheet decides).
            "can_go_live": access.may_go_live(
                request.user, club, still_possible=go_live_books(clubs=[club])[club.pk].can_go_live
            ),
        },
    )


# --- the cash book ----------------------------------------------------------------------------


@require_http_methods(["GET"])
def cash_book(request, club_pk, kind):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_VIEW, queryset=Club.objects.select_related("unit"))
    fund = _club_fund(club, kind)
    printing = "print" in request.GET
    filters = CashBookFilterForm(request.GET or None)
    book = filters.book(fund)
    if printing:
        # A paper book holds the whole period: the printable page is not cut into pages.
        rows = selectors.cash_book_rows(book, book.entries)
        page = None
        # The printable book names contributors and borrowers: who printed it is audited.
        personal_data_print_record(
            actor=request.user, page=request.path, club=club, filters=readable_filters(filters), rows=len(rows)
        )
    else:
        page = Paginator(book.entries, settings.ENTRIES_PER_PAGE).get_page(page_number(request))
        rows = selectors.cash_book_rows(book, page.object_list)
    return render(
        request,
        "funds/cash_book.html",
        {
            "club": club,
            "fund": fund,
            "filters": filters,
            "book": book,
            "rows": rows,
            "page": page,
            "first_page": page is None or page.number == 1,
            "query": page_query(request, "print"),
            "can_manage": access.can_on_club(request.user, club, Cap.FUNDS_MANAGE),
            "can_correct_closed": access.can_on_club(request.user, club, Cap.FUNDS_CORRECT_CLOSED),
        },
    )


# --- entries ----------------------------------------------------------------------------------


def _entry_page(request, club, *, funds, form_class, record, title, intro, success, initial):
    """The page of one entry form for `funds` ({kind: Fund}): the service `record(form.cleaned_data)`
    writes the entry, and `success(entry)` is the message shown on the cash book the user is sent
    back to."""
    form = form_class(request.POST or None, funds=funds, initial={"entry_date": timezone.localdate(), **initial})
    entry = write_through(request, form, record)
    if entry is not None:
        messages.success(request, success(entry))
        return redirect(entry.fund)
    return render(request, "funds/entry_form.html", {"club": club, "form": form, "title": title, "intro": intro})


def _saved(entry) -> str:
    return _("%(type)s of %(amount)s on %(date)s saved in the %(fund)s.") % {
        "type": entry.get_entry_type_display(),
        "amount": format_vnd(entry.amount),
        "date": format_date(entry.entry_date),
        "fund": entry.fund.get_kind_display(),
    }


@require_http_methods(["GET", "POST"])
def contribution_create(request, club_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_MANAGE)
    return _entry_page(
        request,
        club,
        funds=_funds_by_kind(club),
        form_class=ContributionForm,
        record=lambda data: services.contribution_record(actor=request.user, **data),
        title=_("Record a contribution"),
        intro=_("Money given to the club: by members, the commune association's Care Fund, a donor…"),
        success=_saved,
        initial={"fund": request.GET.get("fund", FundKind.INCOME)},
    )


@require_http_methods(["GET", "POST"])
def spending_create(request, club_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_MANAGE)
    return _entry_page(
        request,
        club,
        funds=_funds_by_kind(club),
        form_class=SpendingForm,
        record=lambda data: services.spending_record(actor=request.user, **data),
        title=_("Record a spending"),
        intro=_("Money paid out for an activity: a visit, a health talk, a gift to a sick member…"),
        success=_saved,
        initial={"fund": request.GET.get("fund", FundKind.ACTIVITY)},
    )


@require_http_methods(["GET", "POST"])
def transfer_create(request, club_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_MANAGE)
    return _entry_page(
        request,
        club,
        funds=_funds_by_kind(club),
        form_class=TransferForm,
        record=lambda data: services.transfer_record(actor=request.user, **data)[0],
        title=_("Transfer between the funds"),
        intro=_("The money leaves one fund and enters the other on the same day."),
        success=lambda out: (
            _("%(amount)s transferred from the %(from)s to the %(to)s on %(date)s.")
            % {
                "amount": format_vnd(out.amount),
                "from": out.fund.get_kind_display(),
                "to": out.counterpart.fund.get_kind_display(),
                "date": format_date(out.entry_date),
            }
        ),
        initial={"from_fund": request.GET.get("fund", FundKind.INCOME)},
    )


@require_http_methods(["GET", "POST"])
def opening_balance_create(request, club_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_MANAGE)
    # Offered only for a fund without one: a second opening balance would count the money twice.
    funds = {
        fund.kind: fund for fund in selectors.club_funds(club=club, on=timezone.localdate()) if not fund.has_opening
    }
    if not funds:
        messages.info(request, _("Both funds have their opening balance. Correct it in the cash book if it is wrong."))
        return redirect("funds:club-funds", club.pk)
    return _entry_page(
        request,
        club,
        funds=funds,
        form_class=OpeningBalanceForm,
        record=lambda data: services.opening_balance_record(actor=request.user, **data),
        title=_("Record an opening balance"),
        intro=_(
            "For a club that kept its books on paper: what each fund held on the day the product took over. "
            "A fund has one opening balance, dated no later than its first entry."
        ),
        success=_saved,
        initial={"fund": request.GET.get("fund", FundKind.INCOME)},
    )


@require_http_methods(["GET", "POST"])
def entry_correct(request, club_pk, entry_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_VIEW)
    entry = get_object_or_404(
        FundEntry.objects.select_related("fund__club", "loan__borrower").filter(fund__club=club), pk=entry_pk
    )
    in_closed_month = ClosedMonth.objects.holds(club, entry.entry_date)
    if not access.may_correct_entry(request.user, club, in_closed_month=in_closed_month):
        raise PermissionDenied
    form = EntryCorrectForm(request.POST or None, initial={"entry_date": timezone.localdate()})
    corrections = write_through(
        request,
        form,
        lambda data: services.entry_correct(
            actor=request.user,
            entry=entry,
            in_closed_month_allowed=access.can_on_club(request.user, club, Cap.FUNDS_CORRECT_CLOSED),
            **data,
        ),
    )
    if corrections is not None:
        messages.success(
            request,
            _("The %(type)s of %(amount)s on %(date)s is reversed. Record the right entry if there is one.")
            % {
                "type": entry.get_entry_type_display(),
                "amount": format_vnd(entry.amount),
                "date": format_date(entry.entry_date),
            },
        )
        return redirect(entry.fund)
    return render(
        request,
        "funds/entry_correct.html",
        {"club": club, "entry": entry, "form": form, "in_closed_month": in_closed_month},
    )


# --- the meeting's contributions sheet -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contributions_sheet(request, club_pk, year, month):
    """Every member of the club on the day of the month's meeting, with what they usually pay
    into each fund, saved all together (funds.services.contributions_sheet_record), once."""
    club = access.get_club(request.user, club_pk, Cap.FUNDS_VIEW, queryset=CLUB_WITH_UNIT)
    can_manage = access.can_on_club(request.user, club, Cap.FUNDS_MANAGE)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    month_start = sheet_month(year, month)
    meeting_on = club.meeting_in(month_start)
    funds = selectors.club_funds(club=club, on=timezone.localdate())
    form = ContributionsSheetForm(
        request.POST or None,
        members=list(selectors.sheet_members(club=club, on=meeting_on)),
        funds=funds,
        paid=selectors.sheet_paid(club=club, on=meeting_on),
        attendance=(
            {row.person_id: row.present for row in meeting_attendance(club=club, on=meeting_on)}
            if club.records_attendance
            else None
        ),
        read_only=not can_manage,
        initial={
            # The date the collection sheet gives its payments: the meeting's, once it has come.
            "entry_date": collection_paid_on(meeting_on=meeting_on, today=timezone.localdate()),
            "version": selectors.books_version(club=club, loans=False).number,
        },
    )
    entries = write_through(
        request,
        form,
        lambda data: services.contributions_sheet_record(
            actor=request.user,
            club=club,
            entry_date=data["entry_date"],
            amounts=form.amounts(),
            description=_("Meeting of %(date)s") % {"date": format_date(meeting_on)},
            version=data["version"],
            present=form.present(),
        ),
        # The service names each refused row by (member id, fund kind).
        rename=lambda key: form.field_name(*key),
    )
    if entries is not None:
        messages.success(
            request,
            ngettext(
                "%(count)s contribution saved, %(total)s in all.",
                "%(count)s contributions saved, %(total)s in all.",
                len(entries),
            )
            % {"count": len(entries), "total": format_vnd(sum(entry.amount for entry in entries))},
        )
        day = entries[0].entry_date
        return redirect("loans:meeting-summary", club.pk, day.year, day.month, day.day)
    entered = form.entered()
    return render(
        request,
        "funds/contributions_sheet.html",
        {
            "club": club,
            "form": form,
            "meeting_on": meeting_on,
            "previous_month": add_months(month_start, -1),
            "next_month": add_months(month_start, 1),
            "balances": [(fund, fund.balance_on, fund.balance_on + entered[fund.kind]) for fund in funds],
            "can_manage": can_manage,
            "can_set_usual": access.may_set_usual_contributions(request.user, club),
        },
    )


@require_http_methods(["GET", "POST"])
def usual_contributions(request, club_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_VIEW, queryset=CLUB_WITH_UNIT)
    if not access.may_set_usual_contributions(request.user, club):
        raise PermissionDenied
    funds = _funds_by_kind(club)
    form = UsualContributionsForm(
        request.POST or None, initial={kind: fund.usual_contribution for kind, fund in funds.items()}
    )
    changed = write_through(
        request, form, lambda data: services.usual_contributions_set(actor=request.user, club=club, amounts=data)
    )
    if changed is not None:
        messages.success(request, _("Usual contributions saved."))
        today = timezone.localdate()
        return redirect("funds:contributions-sheet", club.pk, today.year, today.month)
    return render(request, "funds/usual_contributions.html", {"club": club, "form": form})


# --- closed months ----------------------------------------------------------------------------


@require_POST
def month_close(request, club_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_MANAGE)
    closed = set(club.closed_months.values_list("month", flat=True))
    months = selectors.closable_months(club=club, closed=closed, today=timezone.localdate())
    form = MonthCloseForm(request.POST, months=months)
    closed_month = write_through(
        request, form, lambda data: services.month_close(actor=request.user, club=club, month=data["month"])
    )
    if closed_month is not None:
        messages.success(
            request,
            _("The books of %(month)s are closed: nothing more can be dated in that month.")
            % {"month": format_month(closed_month.month)},
        )
    # The form is a button on the funds page: what is wrong is told there.
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("funds:club-funds", club.pk)


@require_http_methods(["GET", "POST"])
def month_reopen(request, club_pk, closed_pk):
    club = access.get_club(request.user, club_pk, Cap.FUNDS_CORRECT_CLOSED)
    closed_month = get_object_or_404(ClosedMonth.objects.select_related("club"), club=club, pk=closed_pk)
    form = MonthReopenForm(request.POST or None)
    month = write_through(
        request, form, lambda data: services.month_reopen(actor=request.user, closed_month=closed_month, **data)
    )
    if month is not None:
        messages.success(request, _("The books of %(month)s are open again.") % {"month": format_month(month)})
        return redirect("funds:club-funds", club.pk)
    return render(request, "funds/month_reopen.html", {"club": club, "closed_month": closed_month, "form": form})


# --- capital by source ------------------------------------------------------------------------


def _capital_report(request, form):
    on = form.as_of()
    scheme = scheme_default(on)  # the districts of the map in force on the report's date
    clubs = access.clubs_for(request.user, Cap.FUNDS_VIEW)
    scope = scope_units(units=access.units_for(request.user, Cap.FUNDS_VIEW), scheme=scheme)
    return selectors.capital_by_source(clubs=clubs, on=on, scheme=scheme), scope


@require_http_methods(["GET"])
def capital(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = AsOfForm(request.GET or None)
    report, scope = _capital_report(request, form)
    return render(
        request,
        "funds/capital.html",
        {"form": form, "report": report, "scope": scope, **report_clubs_page(request, report.clubs)},
    )
