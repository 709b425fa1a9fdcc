"""The funds' month totals (funds.models.FundMonth): what an entry changes in them, and a rebuild.

A report over thousands of clubs reads a fund's months ended before its date from these totals,
and only the days since from the entries (funds.selectors): 24 rows a fund for two years instead
of some 300 entries.

- `net`: every entry adds its signed amount to its own month. A balance at the end of a month is
  the sum of the nets up to it.
- The capital columns follow funds.selectors' rule: a capital entry stands from its date until a
  correction of it is dated. It adds its amount to its own month, and its correction takes it
  away in the correction's month (never an earlier one: funds.services refuses a correction
  dated before what it corrects). The capital columns up to a month add up to the capital
  standing at the end of that month.

funds.services.write_entry records each new entry (`record`), under the fund's lock;
generate_scale adds up the rows it writes with the same rule (`add_entry`). Rows written any
other way need `rebuild`: `manage.py fund_months` checks the totals against the entries, or
rebuilds them.
"""

import datetime
from typing import Any, Protocol, TypeAlias

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth

from core.dates import month_start
from funds.models import CAPITAL_COLUMNS, CAPITAL_TYPES, FundEntry, FundMonth, capital_column

# {(fund id, first day of the month): {column: amount}}
Totals: TypeAlias = dict[tuple[int, datetime.date], dict[str, int]]
COLUMNS = ("net", *CAPITAL_COLUMNS)


def _add(totals: Totals, fund_id: int, month: datetime.date, column: str, amount: int) -> None:
    row = totals.setdefault((fund_id, month), {})
    row[column] = row.get(column, 0) + amount


class EntryFacts(Protocol):
    """What the month totals read of an entry: a FundEntry, or a row a bulk load writes."""

    @property
    def fund_id(self) -> int: ...
    @property
    def entry_type(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def direction(self) -> int: ...
    @property
    def entry_date(self) -> datetime.date: ...


def add_entry(totals: Totals, entry: EntryFacts, corrected: EntryFacts | None = None) -> None:
    """Add to `totals` what writing `entry` changes in its fund's months; `corrected`: the entry
    it corrects, if it is a correction."""
    month = month_start(entry.entry_date)
    _add(totals, entry.fund_id, month, "net", entry.amount * entry.direction)
    if entry.entry_type in CAPITAL_TYPES:
        _add(totals, entry.fund_id, month, capital_column(entry.entry_type, entry.source), entry.amount)
    if corrected is not None and corrected.entry_type in CAPITAL_TYPES:
        column = capital_column(corrected.entry_type, corrected.source)
        _add(totals, corrected.fund_id, month, column, -corrected.amount)


def record(entry: FundEntry) -> None:
    """Add a new entry to its fund's months: its fund must be locked (funds.services.lock_funds),
    so that two writes never create the same month's row."""
    changes: Totals = {}
    add_entry(changes, entry, entry.corrects)
    for (fund_id, month), amounts in changes.items():
        added = {column: F(column) + amount for column, amount in amounts.items()}
        if not FundMonth.objects.filter(fund_id=fund_id, month=month).update(**added):
            FundMonth.objects.create(fund_id=fund_id, month=month, **amounts)


def totals_from_entries(entries: "QuerySet[Any]") -> Totals:
    """The month totals of `entries` (a FundEntry queryset, of a migration's model too), worked
    out from them in three grouped queries."""
    totals: Totals = {}
    months = entries.order_by().values("fund_id", month=TruncMonth("entry_date"))
    for row in months.annotate(total=Sum(F("amount") * F("direction"))):
        _add(totals, row["fund_id"], row["month"], "net", row["total"])
    capital = entries.filter(entry_type__in=CAPITAL_TYPES)
    added = capital.annotate(when=TruncMonth("entry_date"))
    taken_away = capital.filter(correction__isnull=False).annotate(when=TruncMonth("correction__entry_date"))
    for rows, sign in ((added, 1), (taken_away, -1)):
        for row in rows.order_by().values("fund_id", "entry_type", "source", "when").annotate(total=Sum("amount")):
            column = capital_column(row["entry_type"], row["source"])
            _add(totals, row["fund_id"], row["when"], column, sign * row["total"])
    return totals


def rebuild(*, entries: "QuerySet[Any]", months: "QuerySet[Any]") -> int:
    """Replace the month totals `months` with those worked out from `entries` (the same funds'),
    inside the caller's transaction; the rows written."""
    months.delete()
    model = months.model
    rows = [
        model(fund_id=fund_id, month=month, **amounts)
        for (fund_id, month), amounts in totals_from_entries(entries).items()
    ]
    months.model.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def differences(*, entries: "QuerySet[FundEntry]", months: "QuerySet[FundMonth]") -> list[tuple[Any, ...]]:
    """(fund id, month, column, kept, from the entries) for each total that disagrees with the
    entries: none when the totals are right."""
    expected = totals_from_entries(entries)
    kept: Totals = {(row["fund_id"], row["month"]): row for row in months.values("fund_id", "month", *COLUMNS)}
    found = []
    for key in sorted(set(expected) | set(kept)):
        for column in COLUMNS:
            want, have = expected.get(key, {}).get(column, 0), kept.get(key, {}).get(column, 0)
            if want != have:
                found.append((*key, column, have, want))
    return found
