"""FundEntry.objects.not_reversed — the one rule for "an entry no correction has reversed" — and the
capital built on it, against the rule read from the rows in Python, on random books.

Each example writes contributions and corrections of some of them straight to the table (the
services would refuse most random dates, and the rule is about rows, not about how they came),
rebuilds the month totals (funds/months.py) as a bulk load does, checks a random day and "any day",
and is rolled back.
"""

import datetime

from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from clubs.models import Club
from funds import months
from funds.models import CapitalSource, EntryType, FundEntry, FundKind, FundMonth
from funds.selectors import capital_added_up, club_capital

FIRST_DAY = datetime.date(2024, 1, 1)

# (day of the contribution, days after it that a correction reverses it, or None), as offsets.
books = st.lists(
    st.tuples(st.integers(0, 40), st.none() | st.integers(0, 20)),
    max_size=8,
)


def day(offset: int) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=offset)


def test_not_reversed_is_the_rule_on_random_books(world):
    club = world.club_a1
    fund = club.funds.get(kind=FundKind.INCOME)

    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    @given(book=books, on=st.integers(0, 70))
    def check(book, on):
        with transaction.atomic():
            entries = FundEntry.objects.bulk_create(
                FundEntry(
                    fund=fund,
                    entry_type=EntryType.CONTRIBUTION,
                    direction=1,
                    amount=1_000 * (number + 1),
                    entry_date=day(added),
                    source=CapitalSource.MEMBERS,
                )
                for number, (added, _later) in enumerate(book)
            )
            corrected_on = {}
            for entry, (added, later) in zip(entries, book, strict=True):
                if later is not None:
                    corrected_on[entry.pk] = day(added + later)
                    FundEntry.objects.create(
                        fund=fund,
                        entry_type=EntryType.CORRECTION,
                        direction=-1,
                        amount=entry.amount,
                        entry_date=day(added + later),
                        corrects=entry,
                    )
            # Rows written past funds.services: their month totals are rebuilt, as after a bulk load.
            months.rebuild(entries=FundEntry.objects.filter(fund=fund), months=FundMonth.objects.filter(fund=fund))
            rows = FundEntry.objects.filter(fund=fund)
            every = set(rows.values_list("pk", flat=True))
            never_corrected = every - set(corrected_on)
            assert set(rows.not_reversed().values_list("pk", flat=True)) == never_corrected
            standing = {pk for pk in every if pk not in corrected_on or corrected_on[pk] > day(on)}
            assert set(rows.not_reversed(day(on)).values_list("pk", flat=True)) == standing
            capital = sum(entry.amount for entry in entries if entry.pk in standing and entry.entry_date <= day(on))
            assert (
                capital_added_up(club_capital(clubs=Club.objects.filter(pk=club.pk), on=day(on)).values()).total
                == capital
            )
            transaction.set_rollback(True)

    check()
