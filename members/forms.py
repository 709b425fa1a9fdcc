import datetime
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from clubs.models import Club, ClubQuerySet
from core.bounded import search_field
from core.forms import NUMERIC_INPUT, DateField, PlainNumberInput, ScopeChoiceField
from members import services
from members.models import AgeGroup, EconomicStatus, Ethnicity, LeaveReason, Membership, Person, Sex
from members.selectors import MembershipState, PeopleAlike, PersonAlike, member_list

if TYPE_CHECKING:
    from members.selectors import MemberListRow

ERROR_DATE_OR_YEAR = _("Enter a year (for example 2024) or a date as dd/mm/yyyy.")
ERROR_CHOOSE_ALIKE = _(
    "People with the same name and year of birth are already recorded. Say whether this is one of them "
    "or a different person."
)
ERROR_ALIKE_NOT_AVAILABLE = _("This person cannot be chosen: see the explanation next to their name.")


class DateOrYearField(DateField):
    """A date typed dd/mm/yyyy, or only a year: 2024 means from 1 January 2024 (poverty lists are
    reviewed once a year, and often only the year is known)."""

    default_error_messages = {"invalid": ERROR_DATE_OR_YEAR}

    def to_python(self, value):
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
            return datetime.date(int(value), 1, 1)
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "placeholder": _("yyyy or dd/mm/yyyy")}


# --- the member list filters ----------------------------------------------------------------


class MemberFilterForm(forms.Form):
    q = search_field(_("Search by name"))
    club = ScopeChoiceField(label=_("Club"), queryset=Club.objects.none(), required=False, empty_label=_("All clubs"))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("All"))] + Sex.choices, required=False)
    age_group = forms.ChoiceField(label=_("Age group"), choices=[("", _("All"))] + AgeGroup.choices, required=False)
    economic_status = forms.ChoiceField(
        label=_("Economic status"), choices=[("", _("All"))] + EconomicStatus.choices, required=False
    )
    state = forms.ChoiceField(
        label=_("Members"),
        choices=[
            (MembershipState.CURRENT, _("current members")),
            (MembershipState.FORMER, _("former members")),
            (MembershipState.ALL, _("all")),
        ],
        required=False,
    )

    def __init__(self, *args, clubs: ClubQuerySet[Club], **kwargs):
        """`clubs`: the clubs in the user's scope, from accounts.access."""
        super().__init__(*args, **kwargs)
        cast(ScopeChoiceField, self.fields["club"]).scope(clubs.order_by("name", "pk"))

    def clean_state(self):
        return self.cleaned_data["state"] or MembershipState.CURRENT

    def rows(self, *, clubs: ClubQuerySet[Club], on: datetime.date) -> "QuerySet[MemberListRow]":
        """The memberships the filters select: the list page and its exports show the same rows.

        A filter that does not validate (a crafted club outside the scope, say) selects nobody.
        """
        if self.is_bound and not self.is_valid():
            return Membership.objects.none()  # type: ignore[return-value]  # no rows, so none lacks the annotations
        return member_list(clubs=clubs, on=on, **(self.cleaned_data if self.is_bound else {}))


# --- a person's data: add and edit ------------------------------------------------------------


class PersonForm(forms.Form):
    """The person's own data (services.PERSON_FIELDS), shared by the add and edit pages."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = DateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("Give the date of birth, or only the year if that is all."),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        widget=PlainNumberInput(attrs={"placeholder": _("e.g. 1955")}),
        help_text=_("Enough when the exact date is not known; filled in from the date of birth otherwise."),
    )
    ethnicity = forms.ModelChoiceField(label=_("Ethnicity"), queryset=Ethnicity.objects.all(), required=False)
    hamlet = forms.CharField(
        label=_("Hamlet / residential group"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "hamlet-options", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        validators=[services.validate_phone],
    )
    citizen_id = forms.CharField(
        label=_("Citizen ID number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=NUMERIC_INPUT),
        validators=[services.validate_citizen_id],
        help_text=_("12 digits (CCCD), if the person agrees."),
    )
    has_disability = forms.BooleanField(label=_("Person with disability"), required=False)
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    receives_home_care = forms.BooleanField(label=_("Receives home care"), required=False)
    is_home_care_volunteer = forms.BooleanField(label=_("Home-care volunteer"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        birth_date, birth_year = data.get("birth_date"), data.get("birth_year")
        if "birth_date" in self.errors or "birth_year" in self.errors:
            return data
        if birth_date is None and birth_year is None:
            self.add_error("birth_year", services.ERROR_BIRTH_MISSING)
        elif birth_date is not None and birth_year is None:
            data["birth_year"] = birth_date.year
        elif birth_date is not None and birth_year != birth_date.year:
            self.add_error("birth_year", services.ERROR_BIRTH_YEAR_MISMATCH)
        return data

    def person_values(self) -> dict:
        return {field: self.cleaned_data[field] for field in services.PERSON_FIELDS if field in self.cleaned_data}


class PersonUpdateForm(PersonForm):
    """Editing a person. Users who may not read citizen ID numbers never get the number back in
    the form: they see it masked, may replace it with a new one or remove it."""

    remove_citizen_id = forms.BooleanField(label=_("Remove the recorded citizen ID number"), required=False)

    def __init__(self, data: Any = None, *, person: Person, show_citizen_id: bool, **kwargs: Any) -> None:
        initial = {field: getattr(person, field) for field in services.PERSON_FIELDS}
        self.show_citizen_id = show_citizen_id
        self.recorded_citizen_id = person.citizen_id
        if not show_citizen_id:
            initial["citizen_id"] = ""
        super().__init__(data, initial=initial, **kwargs)
        if show_citizen_id or not person.citizen_id:
            del self.fields["remove_citizen_id"]
        else:
            self.fields["citizen_id"].help_text = _(
                "Recorded: %(masked)s. Leave empty to keep it, or type the full new number to replace it."
            ) % {"masked": person.masked_citizen_id}

    def person_values(self) -> dict:
        values = super().person_values()
        if not self.show_citizen_id and not values.get("citizen_id"):
            if self.cleaned_data.get("remove_citizen_id"):
                values["citizen_id"] = ""
            else:
                values.pop("citizen_id", None)
        return values


class MemberJoinForm(PersonForm):
    """A new member of a club: the person, their household status and the joining date.

    When people with the same name and birth year are already recorded in the province, the form
    asks whether this is one of them (re-join or move: one person for life) or a different person,
    through `same_person`: "new" or the chosen person's id. Only the people the user sees can be
    chosen; of the others the form knows only their number (PeopleAlike).
    """

    NEW = "new"

    economic_status = forms.ChoiceField(label=_("Household economic status"), choices=EconomicStatus.choices)
    status_from = DateOrYearField(
        label=_("Economic status holds from"),
        required=False,
        help_text=_("The year of the poverty list (e.g. 2024) or a date. Empty: the joining date."),
    )
    joined_on = DateField(label=_("Joined the club on"))
    same_person = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = [*PersonForm.base_fields, "economic_status", "status_from", "joined_on"]

    def __init__(self, *args, club: Club, alike_finder: Callable[[str, int], PeopleAlike], **kwargs) -> None:
        """`alike_finder(full_name, birth_year)` → the people alike the user sees and what they may
        do with each, and how many others there are (the caller scopes them with accounts.access)."""
        super().__init__(*args, **kwargs)
        self.club = club
        self.alike_finder = alike_finder
        self.alike: list[PersonAlike] = []
        self.alike_elsewhere = 0  # people alike the user does not see
        self.existing_person: Person | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        found = self.alike_finder(data["full_name"], data["birth_year"])
        self.alike, self.alike_elsewhere = found.seen, found.unseen
        choice = data.get("same_person") or ""
        if not (self.alike or self.alike_elsewhere) or choice == self.NEW:
            return data
        chosen = next((alike for alike in self.alike if str(alike.person.pk) == choice), None)
        if chosen is None:
            raise ValidationError(ERROR_CHOOSE_ALIKE, code="alike")
        if not chosen.available:
            raise ValidationError(ERROR_ALIKE_NOT_AVAILABLE, code="alike")
        self.existing_person = chosen.person
        return data

    def join_values(self) -> dict:
        return {
            **self.person_values(),
            "economic_status": self.cleaned_data["economic_status"],
            "status_from": self.cleaned_data["status_from"],
            "joined_on": self.cleaned_data["joined_on"],
        }


# --- status, leave, move ----------------------------------------------------------------------


class HouseholdStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Household economic status"), choices=EconomicStatus.choices)
    valid_from = DateOrYearField(
        label=_("Holds from"), help_text=_("The year of the poverty list (e.g. 2025: from 1 January) or a date.")
    )
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, help_text=_("For example the commune's decision number.")
    )


class MemberLeaveForm(forms.Form):
    left_on = DateField(label=_("Left on"))
    reason = forms.ChoiceField(label=_("Reason"), choices=LeaveReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ClubChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, club):
        return f"{club.name} — {club.unit.name}"


class MemberMoveForm(forms.Form):
    to_club = ClubChoiceField(label=_("Move to the club"), queryset=None)
    moved_on = DateField(
        label=_("Moved on"), help_text=_("The member leaves the current club and joins the new one on this day.")
    )

    def __init__(self, *args, clubs, **kwargs):
        """`clubs`: the clubs the user may move the member to, from accounts.access."""
        super().__init__(*args, **kwargs)
        self.fields["to_club"].queryset = clubs.select_related("unit").order_by("name", "pk")
