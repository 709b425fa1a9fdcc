"""Shares shown on the reports: percent with one decimal, as the scorecard shows them."""

from decimal import Decimal


def share(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    """part / whole in percent with one decimal, rounded half up in integer arithmetic (the same on
    every machine, and never above 100 % when part ≤ whole); None when whole is 0 or None. A part
    or whole in Decimal (a share of a target in percent) is divided the same way."""
    if not whole:
        return None
    return Decimal((2000 * part + whole) // (2 * whole)) / 10
