from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import BoardTitle, User
from areas.models import AdminUnit
from clubs.models import ActivityArea, ClubStatus, StatusChangeKind, TeamMemberRole
from clubs.selectors import club_list
from core.forms import DateField, LinesField
from members.models import Person, Sex


class UnitChoiceField(forms.ModelChoiceField):
    """Communes shown with their district, since several districts have a commune of the same name."""

    def label_from_instance(self, unit):
        if unit.parent and unit.parent.parent_id:
            return f"{unit.name} — {unit.parent.name}"
        return unit.name


class ClubForm(forms.Form):
    name = forms.CharField(label=_("Club name"), max_length=200)
    unit = UnitChoiceField(
        label=_("Commune"),
        queryset=AdminUnit.objects.none(),
        help_text=_("The commune, ward or township; or a district without communes, such as Lý Sơn."),
    )
    hamlets = LinesField(
        label=_("Hamlets / residential groups"),
        required=False,
        help_text=_("One per line, e.g. Thôn Liên Trì Tây."),
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    decision_date = DateField(label=_("Decision date"), required=False)
    decision_issuer = forms.CharField(
        label=_("Issued by"),
        max_length=200,
        required=False,
        help_text=_("Usually the People's Committee of the commune."),
    )
    launch_date = DateField(
        label=_("Launch date"), required=False, help_text=_("Leave empty until the club is launched.")
    )
    meeting_day = forms.IntegerField(
        label=_("Meeting day of the month"),
        min_value=1,
        max_value=31,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        """`units`: the units the user may register clubs in, from accounts.access."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.club_hosts().select_related("parent").order_by("path")


class ClubFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    district = forms.ModelChoiceField(label=_("District"), queryset=AdminUnit.objects.none(), required=False)
    commune = UnitChoiceField(label=_("Commune"), queryset=AdminUnit.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + ClubStatus.choices, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        # The level right under the province, whatever it is called in the scheme (districts until
        # mid-2025): no layer is hard-coded by name.
        self.fields["district"].queryset = units.filter(parent__parent__isnull=True, parent__isnull=False).order_by(
            "path"
        )
        self.fields["commune"].queryset = units.club_hosts().select_related("parent").order_by("path")

    def clubs(self, *, clubs, on):
        """The clubs the filters select, status as of `on`: the list page and its exports agree.

        A filter that does not validate is ignored (the whole scope is listed, as with no filter).
        """
        criteria = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return club_list(
            clubs=clubs,
            on=on,
            q=criteria.get("q", ""),
            unit=criteria.get("commune") or criteria.get("district"),
            status=criteria.get("status", ""),
        )


class ClubStatusChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Change"), choices=StatusChangeKind.choices)
    effective_on = DateField(label=_("Effective on"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


# --- board and teams ----------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    """A person with the year of birth and hamlet, since two members may share a name."""

    def label_from_instance(self, person):
        parts = [f"{person.full_name} ({person.birth_year})"]
        if person.hamlet:
            parts.append(person.hamlet)
        label = " — ".join(parts)
        if getattr(person, "is_member", True) is False:
            label = _("%(person)s — not a member") % {"person": label}
        return label


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        if user.full_name:
            return f"{user.username} — {user.full_name}"
        return user.username


class AccountOption(models.TextChoices):
    NONE = "none", _("No user account for now")
    EXISTING = "existing", _("Link an existing user account")
    NEW = "new", _("Create a user account")


class BoardPositionForm(forms.Form):
    holder = PersonChoiceField(
        label=_("Member"), queryset=Person.objects.none(), help_text=_("Only current members of the club.")
    )
    title = forms.ChoiceField(label=_("Title"), choices=BoardTitle.choices)
    started_on = DateField(label=_("Since"))
    replace_current = forms.BooleanField(
        label=_("Replace the current chair"),
        required=False,
        help_text=_("For a new chair: the current chair's position ends on this start date."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, help_text=_("For example the meeting that elected them.")
    )
    account = forms.ChoiceField(
        label=_("User account"),
        choices=AccountOption.choices,
        initial=AccountOption.NONE,
        widget=forms.RadioSelect,
        help_text=_(
            "With a user account, the member can sign in and work on the club's pages while the position lasts."
        ),
    )
    user = AccountChoiceField(
        label=_("Existing user account"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Accounts that belong to nobody yet and have no other role."),
    )
    new_username = forms.CharField(
        label=_("User name for the new account"),
        max_length=150,
        required=False,
        help_text=_("Letters, digits and . _ - only. A password is generated and shown once on the next page."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, members, accounts, **kwargs):
        """`members`: the club's current members; `accounts`: accounts that may be linked (selectors)."""
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = members
        self.fields["user"].queryset = accounts

    def clean(self):
        cleaned = super().clean()
        option = cleaned.pop("account", AccountOption.NONE)
        if option == AccountOption.EXISTING and not cleaned.get("user") and "user" not in self.errors:
            self.add_error("user", _("Choose the user account."))
        if option == AccountOption.NEW and not cleaned.get("new_username", "").strip():
            self.add_error("new_username", _("Give a user name for the new account."))
        if option != AccountOption.EXISTING:
            cleaned["user"] = None
        if option != AccountOption.NEW:
            cleaned["new_username"] = ""
        return cleaned


class EndForm(forms.Form):
    ended_on = DateField(label=_("Ended on"), help_text=_("The first day it no longer holds."))


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=200, help_text=_("For example Tổ chăm sóc tại nhà."))
    activity_area = forms.ChoiceField(label=_("Activity area"), choices=ActivityArea.choices)
    leader = PersonChoiceField(
        label=_("Leader"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Only current members of the club."),
    )
    started_on = DateField(label=_("Started on"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = members


class TeamMemberForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamMemberRole.choices)
    started_on = DateField(label=_("Since"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, team, people, **kwargs):
        """`people`: the club's current members, and for a home-care team also the people of its
        community it may care for (selectors.club_care_candidates, annotated `is_member`)."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        if not team.is_home_care:
            self.fields["role"].choices = [
                (value, label) for value, label in TeamMemberRole.choices if value != TeamMemberRole.CARED_FOR
            ]
        else:
            self.fields["person"].help_text = _(
                "Members and volunteers are current members of the club; people cared for may also be "
                "people of the community who are not members."
            )

    def clean(self):
        cleaned = super().clean()
        person, role = cleaned.get("person"), cleaned.get("role")
        if person is not None and role and role != TeamMemberRole.CARED_FOR and not getattr(person, "is_member", True):
            self.add_error("person", _("Team members and volunteers must be current members of the club."))
        return cleaned


class CaredForPersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        min_value=1880,
        max_value=2200,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    hamlet = forms.CharField(label=_("Hamlet / residential group"), max_length=200, required=False)
    started_on = DateField(label=_("Cared for since"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
