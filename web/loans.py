"""The loan pages of a club: its loan rules, its loan book, one loan with its actions, and the
meeting collection sheet. The club board reads and writes its own club's (FUNDS_MANAGE); staff
read the clubs of their area (FUNDS_VIEW). Every write goes through loans.services."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from clubs.models import Club
from core.dates import add_months, format_date
from core.forms import write_through
from core.money import format_vnd
from funds.selectors import books_version
from loans import selectors, services
from loans.forms import (
    CollectionSheetForm,
    LoanApplyForm,
    LoanApproveForm,
    LoanDisburseForm,
    LoanFilterForm,
    LoanRejectForm,
    RepaymentForm,
    RepaymentReverseForm,
    RescheduleForm,
    RulesForm,
    WriteOffForm,
)
from loans.models import LoanRules, LoanStatus
from loans.schedules import first_due_date
from loans.services.checks import ERROR_WRONG_STATUS
from members.selectors import club_current_members
from spreadsheets.personal_data import personal_data_print_record
from web.paging import paginate

CLUB_WITH_UNIT = Club.objects.select_related("unit")


def _club(request, club_pk, cap: Cap) -> Club:
    # The unit comes along: the page asks access.can_on_club, which reads its path.
    return access.get_club(request.user, club_pk, cap, queryset=CLUB_WITH_UNIT)


def _loan(request, club_pk, pk, cap: Cap):
    club = _club(request, club_pk, cap)
    return club, selectors.loan_of_club(club=club, pk=pk)


def _wrong_status(request, loan, *statuses):
    """A redirect to the loan's page, with the service's message, when the loan is not in `statuses`."""
    if loan.status in statuses:
        return None
    messages.error(request, ERROR_WRONG_STATUS % {"status": loan.get_status_display()})
    return redirect(loan)


# --- rules ------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def rules_list(request, club_pk):
    club = _club(request, club_pk, Cap.FUNDS_VIEW)
    in_force = LoanRules.objects.in_force(club, timezone.localdate())
    return render(
        request,
        "loans/rules_list.html",
        {
            "club": club,
            "versions": club.loan_rules.select_related("created_by").order_by("-effective_from"),
            "in_force": in_force,
            "can_manage": access.can_on_club(request.user, club, Cap.FUNDS_MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
def rules_create(request, club_pk):
    club = _club(request, club_pk, Cap.FUNDS_MANAGE)
    today = timezone.localdate()
    current = LoanRules.objects.in_force(club, today)
    initial = {"effective_from": today}
    if current is not None:
        fields = ["max_amount", "max_term_months", "monthly_rate", "method", "frequency", "grace_days"]
        initial.update({field: getattr(current, field) for field in fields})
    form = RulesForm(request.POST or None, initial=initial)
    rules = write_through(request, form, lambda data: services.rules_record(actor=request.user, club=club, **data))
    if rules is not None:
        messages.success(
            request,
            _("Loan rules in force from %(date)s saved.") % {"date": format_date(rules.effective_from)},
        )
        return redirect("loans:rules", club.pk)
    return render(request, "loans/rules_form.html", {"club": club, "form": form})


# --- the loan book ----------------------------------------------------------------------------


@require_http_methods(["GET"])
def loan_list(request, club_pk):
    club = _club(request, club_pk, Cap.FUNDS_VIEW)
    today = timezone.localdate()
    filters = LoanFilterForm(request.GET or None)
    page, query = paginate(request, filters.rows(club=club), settings.ENTRIES_PER_PAGE)
    return render(
        request,
        "loans/loan_list.html",
        {
            "club": club,
            "filters": filters,
            "page": page,
            "query": query,
            "totals": selectors.loan_book_totals(club=club),
            "this_month": today,
            "can_manage": access.can_on_club(request.user, club, Cap.FUNDS_MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
def loan_create(request, club_pk):
    club = _club(request, club_pk, Cap.FUNDS_MANAGE)
    today = timezone.localdate()
    form = LoanApplyForm(
        request.POST or None, members=club_current_members(club=club, on=today), initial={"applied_on": today}
    )
    loan = write_through(request, form, lambda data: services.loan_apply(actor=request.user, club=club, **data))
    if loan is not None:
        messages.success(request, _("Application of %(name)s recorded.") % {"name": loan.borrower.full_name})
        return redirect(loan)
    return render(
        request, "loans/loan_form.html", {"club": club, "form": form, "rules": LoanRules.objects.in_force(club, today)}
    )


@require_http_methods(["GET"])
def loan_detail(request, club_pk, pk):
    club, loan = _loan(request, club_pk, pk, Cap.FUNDS_VIEW)
    today = timezone.localdate()
    return render(
        request,
        "loans/loan_detail.html",
        {
            "club": club,
            "loan": loan,
            "page": selectors.loan_page(loan=loan, on=today),
            "today": today,
            "fund_balance": selectors.income_fund(club).balance() if loan.status == LoanStatus.APPROVED else None,
            "can_manage": access.can_on_club(request.user, club, Cap.FUNDS_MANAGE),
            "can_read_log": access.can_on_club(request.user, club, Cap.AUDIT_VIEW),
        },
    )


# --- actions on one loan ----------------------------------------------------------------------


def _action(request, *, club, loan, form, write, done, title, submit, aside=dict):
    """The page of one action on a loan: `write` (a service call) through the form, then back to
    the loan with the message `done` (or `done(result)`); else the form, beside `aside()`: the
    figures the action is decided on, read only when the page is shown."""
    result = write_through(request, form, write)
    if result is not None:
        messages.success(request, done(result) if callable(done) else done)
        return redirect(loan)
    return render(
        request,
        "loans/loan_action_form.html",
        {"club": club, "loan": loan, "form": form, "title": title, "submit": submit, "aside": aside()},
    )


@require_http_methods(["GET", "POST"])
def loan_approve(request, club_pk, pk):
    club, loan = _loan(request, club_pk, pk, Cap.FUNDS_MANAGE)
    if refused := _wrong_status(request, loan, LoanStatus.APPLIED):
        return refused
    today = timezone.localdate()

    def aside():
        rules = LoanRules.objects.in_force(club, today)
        if rules is None:
            return {"rules": None, "breaches": []}
        breaches = services.rules_breaches(amount=loan.amount, term_months=loan.term_months, rules=rules)
        return {"rules": rules, "breaches": breaches}

    return _action(
        request,
        club=club,
        loan=loan,
        form=LoanApproveForm(
            request.POST or None, initial={"decided_on": today, "override_reason": loan.override_reason}
        ),
        write=lambda data: services.loan_approve(actor=request.user, loan=loan, **data),
        done=_("Loan approved."),
        title=_("Approve the loan"),
        submit=_("Approve"),
        aside=aside,
    )


@require_http_methods(["GET", "POST"])
def loan_reject(request, club_pk, pk):
    club, loan = _loan(request, club_pk, pk, Cap.FUNDS_MANAGE)
    if refused := _wrong_status(request, loan, LoanStatus.APPLIED):
        return refused
    return _action(
        request,
        club=club,
        loan=loan,
        form=LoanRejectForm(request.POST or None, initial={"decided_on": timezone.localdate()}),
        write=lambda data: services.loan_reject(actor=request.user, loan=loan, **data),
        done=_("Application rejected."),
        title=_("Reject the application"),
        submit=_("Reject"),
    )


@require_http_methods(["GET", "POST"])
def loan_disburse(request, club_pk, pk):
    club, loan = _loan(request, club_pk, pk, Cap.FUNDS_MANAGE)
    if refused := _wrong_status(request, loan, LoanStatus.APPROVED):
        return refused
    today = timezone.localdate()
    first_due_on = first_due_date(disbursed_on=today, meeting_day=club.meeting_day)
    return _action(
        request,
        club=club,
        loan=loan,
        form=LoanDisburseForm(request.POST or None, initial={"disbursed_on": today, "first_due_on": first_due_on}),
        write=lambda data: services.loan_disburse(actor=request.user, loan=loan, **data),
        done=_("%(amount)s paid out to %(name)s.") % {"amount": format_vnd(loan.amount), "name": loan.borrower},
        title=_("Disburse the loan"),
        submit=_("Disburse"),
        aside=lambda: {"fund_balance": selectors.income_fund(club).balance()},
    )


@require_http_methods(["GET", "POST"])
def repayment_create(request, club_pk, pk):
    club, loan = _loan(request, club_pk, pk, Cap.FUNDS_MANAGE)
    if refused := _wrong_status(request, loan, LoanStatus.DISBURSED):
        return refused
    today = timezone.localdate()
    page = selectors.loan_page(loan=loan, on=today)
    return _action(
        request,
        club=club,
        loan=loan,
        form=RepaymentForm(request.POST or None, initial={"paid_on": today, "amount": page.due_today or None}),
        write=lambda data: services.repayment_record(actor=request.user, loan=loan, club=club, **data),
        done=lambda repayment: _("Repayment of %(amount)s recorded.") % {"amount": format_vnd(repayment.amount)},
        title=_("Record a repayment"),
        submit=_("Save the repayment"),
        aside=lambda: {
            "due_today": page.due_today,
            "payoff_today": page.payoff_today,
            "outstanding": page.principal_outstanding,
        },
    )


@require_http_methods(["GET", "POST"])
def repayment_reverse(request, club_pk, pk, repayment_pk):
    club, loan = _loan(request, club_pk, pk, Cap.FUNDS_MANAGE)
    repayment = get_object_or_404(loan.repayments, pk=repayment_pk)
    return _action(
        request,
        club=club,
        loan=loan,
        form=RepaymentReverseForm(request.POST or None),
        write=lambda data: services.repayment_reverse(actor=request.user, repayment=repayment, **data),
        done=_("Repayment of %(amount)s reversed.") % {"amount": format_vnd(repayment.amount)},
        title=_("Reverse a repayment"),
        submit=_("Reverse the repayment"),
        aside=lambda: {"repayment": repayment},
    )


@require_http_methods(["GET", "POST"])
def loan_write_off(request, club_pk, pk):
    club, loan = _loan(request, club_pk, pk, Cap.FUNDS_MANAGE)
    if refused := _wrong_status(request, loan, LoanStatus.DISBURSED):
        return refused
    today = timezone.localdate()
    return _action(
        request,
        club=club,
        loan=loan,
        form=WriteOffForm(request.POST or None, initial={"on": today}),
        write=lambda data: services.loan_write_off(actor=request.user, loan=loan, **data),
        done=_("Loan written off."),
        title=_("Write the loan off"),
        submit=_("Write off"),
        aside=lambda: {"outstanding": selectors.loan_page(loan=loan, on=today).principal_outstanding},
    )


@require_http_methods(["GET", "POST"])
def loan_reschedule(request, club_pk, pk):
    club, loan = _loan(request, club_pk, pk, Cap.FUNDS_MANAGE)
    if refused := _wrong_status(request, loan, LoanStatus.DISBURSED):
        return refused
    today = timezone.localdate()
    first_due_on = first_due_date(disbursed_on=today, meeting_day=club.meeting_day)

    def aside():
        page = selectors.loan_page(loan=loan, on=today)
        return {"outstanding": page.principal_outstanding, "late_amount": page.late_amount}

    return _action(
        request,
        club=club,
        loan=loan,
        form=RescheduleForm(request.POST or None, initial={"on": today, "first_due_on": first_due_on}),
        write=lambda data: services.loan_reschedule(actor=request.user, loan=loan, **data),
        done=_("New schedule saved."),
        title=_("Reschedule the loan"),
        submit=_("Reschedule"),
        aside=aside,
    )


# --- the meeting collection sheet -------------------------------------------------------------


def sheet_month(year: int, month: int) -> datetime.date:
    """The first day of a meeting sheet's month (the collection and contributions sheets): the
    address's converters (web.converters) took only a month of the years the product knows."""
    return datetime.date(year, month, 1)


@require_http_methods(["GET", "POST"])
def collection_sheet(request, club_pk, year, month):
    club = _club(request, club_pk, Cap.FUNDS_VIEW)
    can_manage = access.can_on_club(request.user, club, Cap.FUNDS_MANAGE)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    month_start = sheet_month(year, month)
    meeting_on = club.meeting_in(month_start)
    rows = selectors.collection_sheet(club=club, meeting_on=meeting_on)
    paid_on = selectors.collection_paid_on(meeting_on=meeting_on, today=timezone.localdate())
    form = CollectionSheetForm(
        request.POST or None,
        rows=rows,
        read_only=not can_manage,
        initial={"paid_on": paid_on, "version": books_version(club=club, loans=True).number},
    )
    repayments = write_through(
        request,
        form,
        lambda data: services.collection_sheet_record(
            actor=request.user, club=club, paid_on=data["paid_on"], amounts=form.amounts(), version=data["version"]
        ),
        # The service names each refused row by its loan's id.
        rename=form.field_name,
    )
    if repayments is not None:
        total = format_vnd(sum(repayment.amount for repayment in repayments))
        messages.success(
            request,
            ngettext(
                "%(count)s repayment saved, %(total)s in all.",
                "%(count)s repayments saved, %(total)s in all.",
                len(repayments),
            )
            % {"count": len(repayments), "total": total},
        )
        return redirect("loans:collection-sheet", club.pk, year, month)
    previous_month, next_month = add_months(month_start, -1), add_months(month_start, 1)
    return render(
        request,
        "loans/collection_sheet.html",
        {
            "club": club,
            "form": form,
            "meeting_on": meeting_on,
            "previous_month": previous_month,
            "next_month": next_month,
            "total_due": sum(row.due for row in rows),
            "total_arrears": sum(row.arrears for row in rows),
            "total_prefilled": sum(row.prefill for row in rows),
            "fund_balance": selectors.income_fund(club).balance(),
            "can_manage": can_manage,
            "summary_on": paid_on,
        },
    )


# --- after the meeting ----------------------------------------------------------------------------


@require_http_methods(["GET"])
def meeting_summary(request, club_pk, year, month, day):
    """One printable page of what a meeting recorded: contributions, repayments, new loans and
    the funds' balances at the end of the day."""
    club = _club(request, club_pk, Cap.FUNDS_VIEW)
    try:
        on = datetime.date(year, month, day)
    except ValueError:
        raise Http404("No such day.") from None
    summary = selectors.meeting_summary(club=club, on=on)
    # A page made to be printed that names members: who printed it is audited.
    personal_data_print_record(
        actor=request.user, page=request.path, club=club, filters={"date": on.isoformat()}, rows=summary.rows_listed
    )
    return render(request, "loans/meeting_summary.html", {"club": club, "summary": summary})
