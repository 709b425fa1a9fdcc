"""Calendar arithmetic for monthly things: meetings, instalments, closed months."""

import calendar
import datetime
import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERROR_NO_SUCH_DAY = _("%(date)s is not a day of the calendar: month %(month)s of %(year)s has %(days)s days.")

# The years a date of this product falls in: the oldest members were born after 1900, and no club,
# plan, loan or report runs past 2100. A date outside (01/01/0001, 31/12/9999, a year typed with a
# digit too many) is a mistake or a crafted address, refused where it is read — the date fields, the
# addresses of a month or a day — before calendar arithmetic (add_months, a period's start twelve
# months back) runs off the range of datetime.date.
MIN_YEAR = 1900
MAX_YEAR = 2100
ERROR_DATE_OUT_OF_RANGE = _("Enter a date between %(first)s and %(last)s.")


def within_years(day: datetime.date) -> datetime.date:
    """`day`, when it falls in the years the product knows (MIN_YEAR–MAX_YEAR); ValidationError
    otherwise. Every date or month typed in a form or an address goes through it."""
    if MIN_YEAR <= day.year <= MAX_YEAR:
        return day
    raise ValidationError(
        ERROR_DATE_OUT_OF_RANGE,
        code="out_of_range",
        params={"first": f"01/01/{MIN_YEAR}", "last": f"31/12/{MAX_YEAR}"},
    )


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def day_in_month(month: datetime.date, day: int) -> datetime.date:
    """Day `day` of `month`'s month, or its last day when the month is shorter (31 → 30/04, 28/02)."""
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))


# Cached: reports over thousands of clubs ask it for the same few months of every club.
@functools.lru_cache(maxsize=4096)
def month_end(day: datetime.date) -> datetime.date:
    return day_in_month(day, 31)


def no_such_day(day: int, month: int, year: int) -> ValidationError | None:
    """The refusal of a day written right that the calendar lacks (31/02/1950, 29/02/2023): a date
    form's or an import's format message would send the user looking for a mistake in the
    slashes. None when the month has the day, or when it is no date at all (month 13, day 32)."""
    if year < datetime.MINYEAR or not 1 <= month <= 12:
        return None
    days = calendar.monthrange(year, month)[1]
    if not days < day <= 31:
        return None
    return ValidationError(
        ERROR_NO_SUCH_DAY,
        code="no_such_day",
        params={"date": f"{day:02d}/{month:02d}/{year:04d}", "month": month, "year": year, "days": days},
    )


def format_date(day: datetime.date) -> str:
    """A day as people write it in messages, whatever the language: 24/11/2022."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_month(day: datetime.date) -> str:
    """The month of a day as people write it: 11/2022."""
    return f"{day.month:02d}/{day.year}"
