"""The monthly report form: one card per activity area (its fields from activities/fields.py, the
"no activity this month" tick and a note) and the monthly meeting. Input names are
"<area>-<code>", "<area>-no_activity", "<area>-note" (activities.fields.input_name); the service's
errors, keyed by area, are held on the area's "no activity" tick (ReportForm.area_field) and shown
on the area's card (a doubtful value also asks for the "confirm" tick).

The form is saved input by input (services.report_draft_save): it reads what it can of what was
typed, keeps the text of the rest, and says which version of the report the page was based on
and what each input showed then ("base:<name>"). An autosave sends only the inputs that changed
("partial")."""

import dataclasses
import datetime
from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from activities.fields import MEETING_FIELDS, Field, FieldKind, canonical, fields_of, invalid_canonical
from activities.fields import input_name as _name
from activities.models import MonthlyReport
from activities.services import Conflict, Typed
from clubs.models import ActivityArea
from core.forms import CountField, DateField, VNDField

BASE_PREFIX = "base:"
CONFLICT = _("Changed on another device at %(time)s by %(name)s: %(inputs)s.")
CONFLICT_UNKNOWN = _("Changed on another device: %(inputs)s.")


@dataclasses.dataclass
class AreaCard:
    area: ActivityArea
    figures: list  # [(Field, BoundField)]
    no_activity: forms.BoundField
    note: forms.BoundField
    errors: list[str]
    doubtful: bool

    @property
    def is_income(self) -> bool:
        return self.area == ActivityArea.INCOME


class ReportForm(forms.Form):
    meeting_date = DateField(label=_("Date of the monthly meeting"), required=False)
    members_present = CountField(label=_("Members present"), required=False)
    meeting_topics = forms.CharField(
        label=_("Topics of the meeting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(label=_("I have checked these figures: they are right"), required=False)
    # The version of the report the page was based on, and the random id the page keeps for its
    # browser (services.report_draft_save).
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    device = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    MEETING = MEETING_FIELDS

    def __init__(self, *args, report: MonthlyReport, **kwargs):
        # A posted form shows and reads what was posted: the report's values (a read of its
        # sections) are its initial values only when nothing was, and none were given.
        if "initial" not in kwargs and (args[0] if args else kwargs.get("data")) is None:
            kwargs["initial"] = self.initial_of(report)
        super().__init__(*args, **kwargs)
        self.report = report
        for name in self.MEETING:
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["version"].initial = report.version
        for area in ActivityArea:
            for field in fields_of(area):
                self.fields[_name(area, field.code)] = self._figure_field(field)
            self.fields[_name(area, "no_activity")] = forms.BooleanField(
                label=_("No activity this month"), required=False
            )
            self.fields[_name(area, "note")] = forms.CharField(
                label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    @staticmethod
    def _figure_field(field: Field) -> forms.Field:
        """The product's money or count box (a number box would drop the dots of "1.180.000")."""
        figure = (VNDField if field.kind == FieldKind.MONEY else CountField)(label=field.label, required=False)
        figure.widget.attrs.update({"class": "form-control", "data-testid": "figure", "data-field": field.code})
        return figure

    @staticmethod
    def initial_of(report: MonthlyReport) -> dict:
        """The inputs as saved, and what the report keeps as typed where it could not be saved."""
        initial: dict[str, object] = {
            "meeting_date": report.meeting_date,
            "members_present": report.members_present,
            "meeting_topics": report.meeting_topics,
        }
        for section in report.sections.all():
            initial[_name(section.area, "no_activity")] = section.no_activity
            initial[_name(section.area, "note")] = section.note
            for code, value in section.values.items():
                initial[_name(section.area, code)] = value
        for name, entry in report.draft_input.items():
            initial[name] = entry.get("value") if name.endswith("-no_activity") else entry["text"]
        return initial

    def input_names(self) -> list[str]:
        """The inputs the chair types in (the meeting's, then each area's)."""
        names = list(self.MEETING)
        for area in ActivityArea:
            names += [_name(area, field.code) for field in fields_of(area)]
            names += [_name(area, "no_activity"), _name(area, "note")]
        return names

    def _is_box(self, name: str) -> bool:
        return isinstance(self.fields[name], forms.BooleanField)

    def texts(self) -> dict[str, str]:
        """Each input's text as the page shows it ("on" or "" for a tick)."""
        texts = {}
        for name in self.input_names():
            value = self[name].value()
            if self._is_box(name):
                texts[name] = "on" if value else ""
            else:
                texts[name] = self.fields[name].widget.format_value(value) or ""
        return texts

    def _read(self, name: str, text: str) -> Typed:
        try:
            return Typed(text, self.fields[name].clean(text))
        except ValidationError:
            return Typed(text, readable=False)

    def typed(self) -> dict[str, Typed]:
        """The inputs posted ({name: Typed}), after is_valid(): an autosave ("partial") sends only
        those that changed, the buttons send them all (an unticked box is not posted: False)."""
        partial = self.data.get("partial") == "1"
        typed = {}
        for name in self.input_names():
            if partial and name not in self.data:
                continue
            text = self.data.get(name) or ""
            if name in self.errors:
                typed[name] = Typed(text, readable=False)
            else:
                typed[name] = Typed(text, self.cleaned_data.get(name))
        return typed

    def base(self) -> dict[str, str]:
        """What each input showed when the page last saved, as canonical values (services)."""
        names = set(self.input_names())
        base = {}
        for key, text in self.data.items():
            name = key.removeprefix(BASE_PREFIX)
            if key.startswith(BASE_PREFIX) and name in names:
                typed = self._read(name, text)
                base[name] = canonical(typed.value) if typed.readable else invalid_canonical(text)
        return base

    def draft_kwargs(self) -> dict:
        """What services.report_draft_save takes from the form (after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        version = data.get("version") if "version" not in self.errors else None
        return {
            "typed": self.typed(),
            "version": version,
            "base": self.base(),
            "device": data.get("device") or "",
            "confirmed": bool(data.get("confirmed")),
        }

    def show_refusals(self, errors: Mapping[str, Iterable[ValidationError]]) -> None:
        """Put the service's refusals (by area or input) where the page shows them."""
        for name, messages in errors.items():
            field = name if name in self.fields else self.area_field(name)
            self.add_error(field if field in self.fields else None, list(messages))

    def label_of(self, name: str) -> str:
        area = name.split("-", 1)[0] if "-" in name else None
        label = str(self.fields[name].label)
        return f"{ActivityArea(area).label} — {label}" if area else label

    def conflict_messages(self, conflicts: Iterable[Conflict]) -> list[str]:
        """One message per save of another device: when, by whom, which inputs."""
        groups: dict[tuple[str, datetime.datetime | None], list[str]] = {}
        for conflict in conflicts:
            groups.setdefault((conflict.by, conflict.at), []).append(self.label_of(conflict.name))
        messages = []
        for (by, at), labels in groups.items():
            inputs = "; ".join(labels)
            if at is None:
                messages.append(str(CONFLICT_UNKNOWN) % {"inputs": inputs})
            else:
                time = time_format(timezone.localtime(at), "H:i")
                messages.append(str(CONFLICT) % {"time": time, "name": by, "inputs": inputs})
        return messages

    @staticmethod
    def area_field(area: str) -> str:
        """The field that holds the service's errors about an area (core.forms.write_through's
        `rename`): its "no activity" tick, whose card shows them above the figures."""
        return _name(area, "no_activity")

    def _area_errors(self, area: str) -> list[ValidationError]:
        errors = self.errors.get(self.area_field(area))
        return errors.as_data() if errors else []

    def error_summary(self) -> list[dict[str, str]]:
        """Every error with the element it is about, for the list on top of the page: the input,
        or the area's card for a refusal of the area ({"target": element id, "area", "message"})."""
        summary = []
        for name, errors in self.errors.items():
            if name == "__all__":
                summary += [{"target": "", "area": "", "message": str(error)} for error in errors]
                continue
            area = name.split("-", 1)[0] if "-" in name else ""
            on_card = name == self.area_field(area) if area else False
            target = f"area-{area}" if on_card else self[name].auto_id
            prefix = "" if on_card or not area else f"{self.fields[name].label}: "
            summary += [{"target": target, "area": area, "message": f"{prefix}{error}"} for error in errors]
        return summary

    def cards(self) -> list[AreaCard]:
        cards = []
        for area in ActivityArea:
            figures: list[tuple[Field, forms.BoundField]] = [
                (field, self[_name(area, field.code)]) for field in fields_of(area)
            ]
            errors = [message for error in self._area_errors(area) for message in error.messages]
            for _field, bound in figures:
                errors.extend(f"{bound.label}: {error}" for error in bound.errors)
                if bound.errors:  # the box itself is marked, for eyes and for screen readers
                    bound.field.widget.attrs["class"] += " is-invalid"
                    bound.field.widget.attrs["aria-invalid"] = "true"
            cards.append(
                AreaCard(
                    area=area,
                    figures=figures,
                    no_activity=self[_name(area, "no_activity")],
                    note=self[_name(area, "note")],
                    errors=errors,
                    doubtful=self._is_doubtful(area),
                )
            )
        return cards

    def meeting_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MEETING]

    def _is_doubtful(self, area: str) -> bool:
        return any(error.code == "doubtful" for error in self._area_errors(area))

    @property
    def is_doubtful(self) -> bool:
        return any(self._is_doubtful(area) for area in ActivityArea)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("What the club should fix"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3}))
