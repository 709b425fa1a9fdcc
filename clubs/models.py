"""The club register: Intergenerational Self-Help Clubs and their life cycle.

A club is decided (decision of establishment), then launched (from then it is active), and
may later be suspended, resumed or dissolved (docs/domain.md §2). The status is never typed: it
is derived from the launch date and the dated status changes, as of any day.

ActivityArea is the one list of the eight activity areas; a club's board and teams are in
boards/, its funds in funds/, its monthly reports in activities/.
"""

import dataclasses
import datetime
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypedDict, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from areas.models import AdminScheme, AdminUnit
from areas.selectors import unit_group_key
from core.dates import day_in_month

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ClubStatus(models.TextChoices):
    DECIDED = "decided", _("decided, not launched")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    DISSOLVED = "dissolved", _("dissolved")


class ClubStatusFields(TypedDict):
    """What ClubQuerySet.with_status annotates on each club."""

    last_status_change: str | None  # the kind of the latest status change by then
    status: str  # a ClubStatus


_ClubT = TypeVar("_ClubT", bound="Club", covariant=True)


class ClubQuerySet(models.QuerySet[_ClubT]):
    """A club's status on a day, in its three forms: `with_status` (an annotation, to list, filter
    and count by status), `active_on` (the active clubs as a plain filter with an anti-join, for
    reports that join clubs to their members) and `status_from_changes` (from rows already
    fetched, for pages that walk many days). The rule is the same (tests/clubs/test_status_rule.py
    checks the three agree on random histories):
    - dissolved or suspended from the day of the latest dissolution or suspension dated by then
      (a resumption dated later ends a suspension);
    - otherwise active from the launch date;
    - otherwise decided (a decision, no launch yet).
    """

    def with_status(self, on: datetime.date) -> "QuerySet[ClubWithStatus]":
        """Annotate `status` as of a day, in SQL, so lists can filter and count by it."""
        last_change = (
            ClubStatusChange.objects.filter(club=OuterRef("pk"), effective_on__lte=on)
            .order_by("-effective_on", "-pk")
            .values("kind")[:1]
        )
        # The annotations' types, which django-stubs does not infer through a generic queryset.
        annotated: QuerySet[ClubWithStatus] = self.annotate(
            last_status_change=Subquery(last_change),
            status=Case(
                When(last_status_change=StatusChangeKind.DISSOLVED, then=Value(ClubStatus.DISSOLVED)),
                When(last_status_change=StatusChangeKind.SUSPENDED, then=Value(ClubStatus.SUSPENDED)),
                When(launch_date__lte=on, then=Value(ClubStatus.ACTIVE)),
                default=Value(ClubStatus.DECIDED),
                output_field=models.CharField(),
            ),
        )
        return annotated

    def active_on(self, on: datetime.date) -> "ClubQuerySet[Club]":
        """The clubs of this queryset active on `on`, as a plain queryset (no annotation to group by).

        The rule of `with_status`, written as plain conditions and an anti-join rather than a CASE
        over a subquery: the database then estimates how many clubs are active, and joins their
        members with a hash join instead of looping over them one by one."""
        later = ClubStatusChange.objects.filter(club=OuterRef("club"), effective_on__lte=on).filter(
            Q(effective_on__gt=OuterRef("effective_on"))
            | Q(effective_on=OuterRef("effective_on"), pk__gt=OuterRef("pk"))
        )
        stopped = ClubStatusChange.objects.filter(
            club=OuterRef("pk"), effective_on__lte=on, kind__in=STOPPING_CHANGES
        ).exclude(Exists(later))
        return self.model.objects.filter(pk__in=self.values("pk"), launch_date__lte=on).exclude(Exists(stopped))

    @staticmethod
    def dissolution_day() -> Subquery:
        """The day the club was dissolved (a dissolution is final), or NULL: annotate it
        (`.annotate(dissolved_on=ClubQuerySet.dissolution_day())`)."""
        dissolution = ClubStatusChange.objects.filter(club=OuterRef("pk"), kind=StatusChangeKind.DISSOLVED)
        return Subquery(dissolution.order_by("effective_on").values("effective_on")[:1])

    # --- where a club sits (ClubLocation) -------------------------------------------------------

    @staticmethod
    def located_condition(units: Sequence[AdminUnit], *, registrations_anywhere: bool = False) -> Q:
        """Q for "the club is located under one of `units`": it has a location (ClubLocation) on
        the unit's map in that unit or below it — where it was registered, or where the lineage
        or a decision took it from an earlier map.

        `registrations_anywhere`: also a club registered under the unit's path on another map.
        Access asks it: a path names the same territory from one map to the next where its codes
        did not change (the province; a district until 30/06/2025), and staff register clubs in
        the units under their path on any map (accounts.access.units_for).

        One EXISTS over the locations, whose (club, map) pairs are unique and indexed.
        Club.is_located_under is its form for one club already read, without a query."""
        assert units, "located under no unit at all"
        under = Q()
        for unit in units:
            on_map = Q(scheme_id=unit.scheme_id)
            if registrations_anywhere:
                on_map |= Q(source=LocationSource.REGISTERED)
            under |= Q(unit__path__startswith=unit.path) & on_map
        return Q(Exists(ClubLocation.objects.filter(under, club=OuterRef("pk"))))

    def located_under(self, unit: AdminUnit) -> Self:
        """The clubs located, on the map of `unit`, in `unit` or below it (the club list's filter)."""
        return self.filter(self.located_condition([unit]))


def status_from_changes(
    launch_date: datetime.date | None, changes: Sequence[tuple[datetime.date, str]], on: datetime.date
) -> str:
    """The club's status on `on` from its launch date and its status changes, given as
    (effective_on, kind) in the order they were recorded (by date, then id): the rule of
    ClubQuerySet.with_status, for pages that decide it for many days from rows fetched once."""
    last = None
    for effective_on, kind in changes:
        if effective_on > on:
            break
        last = kind
    if last == StatusChangeKind.DISSOLVED:
        return ClubStatus.DISSOLVED
    if last == StatusChangeKind.SUSPENDED:
        return ClubStatus.SUSPENDED
    if launch_date is not None and launch_date <= on:
        return ClubStatus.ACTIVE
    return ClubStatus.DECIDED


class Club(models.Model):
    code = models.CharField(_("club code"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    # Accent-folded name (core.text.fold), written by the services: the search key.
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    unit = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="clubs",
        verbose_name=_("commune"),
        help_text=_("The commune, ward or township; or a district without communes, such as Lý Sơn."),
    )
    hamlets = models.JSONField(
        _("hamlets / residential groups"),
        default=list,
        blank=True,
        help_text=_("The hamlets (thôn) or residential groups (tổ dân phố) the club covers, one per line."),
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(
        _("issued by"), max_length=200, blank=True, help_text=_("Usually the People's Committee of the commune.")
    )
    launch_date = models.DateField(
        _("launch date"), null=True, blank=True, help_text=_("Empty until the club is launched.")
    )
    meeting_day = models.PositiveSmallIntegerField(
        _("meeting day of the month"), null=True, blank=True, help_text=_("The day of each month the club meets, 1–31.")
    )
    records_attendance = models.BooleanField(
        _("records attendance at meetings"),
        default=False,
        help_text=_("The contributions sheet then asks who is present at each meeting."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClubQuerySet.as_manager()

    class Meta:
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name_folded"], name="club_name_unique_in_unit"),
            models.CheckConstraint(
                condition=Q(meeting_day__isnull=True) | Q(meeting_day__gte=1, meeting_day__lte=31),
                name="club_meeting_day_1_to_31",
            ),
            models.CheckConstraint(
                condition=Q(launch_date__isnull=True)
                | Q(decision_date__isnull=True)
                | Q(launch_date__gte=models.F("decision_date")),
                name="club_launch_not_before_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clubs:club-detail", args=[self.pk])

    @property
    def area_type(self) -> str:
        """Plain, mountain or island: always the club's administrative unit's, never typed."""
        return self.unit.area_type

    def get_area_type_display(self) -> str:
        return self.unit.get_area_type_display()

    def status_on(self, on: datetime.date) -> str:
        """The club's status on a day (one query): ClubQuerySet.with_status for this club."""
        status: str = Club.objects.with_status(on).values_list("status", flat=True).get(pk=self.pk)
        return status

    def get_status_display(self) -> str:
        """The label of the `status` annotation added by Club.objects.with_status()."""
        return str(ClubStatus(self.status).label)  # type: ignore[attr-defined]  # only on a club read through with_status

    def is_located_under(self, unit: AdminUnit, *, registrations_anywhere: bool = False) -> bool:
        """ClubQuerySet.located_condition for this club. Its registered unit (club.unit) is its one
        location on its registration's map, so a unit of that map needs no query, nor does a club
        registered under the unit's path with `registrations_anywhere`; a unit of another map
        reads the club's locations once (no query when the caller prefetched LOCATION_UNITS)."""
        registered = self.unit
        if registered.path.startswith(unit.path) and (registrations_anywhere or registered.scheme_id == unit.scheme_id):
            return True
        if registered.scheme_id == unit.scheme_id:
            return False
        return any(scheme_id == unit.scheme_id and path.startswith(unit.path) for scheme_id, path in self.located)

    @functools.cached_property
    def located(self) -> list[tuple[int, str]]:
        """(map id, unit path) of each of the club's locations (see is_located_under)."""
        prefetched: list[ClubLocation] | None = getattr(self, "_prefetched_objects_cache", {}).get("locations")
        if prefetched is not None:
            return [(location.scheme_id, location.unit.path) for location in prefetched]
        return list(self.locations.values_list("scheme_id", "unit__path"))

    def meeting_in(self, month: datetime.date) -> datetime.date:
        """The club's meeting in `month`'s month: its meeting day (the month's last day when the
        month is shorter, or when the club has not set a meeting day)."""
        return day_in_month(month, self.meeting_day or 31)


if TYPE_CHECKING:
    # A club read through ClubQuerySet.with_status: its `status` on that day is known.
    ClubWithStatus: TypeAlias = WithAnnotations[Club, ClubStatusFields]


class StatusChangeKind(models.TextChoices):
    SUSPENDED = "suspended", _("suspension")
    RESUMED = "resumed", _("resumption")
    DISSOLVED = "dissolved", _("dissolution")


# The changes that stop a club's activity until a resumption (a dissolution is final).
STOPPING_CHANGES = (StatusChangeKind.SUSPENDED, StatusChangeKind.DISSOLVED)


class ClubStatusChange(models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("club"))
    kind = models.CharField(_("change"), max_length=16, choices=StatusChangeKind.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("club status change")
        verbose_name_plural = _("club status changes")
        ordering = ["effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.club} — {self.get_kind_display()} ({self.effective_on:%d/%m/%Y})"


# --- where a club sits on each map -----------------------------------------------------------


class LocationSource(models.TextChoices):
    REGISTERED = "registered", _("where it was registered")
    LINEAGE = "lineage", _("followed the map change")
    DECIDED = "decided", _("decided by province staff")
    # On a map that ended before the club was registered: where the lineage puts it back, so that
    # a plan on that map counts it once (the unit its unit came from; where it came from several,
    # the unit holding them all, such as their district). Not a place the club ever sat in.
    TRACED_BACK = "traced_back", _("traced back for reports on an earlier map")


class ClubLocation(models.Model):
    """Where a club sits on one map (scheme): the unit it was registered in, then on each later
    map the unit the lineage leads to, or, where a unit was split, the one province staff chose.

    The one answer to "where is this club on map S": access, the club list's filter by unit and
    the location history read it. `scheme` repeats the unit's scheme so that a club has at most
    one location per map (a database constraint)."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="locations", verbose_name=_("club"))
    scheme = models.ForeignKey("areas.AdminScheme", on_delete=models.PROTECT, related_name="+", verbose_name=_("map"))
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="club_locations", verbose_name=_("unit"))
    source = models.CharField(_("source"), max_length=16, choices=LocationSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("club location")
        verbose_name_plural = _("club locations")
        ordering = ["club", "scheme__valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["club", "scheme"], name="club_location_one_per_map"),
            models.CheckConstraint(
                condition=~Q(source="decided") | ~Q(reason=""), name="club_location_decision_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.club} — {self.unit}"


# The location a roll-up joins to each row's club (MapGrouping.rows): `map_location__unit` is the
# unit the club sits in on the map being reported.
MAP_LOCATION = "map_location"
_Rows = TypeVar("_Rows", bound=QuerySet[Any])


@dataclasses.dataclass(frozen=True)
class MapGrouping:
    """How a report over many clubs groups them by area on one map (`scheme`): by the unit each
    club sits in on that map (`depth` None: a commune, or a district without communes such as Lý
    Sơn), or by that unit's ancestor `depth` levels from the top (UNDER_PROVINCE_DEPTH: the
    districts until 30/06/2025, the communes on the two-level map since). The one place a roll-up
    learns where a club is: a plan on an old map groups the clubs registered since by where they
    sit on that map (ClubLocation), never by the unit they were registered in."""

    scheme: AdminScheme | None  # None: no map is loaded, no club is on it
    depth: int | None = None

    def rows(self, queryset: _Rows, club: str = "", *, unplaced: bool = False) -> _Rows:
        """`queryset` (clubs, or rows reaching their club by the lookup `club`, e.g. "club__" from
        a loan) narrowed to the clubs located on the map, with that location joined (one join).
        `unplaced`: keep the rows of clubs not located on the map as well, with no group (a total
        counts them; a club waiting for a decision on a split unit is in no district)."""
        location = FilteredRelation(f"{club}locations", condition=Q(**{f"{club}locations__scheme": self.scheme}))
        joined = queryset.annotate(**{MAP_LOCATION: location})
        return joined if unplaced else joined.filter(**{f"{MAP_LOCATION}__isnull": False})

    def key(self) -> Combinable:
        """The group of each row of `rows()`: the id of the unit, or of its ancestor at `depth`."""
        return unit_group_key(self.depth, f"{MAP_LOCATION}__unit")

    def unit_path(self) -> str:
        """The lookup of the path of the unit each row's club sits in, on the rows of `rows()`."""
        return f"{MAP_LOCATION}__unit__path"

    def unit_id(self) -> str:
        """The lookup of the id of the unit each row's club sits in, on the rows of `rows()`."""
        return f"{MAP_LOCATION}__unit"


# For pages that ask Club.is_located_under of many clubs: their locations with their units'
# paths, in one query (prefetch_related(LOCATION_UNITS)).
LOCATION_UNITS = Prefetch(
    "locations", queryset=ClubLocation.objects.select_related("unit").only("club", "scheme", "unit__path")
)


# --- activity areas -------------------------------------------------------------------------


class ActivityArea(models.TextChoices):
    """The eight activity areas (08 mảng hoạt động) of a club, in the order of docs/domain.md §3.

    The one list of them: teams, monthly reports and the scorecard all use these codes. The labels
    are English source strings, translated in locale/vi (the Vietnamese wording is in the comments).
    """

    INCOME = "income", _("Income generation")  # Tăng thu nhập / đảm bảo sinh kế
    HEALTH = "health", _("Health care")  # Chăm sóc sức khỏe
    HOME_CARE = "home_care", _("Volunteer home care")  # Chăm sóc tại nhà dựa vào tình nguyện viên
    SELF_HELP = "self_help", _("Self-help and mutual support")  # Tự giúp nhau và hỗ trợ cộng đồng
    RIGHTS = "rights", _("Rights and entitlements")  # Đảm bảo quyền và lợi ích
    LEARNING = "learning", _("Awareness and lifelong learning")  # Nâng cao nhận thức / học tập suốt đời
    CULTURE = "culture", _("Culture, arts, visits and exchanges")  # Văn hóa, văn nghệ, thăm hỏi, giao lưu
    RESOURCES = "resources", _("Resource mobilisation")  # Vận động nguồn lực

    @property
    def number(self) -> int:
        """1–8, the number the association's documents give each area."""
        return list(type(self)).index(self) + 1


# How many activity areas there are: what "all eight activities" and "a team in every area" count to.
ALL_AREAS = len(ActivityArea)
