"""Capital and balances worked out in Python from every entry, by their definitions (funds.selectors):
what the month totals (funds/months.py) and the selectors that read them must give."""

import datetime

from funds.models import CAPITAL_COLUMNS, CAPITAL_TYPES, FundEntry, capital_column


def capital_by_rule(*, clubs, on: datetime.date) -> dict[int, dict[str, int]]:
    """{club id: {capital column: amount}} of the capital entries dated by `on` that no correction
    dated by then reversed, for the clubs with any."""
    result: dict[int, dict[str, int]] = {}
    entries = FundEntry.objects.filter(fund__club__in=clubs, entry_type__in=CAPITAL_TYPES, entry_date__lte=on)
    for entry in entries.select_related("fund", "correction"):
        correction = getattr(entry, "correction", None)
        if correction is not None and correction.entry_date <= on:
            continue
        columns = result.setdefault(entry.fund.club_id, dict.fromkeys(CAPITAL_COLUMNS, 0))
        columns[capital_column(entry.entry_type, entry.source)] += entry.amount
    return result


def balances_by_rule(*, clubs, on: datetime.date) -> dict[int, dict[str, int]]:
    """{club id: {fund kind: the signed sum of its entries dated by `on`}}."""
    result: dict[int, dict[str, int]] = {}
    for entry in FundEntry.objects.filter(fund__club__in=clubs, entry_date__lte=on).select_related("fund"):
        kinds = result.setdefault(entry.fund.club_id, {})
        kinds[entry.fund.kind] = kinds.get(entry.fund.kind, 0) + entry.amount * entry.direction
    return result


def columns_of(capital) -> dict[str, int]:
    """A funds.selectors.Capital as the columns capital_by_rule gives."""
    columns = {capital_column("contribution", source): amount for source, amount in capital.by_source.items()}
    return {**columns, "opening": capital.opening, "interest": capital.interest}
