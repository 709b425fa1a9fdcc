"""An audit entry as people read it: what was done in words, on what kind of object, when in Vietnam
time, and its details as labelled fields with their values before and after, formatted the way the
pages show them (money 238.500.000 đ, dates 24/11/2022, choices by their label).

The audit log sits below every app whose writes it records, so it names their models by string and
reads labels and choices from the model registry, importing none of them. Nothing here queries the
database: a page of entries formats each one in memory.
"""

import dataclasses
import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.dates import format_date, format_month
from core.money import format_vnd

# Keys whose integer values are money (whole đồng).
MONEY_KEYS = frozenset(
    {
        "amount",
        "balance",
        "interest",
        "interest_carried",
        "max_amount",
        "outstanding",
        "overdue_amount",
        "principal",
        "total",
        "written_off_amount",
    }
)
# Keys whose values are a month (stored as its first day).
MONTH_KEYS = frozenset({"month"})
# Keys whose values are a rate per month (a decimal fraction: 0.005 is 0,5 %).
RATE_KEYS = frozenset({"monthly_rate"})
# Keys whose two-item lists are lists of things, not a value before and after.
LIST_KEYS = frozenset({"openings", "loans", "repayments"})

# Data keys that are no field of the entry's object but mirror a field of another model, by
# action: their label and choices are that field's.
BORROWED_FIELDS: dict[tuple[str, str], str] = {
    ("funds.entry.recorded", "fund"): "funds.Fund.kind",
    ("funds.entry.recorded", "type"): "funds.FundEntry.entry_type",
    ("members.household_status.set", "status"): "members.HouseholdStatus.status",
    ("members.household_status.set", "valid_from"): "members.HouseholdStatus.valid_from",
    ("members.membership.started", "joined_on"): "members.Membership.joined_on",
    ("members.membership.ended", "left_on"): "members.Membership.left_on",
    ("members.membership.ended", "reason"): "members.Membership.leave_reason",
    ("clubs.club.suspended", "effective_on"): "clubs.ClubStatusChange.effective_on",
    ("clubs.club.resumed", "effective_on"): "clubs.ClubStatusChange.effective_on",
    ("clubs.club.dissolved", "effective_on"): "clubs.ClubStatusChange.effective_on",
}

# Labels of the other keys the services write (a key that is a field of the entry's object is
# labelled by the field). A key in none of them is shown as it is.
KEY_LABELS = {
    "account": _("user account"),
    "added": _("placed on"),
    "applied_on": _("applied on"),
    "balance": _("balance"),
    "cancelled_instalments": _("instalments cancelled"),
    "club": _("club"),
    "code": _("code"),
    "comment": _("comment"),
    "coverage": _("coverage targets"),
    "created": _("created"),
    "cutoff": _("cut-off date"),
    "date": _("date"),
    "derived_units": _("derived units"),
    "disbursed_on": _("disbursed on"),
    "dropped": _("taken off"),
    "ended_on": _("ended on"),
    "entry": _("cash-book entry"),
    "export": _("export"),
    "file": _("file"),
    "filters": _("filters"),
    "for": _("for"),
    "format": _("file format"),
    "go_live_on": _("taken over on"),
    "holder": _("holder"),
    "instalments": _("instalments"),
    "interest": _("interest"),
    "interest_carried": _("interest carried over"),
    "links": _("links"),
    "loans": _("loans"),
    "map": _("map"),
    "memberships_ended": _("team places ended"),
    "month": _("month"),
    "new": _("new"),
    "on": _("on"),
    "openings": _("opening balances"),
    "outstanding": _("outstanding"),
    "overdue_amount": _("overdue amount"),
    "overdue_instalments": _("overdue instalments"),
    "page": _("page"),
    "paid_on": _("paid on"),
    "person": _("person"),
    "principal": _("principal"),
    "province": _("province"),
    "reason": _("reason"),
    "replaced": _("replaced"),
    "repayment": _("repayment"),
    "repayments": _("repayments"),
    "role_valid_until": _("role valid until"),
    "rows": _("rows"),
    "starts_changed": _("start dates changed"),
    "team": _("team"),
    "term_months": _("term (months)"),
    "total": _("total"),
    "unchanged": _("unchanged"),
    "unit": _("unit"),
    "update": _("updated"),
    "updated": _("updated"),
    "username": _("user name"),
    "valid_from": _("valid from"),
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EMPTY = "—"


@dataclasses.dataclass(frozen=True)
class Detail:
    """One field of an entry: its label, and its value before and after ("" before when the entry
    records a value rather than a change)."""

    label: str
    before: str
    after: str

    @property
    def is_change(self) -> bool:
        return self.before != ""


def action_label(action: str) -> str:
    return AuditEntry(action=action).get_action_display()


def target_type_name(target_type: str) -> str:
    """ "clubs.club" → the model's name in words ("club"); an unknown type as it is."""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


def local_time(moment: datetime.datetime) -> str:
    """A moment in Vietnam time (settings.TIME_ZONE), as the pages write it: 24/11/2022 14:05."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _field(path: str) -> "models.Field[Any, Any] | None":
    app_label, model_name, field_name = path.split(".")
    try:
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist):
        return None
    return field if isinstance(field, models.Field) else None


def _own_field(target_type: str, key: str) -> "models.Field[Any, Any] | None":
    try:
        field = apps.get_model(target_type)._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return field if isinstance(field, models.Field) else None


def details(entry: AuditEntry) -> list[Detail]:
    """The entry's data as labelled, formatted fields, in the order the service wrote them."""
    if not isinstance(entry.data, dict):
        return [Detail(label="", before="", after=str(entry.data))]
    rows = []
    for key, value in entry.data.items():
        borrowed = BORROWED_FIELDS.get((entry.action, key))
        field = _field(borrowed) if borrowed else _own_field(entry.target_type, key)
        label = str(field.verbose_name) if field is not None else str(KEY_LABELS.get(key, key))
        if isinstance(value, list) and len(value) == 2 and key not in LIST_KEYS:
            before, after = (format_value(key, item, field) for item in value)
            rows.append(Detail(label=label, before=before or EMPTY, after=after))
        else:
            rows.append(Detail(label=label, before="", after=format_value(key, value, field)))
    return rows


def format_value(key: str, value: object, field: "models.Field[Any, Any] | None" = None) -> str:
    """One stored value as the pages show it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field is not None and field.choices:
        choices = {str(choice): label for choice, label in field.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(value, int) and key in MONEY_KEYS:
        return format_vnd(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, str) and key in RATE_KEYS:
        return _rate(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return value
        return format_month(day) if key in MONTH_KEYS else format_date(day)
    if isinstance(value, list):
        return ", ".join(format_value(key, item) for item in value) or EMPTY
    if isinstance(value, dict):
        return (
            "; ".join(f"{KEY_LABELS.get(inner, inner)}: {format_value(inner, item)}" for inner, item in value.items())
            or EMPTY
        )
    return str(value)


def _rate(value: str) -> str:
    try:
        percent = Decimal(value) * 100
    except InvalidOperation:
        return value
    return f"{formats.number_format(percent.normalize())} %"
