"""`manage.py generate_scale`: a synthetic province through the real tables (demo/scale.py).

Four clubs over 13 months on the real maps with their lineage: the same seed gives the same rows,
the rows have the shape real clubs write (members, loans with the product's schedules and
allocations, funds that never go below zero, corrections in their own fund), and the product's
reports read them without error."""

import datetime
import hashlib
import io
import json
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Max, Sum

from audit.models import AuditEntry
from clubs.models import Club
from core.dates import add_months
from demo.plans import QUANG_NGAI_2022_2025, seed_plan
from demo.scale import TABLES
from funds import months
from funds.models import EntryType, Fund, FundEntry, FundKind, FundMonth
from funds.selectors import cash_book, club_capital, fund_balances
from loans.allocation import settled_on
from loans.models import Allocation, Instalment, Loan, LoanStatus, Repayment
from loans.portfolio import Period, portfolio_report
from loans.schedules import build_schedule, first_due_date
from loans.selectors import loan_book_totals
from members.models import Membership
from tests.conftest import TODAY
from tests.funds.capital_rule import balances_by_rule, capital_by_rule, columns_of

CLUBS, MONTHS = 4, 13


def generate(*args: str) -> str:
    out = io.StringIO()
    err = io.StringIO()
    call_command(
        "generate_scale",
        "--clubs",
        str(CLUBS),
        "--months",
        str(MONTHS),
        "--today",
        TODAY.isoformat(),
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue()


def fingerprint() -> str:
    digest = hashlib.sha256()
    for model in TABLES:
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def delete_generated(audit_before: int) -> None:
    """The rows generate wrote; the audit entries of loading the maps stay."""
    for model in reversed(TABLES):
        if model is FundEntry:
            FundEntry.objects.filter(corrects__isnull=False).delete()
        rows = model.objects.filter(pk__gt=audit_before) if model is AuditEntry else model.objects.all()
        rows.delete()


@pytest.fixture
def province(maps_with_lineage, settings):
    settings.DEBUG = True
    audit_before = AuditEntry.objects.aggregate(top=Max("pk"))["top"] or 0
    generate("--seed", "7")
    return audit_before


def test_same_seed_same_rows(province):
    first = fingerprint()
    delete_generated(province)
    generate("--seed", "7")
    assert fingerprint() == first
    delete_generated(province)
    generate("--seed", "8")
    assert fingerprint() != first


def test_refuses_a_database_with_clubs_and_appends_when_asked(province):
    with pytest.raises(CommandError, match="--append"):
        generate()
    codes = set(Club.objects.values_list("code", flat=True))
    generate("--append", "--seed", "9")
    assert len(set(Club.objects.values_list("code", flat=True)) - codes) == CLUBS


def constraints_and_indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        return {
            model._meta.db_table: connection.introspection.get_constraints(cursor, model._meta.db_table)
            for model in TABLES
        }


def test_the_keys_and_indexes_set_aside_for_the_load_come_back(maps_with_lineage, settings):
    settings.DEBUG = True
    before = constraints_and_indexes()
    generate()
    assert constraints_and_indexes() == before


def test_refuses_with_debug_off(maps_with_lineage, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        generate()


def test_members_boards_and_loans_have_the_shape_of_real_clubs(province):
    launched = Club.objects.filter(launch_date__isnull=False)
    assert launched.count() >= CLUBS - 1
    for club in launched:
        members = Membership.objects.filter(club=club)
        assert 30 <= members.count() <= 85
        women = members.filter(person__sex="female").count() / members.count()
        assert 0.4 <= women <= 0.85
        borrowers = Loan.objects.filter(club=club).values("borrower").distinct().count()
        assert 0.25 <= borrowers / members.count() <= 0.8
        assert club.board_positions.filter(title="chair", ended_on__isnull=True).count() == 1
        assert club.teams.filter(activity_area="home_care").exists()
        assert club.locations.exists()
    assert Membership.objects.filter(left_on__isnull=False).exists()


def test_schedules_are_the_products(province):
    for loan in Loan.objects.filter(disbursed_on__isnull=False).select_related("club"):
        if loan.reschedulings.exists():
            continue
        meeting_day = loan.club.meeting_day or loan.disbursed_on.day
        expected = build_schedule(
            amount=loan.amount,
            term_months=loan.term_months,
            monthly_rate=loan.monthly_rate,
            method=loan.method,
            frequency=loan.frequency,
            first_due_on=first_due_date(disbursed_on=loan.disbursed_on, meeting_day=meeting_day),
            meeting_day=meeting_day,
        )
        stored = list(
            loan.instalments.order_by("number").values_list("number", "due_on", "principal_due", "interest_due")
        )
        assert stored == [(part.number, part.due_on, part.principal, part.interest) for part in expected]


def test_repayments_allocations_and_entries_add_up(province):
    allocations = {
        row["repayment"]: (row["principal"], row["interest"])
        for row in Allocation.objects.values("repayment").annotate(principal=Sum("principal"), interest=Sum("interest"))
    }
    entries: dict[int, dict[str, int]] = defaultdict(dict)
    for repayment, entry_type, amount in FundEntry.objects.filter(repayment__isnull=False).values_list(
        "repayment", "entry_type", "amount"
    ):
        entries[repayment][entry_type] = amount
    repayments = list(Repayment.objects.all())
    assert repayments
    for repayment in repayments:
        assert allocations[repayment.pk] == (repayment.principal, repayment.interest)
        expected = {EntryType.PRINCIPAL: repayment.principal, EntryType.INTEREST: repayment.interest}
        assert entries[repayment.pk] == {kind: amount for kind, amount in expected.items() if amount}
    # What each live instalment was paid never exceeds what it asks.
    for instalment in Instalment.objects.annotate(paid=Sum(F("allocations__principal") + F("allocations__interest"))):
        assert (instalment.paid or 0) <= instalment.principal_due + instalment.interest_due
    statuses = Counter(Loan.objects.values_list("status", flat=True))
    assert statuses[LoanStatus.DISBURSED] and statuses[LoanStatus.REPAID]


def test_funds_never_go_below_zero_and_corrections_stay_in_their_fund(province):
    for fund in Fund.objects.all():
        running = 0
        for day, total in (
            fund.entries.values("entry_date")
            .order_by("entry_date")
            .annotate(total=Sum(F("amount") * F("direction")))
            .values_list("entry_date", "total")
        ):
            running += total
            assert running >= 0, (fund, day)
    corrections = FundEntry.objects.filter(corrects__isnull=False).select_related("corrects")
    for correction in corrections:
        assert correction.fund_id == correction.corrects.fund_id
        assert correction.amount == correction.corrects.amount
        assert correction.direction == -correction.corrects.direction
        assert correction.entry_date >= correction.corrects.entry_date
    assert FundEntry.objects.values("fund__kind").annotate(n=Count("pk")).count() == 2


def test_instalments_are_paid_in_full_when_their_repayments_say(province):
    payments = defaultdict(list)
    allocations = Allocation.objects.filter(repayment__reversed_on__isnull=True).order_by(
        "repayment__paid_on", "repayment_id"
    )
    for instalment_id, day, principal, interest in allocations.values_list(
        "instalment_id", "repayment__paid_on", "principal", "interest"
    ):
        payments[instalment_id].append((day, principal + interest))
    instalments = list(Instalment.objects.all())
    assert any(instalment.settled_on for instalment in instalments)
    assert any(instalment.settled_on is None for instalment in instalments)
    for instalment in instalments:
        expected = settled_on(due=instalment.amount_due, due_on=instalment.due_on, payments=payments[instalment.pk])
        assert instalment.settled_on == expected, instalment


def test_the_funds_month_totals_are_those_of_the_entries(province):
    """The month totals written beside the entries (funds.months.add_entry, as the services do) are
    those worked out from the entries, and give the rules' capital and balances."""
    assert FundMonth.objects.count() > 0
    assert months.differences(entries=FundEntry.objects.all(), months=FundMonth.objects.all()) == []
    clubs = Club.objects.all()
    for on in (TODAY, add_months(TODAY, -7) - datetime.timedelta(days=11)):
        capital = {club: columns_of(figure) for club, figure in club_capital(clubs=clubs, on=on).items()}
        assert capital == capital_by_rule(clubs=clubs, on=on)
        balances = fund_balances(clubs=clubs, on=on)
        for club, kinds in balances_by_rule(clubs=clubs, on=on).items():
            assert {kind: balances[club][kind] for kind in kinds} == kinds


def test_the_product_reads_it(province):
    on = TODAY
    plan = seed_plan(QUANG_NGAI_2022_2025)
    out = io.StringIO()
    call_command("report_targets", "--plan", plan.code, "--as-of", on.isoformat(), stdout=out)
    assert json.loads(out.getvalue())["plan"]["code"] == plan.code
    club = Club.objects.filter(launch_date__isnull=False).first()
    fund = club.funds.get(kind=FundKind.INCOME)
    book = cash_book(fund=fund, start=add_months(on, -MONTHS), end=on)
    assert book.closing == fund.balance(on) >= 0
    assert len(list(book.entries)) > 0
    portfolio = portfolio_report(clubs=Club.objects.all(), on=on, period=Period.last_12_months(on), scheme=None)
    figures = portfolio.total.figures
    assert figures.outstanding > 0
    assert 0 <= figures.par30 <= figures.outstanding
    totals = loan_book_totals(club=club)
    open_loans = Loan.objects.filter(club=club, status=LoanStatus.DISBURSED)
    assert totals.loans_outstanding == open_loans.count()
    assert totals.principal_outstanding == sum(
        loan.amount - sum(loan.repayments.values_list("principal", flat=True)) for loan in open_loans
    )
