"""Calendar arithmetic for monthly things: meetings, instalments, closed months."""

import calendar
import datetime


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def day_in_month(month: datetime.date, day: int) -> datetime.date:
    """Day `day` of `month`'s month, or its last day when the month is shorter (31 → 30/04, 28/02)."""
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))


def month_end(day: datetime.date) -> datetime.date:
    return day_in_month(day, 31)


def format_date(day: datetime.date) -> str:
    """A day as people write it in messages, whatever the language: 24/11/2022."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_month(day: datetime.date) -> str:
    """The month of a day as people write it: 11/2022."""
    return f"{day.month:02d}/{day.year}"
