import dataclasses
import datetime
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _

from areas.models import SCHEME_CODE_MAX_LENGTH, AdminScheme, AdminUnit, AdminUnitQuerySet, Level
from areas.selectors import districts
from clubs.models import Club, ClubQuerySet, ClubStatus, StatusChangeKind
from clubs.selectors import club_list
from core.bounded import search_field
from core.dates import format_date
from core.forms import DateField, LinesField, PlainNumberInput

if TYPE_CHECKING:
    from clubs.models import ClubWithStatus
    from clubs.selectors import LocationDecision


class UnitChoiceField(forms.ModelChoiceField):
    """Communes shown with their district, since several districts have a commune of the same name."""

    def label_from_instance(self, unit):
        district = unit.district_name_beside
        return f"{unit.name} — {district}" if district else unit.name


# --- units of several maps, grouped by map -----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MapGroup:
    """The units of one map offered by a select, with the days the map holds: from `start` (None:
    the earliest map held, whose units start open) up to `until`, excluded (None: still in force)."""

    scheme: AdminScheme
    start: datetime.date | None
    until: datetime.date | None
    units: list[AdminUnit]

    def holds(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day < self.until)

    @property
    def label(self) -> str:
        """ "Map in force 01/02/2020 – 31/12/2024": the map's dates, as the decision date is typed."""
        if self.until is None and self.start is not None:
            return _("Map in force since %(start)s") % {"start": format_date(self.start)}
        if self.until is None:
            return str(_("Map in force"))
        end = format_date(self.until - datetime.timedelta(days=1))
        if self.start is None:
            return _("Map in force until %(end)s") % {"end": end}
        return _("Map in force %(start)s – %(end)s") % {"start": format_date(self.start), "end": end}

    def as_data(self) -> dict[str, str]:
        """For static/js/map_units.js: the map's code and its days, ISO dates ("" where open)."""
        return {
            "code": self.scheme.code,
            "from": self.start.isoformat() if self.start else "",
            "until": self.until.isoformat() if self.until else "",
        }


def map_groups(units: Iterable[AdminUnit], today: datetime.date) -> list[MapGroup]:
    """Units (with their scheme) grouped by map, in the order read: the map in force `today` first,
    then the others from the latest."""
    by_scheme: dict[int, list[AdminUnit]] = {}
    schemes: dict[int, AdminScheme] = {}
    for unit in units:
        by_scheme.setdefault(unit.scheme_id, []).append(unit)
        schemes[unit.scheme_id] = unit.scheme
    groups = [
        MapGroup(
            scheme=schemes[scheme_id],
            start=None if any(unit.valid_from is None for unit in members) else schemes[scheme_id].valid_from,
            until=schemes[scheme_id].valid_until,
            units=members,
        )
        for scheme_id, members in by_scheme.items()
    ]
    groups.sort(key=lambda group: (not group.holds(today), -group.scheme.valid_from.toordinal()))
    return groups


class MapGroupedChoices(ModelChoiceIterator):
    """A MapUnitChoiceField's choices: its units grouped by map (optgroups), read when the select
    is rendered (a form that is only validated, as an export's, reads none). The field's queryset
    keeps the rows it read: one query however many times they are grouped."""

    field: "MapUnitChoiceField"

    @property
    def groups(self) -> list[MapGroup]:
        return map_groups(cast(QuerySet[AdminUnit], self.field.queryset), timezone.localdate())

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for group in self.groups:
            yield (group.label, [(unit.pk, self.field.label_from_instance(unit)) for unit in group.units])


class MapGroupedSelect(forms.Select):
    """A select of units grouped by map: each option carries its map's code (data-map) and the
    select the maps' days (data-maps) and the map in force today (data-today), for
    static/js/map_units.js, which shows the map the page asks for."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        groups = self.choices.groups if isinstance(self.choices, MapGroupedChoices) else []
        self._maps = {str(unit.pk): group.scheme.code for group in groups for unit in group.units}
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-maps"] = json.dumps([group.as_data() for group in groups])
        today = timezone.localdate()
        context["widget"]["attrs"]["data-today"] = next(
            (group.scheme.code for group in groups if group.holds(today)), ""
        )
        return context

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        code = getattr(self, "_maps", {}).get(str(option["value"]))
        if code:
            option["attrs"]["data-map"] = code
        return option


class MapUnitChoiceField(UnitChoiceField):
    """A unit of any map, offered grouped by map (its queryset needs select_related("scheme"))."""

    widget = MapGroupedSelect
    iterator = MapGroupedChoices

    def groups(self) -> list[MapGroup]:
        return MapGroupedChoices(self).groups


class ClubForm(forms.Form):
    name = forms.CharField(label=_("Club name"), max_length=200)
    unit = MapUnitChoiceField(
        label=_("Commune"),
        queryset=AdminUnit.objects.none(),
        help_text=_(
            "The commune, ward or township; or a district without communes, such as Lý Sơn. Choose it on the "
            "map in force on the decision date (on today's map when there is none)."
        ),
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
        widget=PlainNumberInput,
    )
    # Here with the meeting day rather than on the usual-contributions page: a rule of how the club
    # meets, not of its money, edited (and audited, clubs.services.register.club_update) with it.
    records_attendance = forms.BooleanField(
        label=_("Records attendance at meetings"),
        required=False,
        help_text=_("The contributions sheet then asks who is present at each meeting."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    # The decision first: its date says on which map the commune is chosen (static/js/map_units.js).
    field_order = ["name", "decision_number", "decision_date", "decision_issuer", "unit", "hamlets"]

    def __init__(self, *args, units, **kwargs):
        """`units`: the units the user may register clubs in, from accounts.access, on every map."""
        super().__init__(*args, **kwargs)
        unit = cast(MapUnitChoiceField, self.fields["unit"])
        unit.queryset = units.club_hosts().select_related("parent", "scheme").order_by("path")
        unit.widget.attrs["data-map-date"] = "decision_date"  # static/js/map_units.js


class ClubFilterForm(forms.Form):
    q = search_field(_("Search"))
    # Which map's units the district and commune selects show (static/js/map_units.js): the units
    # themselves say their map, so the filter reads them alone.
    map = forms.SlugField(label=_("Map"), required=False, max_length=SCHEME_CODE_MAX_LENGTH, widget=forms.Select)
    district = MapUnitChoiceField(label=_("District"), queryset=AdminUnit.objects.none(), required=False)
    commune = MapUnitChoiceField(label=_("Commune"), queryset=AdminUnit.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + ClubStatus.choices, required=False)

    def __init__(self, *args: Any, units: AdminUnitQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = cast(MapUnitChoiceField, self.fields["district"])
        commune = cast(MapUnitChoiceField, self.fields["commune"])
        # The level right under the province, whatever it is called in the scheme (districts until
        # mid-2025): no layer is hard-coded by name. On the map without districts (1 Jul 2025) that
        # level is the communes', offered once, as communes.
        district.queryset = (
            districts(units).exclude(level=Level.COMMUNE).select_related("parent", "scheme").order_by("path")
        )
        commune.queryset = units.club_hosts().select_related("parent", "scheme").order_by("path")
        for field in (district, commune):
            field.widget.attrs["data-map-select"] = "map"  # static/js/map_units.js
        # Rendered from the units read for the two selects: no query of their own.
        cast(forms.Select, self.fields["map"].widget).choices = CallableChoiceIterator(self._maps)
        self.fields["map"].initial = self._map_in_force

    def _groups(self) -> list[MapGroup]:
        return [
            *cast(MapUnitChoiceField, self.fields["commune"]).groups(),
            *cast(MapUnitChoiceField, self.fields["district"]).groups(),
        ]

    def _maps(self) -> list[tuple[str, Any]]:
        """The maps of the units offered, the map in force today first."""
        groups = {group.scheme.code: group for group in self._groups()}
        return [("", _("All maps")), *((code, group.label) for code, group in groups.items())]

    def _map_in_force(self) -> str:
        today = timezone.localdate()
        return next((group.scheme.code for group in self._groups() if group.holds(today)), "")

    def clubs(
        self, *, clubs: ClubQuerySet[Club], on: datetime.date, shown_on: AdminScheme | None = None
    ) -> "QuerySet[ClubWithStatus]":
        """The clubs the filters select, status as of `on`: the list page and its exports agree.
        `shown_on`: the map whose unit each club is shown in (the list: today's).

        A commune or district of any map selects the clubs located under it on its map. A filter
        that does not validate is ignored (the whole scope is listed, as with no filter).
        """
        criteria = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return club_list(
            clubs=clubs,
            on=on,
            q=criteria.get("q", ""),
            unit=criteria.get("commune") or criteria.get("district"),
            status=criteria.get("status", ""),
            shown_on=shown_on,
        )


class ClubStatusChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Change"), choices=StatusChangeKind.choices)
    effective_on = DateField(label=_("Effective on"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class LocationDecisionForm(forms.Form):
    """Which of the units its former unit was split into a club is in, or, for a club traced back,
    which of the units its unit was formed from its area was in (club_location_decide)."""

    unit = forms.ModelChoiceField(
        label=_("The club is now in"),
        queryset=AdminUnit.objects.none(),
        widget=forms.RadioSelect(attrs={"class": "form-check-input flex-shrink-0 m-0"}),
        empty_label=None,
    )
    # Required by the service, which says why (locations.ERROR_DECISION_REASON_REQUIRED).
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it: the hamlets the club covers, where its members live, a decision of the commune."),
    )

    def __init__(self, *args: Any, decision: "LocationDecision", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])
        unit.queryset = AdminUnit.objects.filter(pk__in=[candidate.pk for candidate in decision.candidates])
        # Offered from the units already read (the pending page lists many clubs); the queryset
        # only checks the choice posted.
        unit.choices = [(candidate.pk, candidate.name) for candidate in decision.candidates]
        if decision.back:
            unit.label = _("On this map, the club's area was in")
        if decision.current is not None:
            unit.initial = decision.current.pk
