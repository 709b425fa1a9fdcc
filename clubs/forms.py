import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit, AdminUnitQuerySet
from areas.selectors import districts
from clubs.models import Club, ClubQuerySet, ClubStatus, StatusChangeKind
from clubs.selectors import club_list
from core.forms import DateField, LinesField

if TYPE_CHECKING:
    from clubs.models import ClubWithStatus


class UnitChoiceField(forms.ModelChoiceField):
    """Communes shown with their district, since several districts have a commune of the same name."""

    def label_from_instance(self, unit):
        district = unit.district_name_beside
        return f"{unit.name} — {district}" if district else unit.name


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

    def __init__(self, *args: Any, units: AdminUnitQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The level right under the province, whatever it is called in the scheme (districts until
        # mid-2025): no layer is hard-coded by name.
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = districts(units).order_by("path")
        cast(UnitChoiceField, self.fields["commune"]).queryset = (
            units.club_hosts().select_related("parent").order_by("path")
        )

    def clubs(self, *, clubs: ClubQuerySet[Club], on: datetime.date) -> "QuerySet[ClubWithStatus]":
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
