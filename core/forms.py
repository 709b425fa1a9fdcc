"""Form fields shared by every app (money in đồng, dates typed dd/mm/yyyy), the forms that write
money once (core.once), and how a form shows what a service refused."""

import datetime
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from core.dates import no_such_day, within_years
from core.money import parse_vnd
from core.numbers import group_thousands, parse_count
from core.once import StaleVersion, Version, already_saved_message, write_once
from core.text import split_lines

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
_DAY_MONTH_YEAR = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")

T = TypeVar("T")


# A text box for digits: the phone shows its number pad, the browser suggests nothing.
NUMERIC_INPUT = {"inputmode": "numeric", "autocomplete": "off"}


# A filter offers its choices in a list up to this many; past it (a province's or the country's
# clubs) the list would make every page showing the form slow to build and long to scroll.
LISTED_CHOICES_MAX = 300


class ScopeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A filter's choice among the rows of the user's scope (its clubs, the users of its log).

    `scope(queryset)` sets the rows. Up to LISTED_CHOICES_MAX of them it is a list to pick from;
    past that it is a hidden field, set by the links of other pages (a club's page links to its
    members), and the page names the choice with a link to take it off (`listed` tells which).
    Either way a value is checked against the scope in one query, so a forged one selects nothing.
    """

    listed = True
    first_rows: list[Any] = []  # the first two rows of the scope: is there only one?
    chosen: Any = None  # the row chosen, once the form is cleaned (the page names it)

    def scope(self, queryset: Any) -> None:
        """One query: at most one row more than the limit, never the whole scope however large."""
        self.queryset = queryset
        rows = list(queryset[: LISTED_CHOICES_MAX + 1])
        self.first_rows = rows[:2]
        self.listed = len(rows) <= LISTED_CHOICES_MAX
        if self.listed:
            self.choices = [("", self.empty_label), *((row.pk, self.label_from_instance(row)) for row in rows)]
            self._listed_rows = {str(row.pk): row for row in rows}
        else:
            self.widget = forms.HiddenInput()

    def to_python(self, value: Any) -> Any:
        self.chosen = self._row(value)
        return self.chosen

    def _row(self, value: Any) -> Any:
        """A listed choice is one of the rows already read: no second query to check it."""
        if not self.listed or value in self.empty_values:
            return super().to_python(value)
        try:
            return self._listed_rows[str(value)]
        except KeyError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


def query_without(query: QueryDict, *dropped: str) -> str:
    """The query string without the keys `dropped`: a list's links that keep its other filters."""
    kept = query.copy()
    for key in dropped:
        kept.pop(key, None)
    return kept.urlencode()


class _GroupedInput(forms.TextInput):
    """A text box for a whole number that static/js/number_input.js groups by thousands as it is
    typed (1180000 shows 1.180.000), marked by its `data-input`. A text box, not type=number: the
    browser would refuse "1.180.000" before the server could read it, and say why in its own words."""

    kind: str

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**NUMERIC_INPUT, "data-input": self.kind, **(attrs or {})})


class MoneyInput(_GroupedInput):
    """The box every amount of money is typed in (VNDField's widget)."""

    kind = "money"


class CountInput(_GroupedInput):
    """The box every count is typed in: people, sessions, days, months (CountField's widget)."""

    kind = "count"


class PlainNumberInput(forms.TextInput):
    """A number that names something rather than counts it (a year, a day of the month): the number
    pad, never grouped — 1955, not 1.955."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**NUMERIC_INPUT, **(attrs or {})})


class _GroupedIntegerField(forms.IntegerField):
    """A whole number typed 1.180.000, 1180000 or 1,180,000, shown grouped with "."; fractions and
    negatives are refused with their own message (by `parse`, which each kind of number gives)."""

    def __init__(self, *, parse: Callable[[str], int], min_value: int | None = 0, **kwargs: Any) -> None:
        self.parse = parse
        super().__init__(min_value=min_value, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return self.parse(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return group_thousands(value)
        return value


class VNDField(_GroupedIntegerField):
    """Money in whole đồng: 238.500.000, 238500000, 238,500,000 or 238.500.000 đ."""

    widget = MoneyInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parse=parse_vnd, **kwargs)


class CountField(_GroupedIntegerField):
    """A number of people, sessions, visits, days or months: 1.200 or 1200."""

    widget = CountInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parse=parse_count, **kwargs)


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy: a browser's date picker would show the US order in English."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class DateField(forms.DateField):
    """03/04/2025 is 3 April 2025, whatever the interface language. A date typed right that the
    calendar lacks (31/02/1950) is told as such: a format message would send the user looking for
    a mistake in the slashes. A date outside the years the product knows (01/01/0001) is refused
    (core.dates.within_years)."""

    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy, for example 24/11/2022.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=DATE_INPUT_FORMATS, **kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        try:
            day = super().to_python(value)
        except ValidationError as exc:
            text = str(value).strip()
            match = _DAY_MONTH_YEAR.fullmatch(text) or _ISO_DATE.fullmatch(text)
            if exc.code != "invalid" or match is None:
                raise
            missing = no_such_day(int(match["day"]), int(match["month"]), int(match["year"]))
            if missing is None:
                raise
            raise missing from None
        return None if day is None else within_years(day)


class LinesField(forms.CharField):
    """A textarea with one entry per line, cleaned to a list of non-empty strings."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]  # a list, not CharField's str
        if isinstance(value, list):
            return value
        return split_lines(super().to_python(value) or "")


ERROR_FORM_INCOMPLETE = _("The form is incomplete: open the page again.")
# How many of the tokens saved lately the pages list (a phone keeps what was typed for a few forms).
SAVED_TOKENS_SHOWN = 20


class OnceForm(forms.Form):
    """A form that writes money: it carries a one-time token, new each time the form is shown
    (and kept when it is shown again with what was typed), and write_through saves it once
    (core.once.write_once). The token is not passed on to the service."""

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={"required": ERROR_FORM_INCOMPLETE, "invalid": ERROR_FORM_INCOMPLETE},
    )

    def write_kind(self) -> str:
        """What the token's receipt names: the form's class."""
        return f"{type(self).__module__}.{type(self).__qualname__}"


class VersionedForm(OnceForm):
    """A OnceForm that also carries the version of the books it was opened at (core.once.Version,
    its number as `initial={"version": …}`): the service refuses it over a newer one (StaleVersion),
    and write_through then shows the form again, with what was typed, at the version now."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": ERROR_FORM_INCOMPLETE, "invalid": ERROR_FORM_INCOMPLETE},
    )

    def show_version(self, current: Version) -> None:
        """Show the form again at the version the books are now at."""
        # A bound form's data is the request's QueryDict (immutable): shown from a copy.
        data = QueryDict(mutable=True)
        data.update(self.data)
        data[self.add_prefix("version")] = str(current.number)
        self.data = data


def write_through(
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[dict[str, Any]], T],
    *,
    rename: Mapping[Any, str] | Callable[[Any], str] | None = None,
    also: Iterable["forms.BaseForm | forms.BaseFormSet[Any]"] = (),  # BaseFormSet is generic for mypy only
) -> T | None:
    """What `write(form.cleaned_data)` (a service call) returns when the form was posted, it and the
    forms of `also` (a formset saved with it) are valid, and the service accepted it; None
    otherwise, with the service's refusal shown on the form. Every view that writes goes through it.

    A refusal naming a field (a ValidationError keyed by name) shows beside that field; one naming
    nothing, or a name the form has no field of, shows on top of the form: a service may name any
    argument, and the user still reads why. `rename` gives the form's field for a name it has no
    field of: a mapping ({"left_on": "moved_on"}) or a callable (a collection sheet's loan id → the
    row's field).

    A OnceForm's write runs once for its token: posted again, the first posting's result is
    returned (with a message saying when it was saved) and nothing is written again."""
    if request.method != "POST" or not all([form.is_valid(), *(other.is_valid() for other in also)]):
        return None
    try:
        if not isinstance(form, OnceForm):
            return write(form.cleaned_data)
        data = {name: value for name, value in form.cleaned_data.items() if name != "token"}
        written = write_once(
            token=form.cleaned_data["token"], actor=request.user, kind=form.write_kind(), write=lambda: write(data)
        )
        if written.first_saved_at is not None:
            messages.info(request, already_saved_message(written.first_saved_at))
        # The pages tell static/js/keep_typed.js which tokens were saved: what the phone kept
        # under them is dropped instead of brought back.
        saved = [*request.session.get("saved_tokens", []), str(form.cleaned_data["token"])]
        request.session["saved_tokens"] = saved[-SAVED_TOKENS_SHOWN:]
        return written.result
    except StaleVersion as exc:
        if isinstance(form, VersionedForm):
            form.show_version(exc.current)
        form.add_error(None, exc)
        return None
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc)
            return None
        for name, errors in exc.error_dict.items():
            if name not in form.fields and rename is not None:
                name = rename(name) if callable(rename) else rename.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
        return None
