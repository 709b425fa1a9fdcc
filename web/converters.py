"""The numbers of a month's or a day's address (/2024/11/, /2024/11/27/): only a year the product
knows (core.dates.MIN_YEAR–MAX_YEAR), a month 1–12 and a day 1–31 match, so an address outside
answers 404 before a view builds a date from it (<int:…> would take any number of digits and the
view would fail on year 0 or on a number too large for a date)."""

from core.bounded import bounded_int
from core.dates import MAX_YEAR, MIN_YEAR


class _BoundedNumber:
    regex: str
    lowest: int
    highest: int

    def to_python(self, value: str) -> int:
        number = bounded_int(value, self.lowest, self.highest)
        if number is None:
            raise ValueError(value)  # the URL resolver reads a ValueError as "no match": 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class YearConverter(_BoundedNumber):
    regex = "[0-9]{4}"
    lowest, highest = MIN_YEAR, MAX_YEAR


class MonthConverter(_BoundedNumber):
    regex = "[0-9]{1,2}"
    lowest, highest = 1, 12


class DayConverter(_BoundedNumber):
    regex = "[0-9]{1,2}"
    lowest, highest = 1, 31
