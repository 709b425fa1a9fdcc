"""The monthly report form: one card per activity area (its fields from activities/fields.py, the
"no activity this month" tick and a note) and the monthly meeting. Field names are
"<area>-<code>", "<area>-no_activity", "<area>-note"; the service's errors, keyed by area, are
held on the area's "no activity" tick (ReportForm.area_field) and shown on the area's card (a
doubtful value also asks for the "confirm" tick)."""

import dataclasses

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from activities.fields import Field, FieldKind, fields_of
from activities.models import MonthlyReport
from clubs.models import ActivityArea
from core.forms import CountField, DateField, VNDField


def _name(area: str, code: str) -> str:
    return f"{area}-{code}"


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

    MEETING = ("meeting_date", "members_present", "meeting_topics")

    def __init__(self, *args, report: MonthlyReport, **kwargs):
        kwargs.setdefault("initial", self.initial_of(report))
        super().__init__(*args, **kwargs)
        self.report = report
        for name in self.MEETING:
            self.fields[name].widget.attrs["class"] = "form-control"
        for area in ActivityArea:
            for field in fields_of(area):
                figure = VNDField if field.kind == FieldKind.MONEY else CountField
                self.fields[_name(area, field.code)] = figure(label=field.label, required=False)
            self.fields[_name(area, "no_activity")] = forms.BooleanField(
                label=_("No activity this month"), required=False
            )
            self.fields[_name(area, "note")] = forms.CharField(
                label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    @staticmethod
    def initial_of(report: MonthlyReport) -> dict:
        initial = {
            "meeting_date": report.meeting_date,
            "members_present": report.members_present,
            "meeting_topics": report.meeting_topics,
        }
        for section in report.sections.all():
            initial[_name(section.area, "no_activity")] = section.no_activity
            initial[_name(section.area, "note")] = section.note
            for code, value in section.values.items():
                initial[_name(section.area, code)] = value
        return initial

    def sections(self) -> dict[str, dict]:
        """What report_save takes: {area: {"no_activity", "values", "note"}}."""
        data = self.cleaned_data
        return {
            area.value: {
                "no_activity": data[_name(area, "no_activity")],
                "values": {field.code: data[_name(area, field.code)] for field in fields_of(area)},
                "note": data[_name(area, "note")],
            }
            for area in ActivityArea
        }

    def save_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "sections": self.sections(),
            "meeting_date": data["meeting_date"],
            "members_present": data["members_present"],
            "meeting_topics": data["meeting_topics"],
            "confirmed": data["confirmed"],
        }

    @staticmethod
    def area_field(area: str) -> str:
        """The field that holds the service's errors about an area (core.forms.write_through's
        `rename`): its "no activity" tick, whose card shows them above the figures."""
        return _name(area, "no_activity")

    def _area_errors(self, area: str) -> list[ValidationError]:
        errors = self.errors.get(self.area_field(area))
        return errors.as_data() if errors else []

    def errors_by_key(self) -> dict[str, list[str]]:
        """Every error, for the autosave's JSON answer: keyed by area, meeting field or "__all__"."""
        result: dict[str, list[str]] = {}
        for name, errors in self.errors.items():
            area = name.split("-", 1)[0] if "-" in name else name
            result.setdefault(area, []).extend(str(error) for error in errors)
        return result

    def cards(self) -> list[AreaCard]:
        cards = []
        for area in ActivityArea:
            figures: list[tuple[Field, forms.BoundField]] = [
                (field, self[_name(area, field.code)]) for field in fields_of(area)
            ]
            errors = [message for error in self._area_errors(area) for message in error.messages]
            for _field, bound in figures:
                errors.extend(f"{bound.label}: {error}" for error in bound.errors)
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
