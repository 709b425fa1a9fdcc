"""The summary of a form's errors, shown above it (templates/partials/form_errors.html): every
error of the form, and of the formsets saved with it, each with a link to the box it is about."""

import dataclasses
from typing import Any

from django import forms, template

register = template.Library()


@dataclasses.dataclass(frozen=True)
class Problem:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the box to go to; empty for the form's own errors and hidden fields


def _anchor(bound: forms.BoundField) -> str:
    """The id of the field's box; for a list of radios or ticks, which labels no single box, the
    first one's."""
    if bound.is_hidden:
        return ""
    if bound.id_for_label:
        return bound.id_for_label
    first = next(iter(bound.subwidgets), None)
    return (first.id_for_label if first is not None else "") or ""


def _form_problems(form: forms.BaseForm) -> list[Problem]:
    problems = [Problem(str(message)) for message in form.non_field_errors()]
    for bound in form:
        problems.extend(
            Problem(str(message), label=str(bound.label or ""), anchor=_anchor(bound)) for message in bound.errors
        )
    return problems


@register.simple_tag
def error_summary(form: forms.BaseForm | None, *formsets: Any) -> list[Problem]:
    """`form`'s errors in the order of its fields, the form's own first, then those of `formsets`."""
    problems = _form_problems(form) if form is not None else []
    for formset in formsets:
        if not formset:
            continue
        problems.extend(Problem(str(message)) for message in formset.non_form_errors())
        for row in formset.forms:
            problems.extend(_form_problems(row))
    return problems
