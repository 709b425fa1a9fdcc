"""Forms of the board and team pages."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import BoardTitle, User
from boards.models import TeamMemberRole
from boards.services.board import ERROR_ACCOUNT_OUT_OF_SCOPE
from clubs.models import ActivityArea
from core.forms import DateField, PlainNumberInput
from members.models import Person, Sex


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
    default_error_messages = {
        # Said of an account outside the user's choices (a crafted request): nothing about it.
        "invalid_choice": ERROR_ACCOUNT_OUT_OF_SCOPE
    }

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
        help_text=_("Accounts that belong to nobody yet and have no other role, among those you may link."),
    )
    new_username = forms.CharField(
        label=_("User name for the new account"),
        max_length=150,
        required=False,
        help_text=_("Letters, digits and . _ - only. A password is generated and shown once on the next page."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, members, accounts, **kwargs):
        """`members`: the club's current members; `accounts`: the accounts the user may link
        (accounts.access.accounts_to_link)."""
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
        widget=PlainNumberInput,
    )
    hamlet = forms.CharField(label=_("Hamlet / residential group"), max_length=200, required=False)
    started_on = DateField(label=_("Cared for since"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
