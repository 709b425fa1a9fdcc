"""The audit trail of personal data leaving the product: every export that lists people
(Exporter.personal_data, served by web/exports.py) and every printable page that lists them (the
meeting summary, the printable cash book) writes one audit entry saying who took it, what, with
which filters and how many rows. Province staff read them on the audit log; area staff those of
their clubs.

Each function writes one row and nothing else, so it needs no transaction of its own: the export
or print it records is a read, with nothing to keep together with the entry (and the exports' query
budgets grow by the one insert, not by a savepoint around it)."""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms

from audit.models import AuditEntry
from audit.services import audit_record
from clubs.models import Club
from core.bounded import without_control_characters
from core.types import AuthUser


def personal_data_export_record(
    *,
    actor: AuthUser,
    export: str,
    export_format: str,
    file: str,
    club: Club | None,
    filters: dict[str, Any],
    rows: int,
) -> AuditEntry:
    """An export that lists people was downloaded: `export` is its identifier in the registry
    (spreadsheets.registry.EXPORTS), `club` the club of a per-club export (the entry is then about
    that club, else about the user who took it), `filters` as spreadsheets.exporting.readable_filters
    gives them, `rows` the rows the file holds."""
    return audit_record(
        actor=actor,
        action="exports.personal_data.exported",
        target=club if club is not None else actor,
        data={"export": export, "format": export_format, "file": file, "filters": filters, "rows": rows},
    )


def export_taken_record(
    *,
    personal_data: bool,
    actor: AuthUser,
    export: str,
    export_format: str,
    file: str,
    club: Club | None,
    form: forms.Form,
    count_rows: Callable[[], int],
) -> AuditEntry | None:
    """An export was taken, in the request or by its background job: recorded when it lists people
    (Exporter.personal_data), with the filters of its page's `form` as people read them and the rows
    the file holds (`count_rows`, asked only then: a PDF counts them again)."""
    if not personal_data:
        return None
    return personal_data_export_record(
        actor=actor,
        export=export,
        export_format=export_format,
        file=file,
        club=club,
        filters=readable_filters(form),
        rows=count_rows(),
    )


def personal_data_print_record(
    *, actor: AuthUser, page: str, club: Club, filters: dict[str, Any], rows: int
) -> AuditEntry:
    """A printable page listing people of `club` was shown: `page` is its address, `rows` the people
    or entries it lists."""
    return audit_record(
        actor=actor,
        action="exports.personal_data.printed",
        target=club,
        data={"page": page, "filters": filters, "rows": rows},
    )


def readable_filters(form: forms.Form) -> dict[str, Any]:
    """The filters of a bound page form as people read them, by the field's label: a choice by its
    label, a date in ISO form (the audit log shows it dd/mm/yyyy), an object by its name. A form
    that does not validate (its rows are none, or the page's defaults) gives what was typed, cut to
    a readable length. Empty values are no filters."""
    if not form.is_bound:
        return {}
    if not form.is_valid():
        typed = {
            str(field.label or name): without_control_characters(str(form.data.get(name, ""))[:100])
            for name, field in form.fields.items()
        }
        return {label: value for label, value in typed.items() if value}
    readable: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value not in (None, "", [], ()):
            readable[str(field.label or name)] = _readable(field, value)
    return readable


def _readable(field: forms.Field, value: Any) -> Any:
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {str(choice): label for choice, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool | int | str):
        return value
    return str(value)
