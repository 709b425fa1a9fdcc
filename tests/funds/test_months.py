"""funds/months.py: the funds' month totals the reports over many clubs read, kept as entries are
written, worked out again from the entries, and checked by `manage.py fund_months`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from funds import months
from funds.models import CAPITAL_COLUMNS, CapitalSource, EntryType, FundEntry, FundKind, FundMonth, capital_column
from funds.services import contribution_record, entry_correct, spending_record

D = datetime.date


@pytest.fixture
def books(world):
    """Two clubs' funds with contributions over three months, a spending, and corrections dated in
    the entry's month and in a later one."""
    income = world.club_a1.funds.get(kind=FundKind.INCOME)
    activity = world.club_b1.funds.get(kind=FundKind.ACTIVITY)
    first = contribution_record(
        actor=None, fund=income, amount=5_000_000, entry_date=D(2025, 1, 10), source=CapitalSource.DONOR
    )
    second = contribution_record(
        actor=None, fund=income, amount=300_000, entry_date=D(2025, 1, 20), source=CapitalSource.MEMBERS
    )
    contribution_record(
        actor=None, fund=activity, amount=700_000, entry_date=D(2025, 2, 3), source=CapitalSource.MEMBERS
    )
    spending_record(actor=None, fund=activity, amount=200_000, entry_date=D(2025, 2, 4), purpose="Thăm ốm")
    entry_correct(actor=None, entry=second, entry_date=D(2025, 1, 25), reason="ghi nhầm")
    entry_correct(actor=None, entry=first, entry_date=D(2025, 3, 2), reason="ghi nhầm")
    return income, activity


def test_each_entry_is_added_to_its_month_as_it_is_written(books):
    income, activity = books
    january, march = (
        FundMonth.objects.get(fund=income, month=D(2025, 1, 1)),
        FundMonth.objects.get(fund=income, month=D(2025, 3, 1)),
    )
    # January: both contributions in, the members' one corrected the same month.
    assert (january.net, january.contribution_donor, january.contribution_members) == (5_000_000, 5_000_000, 0)
    # March: the donor's contribution of January reversed, capital and money alike.
    assert (march.net, march.contribution_donor) == (-5_000_000, -5_000_000)
    february = FundMonth.objects.get(fund=activity, month=D(2025, 2, 1))
    assert (february.net, february.contribution_members) == (500_000, 700_000)
    assert months.differences(entries=FundEntry.objects.all(), months=FundMonth.objects.all()) == []


def test_a_rebuild_gives_what_the_writes_kept(books):
    kept = sorted(FundMonth.objects.values_list("fund_id", "month", "net", *CAPITAL_COLUMNS))
    written = months.rebuild(entries=FundEntry.objects.all(), months=FundMonth.objects.all())
    assert written == len(kept) == 3
    assert sorted(FundMonth.objects.values_list("fund_id", "month", "net", *CAPITAL_COLUMNS)) == kept


def test_the_command_finds_totals_that_disagree_and_rebuilds_them(books):
    out = io.StringIO()
    call_command("fund_months", stdout=out)
    assert "agree" in out.getvalue()
    income, _activity = books
    FundMonth.objects.filter(fund=income, month=D(2025, 1, 1)).update(contribution_donor=1)
    FundMonth.objects.filter(fund=income, month=D(2025, 3, 1)).delete()
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 month totals differ"):
        call_command("fund_months", stdout=out)
    assert f"fund {income.pk}, 01/2025, contribution_donor: kept 1, the entries give 5000000" in out.getvalue()
    call_command("fund_months", "--rebuild", stdout=io.StringIO())
    assert months.differences(entries=FundEntry.objects.all(), months=FundMonth.objects.all()) == []


def test_every_source_of_capital_has_its_month_column():
    """A source added to CapitalSource needs its FundMonth column (and a migration): without one,
    the first contribution from it could not be added to its month."""
    columns = {field.name for field in FundMonth._meta.get_fields()}
    assert set(CAPITAL_COLUMNS) <= columns
    assert {capital_column(EntryType.CONTRIBUTION, source) for source in CapitalSource} <= columns
