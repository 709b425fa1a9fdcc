"""People and their membership of clubs.

A person has one record for life: joining, leaving, re-joining or moving to another club adds
memberships, never another person. What changes over time is kept with dates: memberships and
the household's economic status (poverty lists are reviewed every year). The age group is never
stored: it is computed at any date from the birth date, or only the birth year, against the
OLDER_PERSON_AGE setting (60 by the Law on Older Persons, 2009; some localities use 55).
"""

import datetime
import re
from typing import Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from clubs.models import Club


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class AgeGroup(models.TextChoices):
    OLDER = "older", _("older person")
    YOUNGER = "younger", _("younger member")


class EconomicStatus(models.TextChoices):
    POOR = "poor", _("poor household")
    NEAR_POOR = "near_poor", _("near-poor household")
    OTHER = "other", _("neither poor nor near-poor")


class LeaveReason(models.TextChoices):
    MOVED = "moved", _("moved")
    DIED = "died", _("died")
    WITHDREW = "withdrew", _("withdrew")
    OTHER = "other", _("other")


class Ethnicity(models.Model):
    """The list of ethnic groups offered in forms; admins add to it."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order in lists"), default=100)

    class Meta:
        verbose_name = _("ethnicity")
        verbose_name_plural = _("ethnicities")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


def older_cutoff(on: datetime.date) -> datetime.date:
    """The latest birth date of someone who is an older person on `on`."""
    years = settings.OLDER_PERSON_AGE
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February in a year that has none
        return on.replace(year=on.year - years, day=28)


def older_condition(on: datetime.date, prefix: str = "") -> Q:
    """Q for "older person on `on`": by birth date when known, else by birth year.

    With only the year known, a person counts as reaching the age on 1 January of that year:
    the way commune lists count ages when the day is unknown.
    """
    return Q(**{f"{prefix}birth_date__isnull": False, f"{prefix}birth_date__lte": older_cutoff(on)}) | Q(
        **{f"{prefix}birth_date__isnull": True, f"{prefix}birth_year__lte": on.year - settings.OLDER_PERSON_AGE}
    )


_PersonT = TypeVar("_PersonT", bound="Person", covariant=True)


class PersonQuerySet(models.QuerySet[_PersonT]):
    def with_age_group(self, on: datetime.date) -> Self:
        return self.annotate(
            age_group=Case(
                When(older_condition(on), then=Value(AgeGroup.OLDER)),
                default=Value(AgeGroup.YOUNGER),
                output_field=models.CharField(),
            )
        )

    def with_economic_status(self, on: datetime.date) -> Self:
        """Annotate `economic_status`: the household's status on `on` (HouseholdStatusQuerySet.in_force,
        as a correlated subquery: for a page of people; reports over many use in_force itself)."""
        latest = (
            HouseholdStatus.objects.filter(person=OuterRef("pk"), valid_from__lte=on)
            .order_by("-valid_from", "-pk")
            .values("status")[:1]
        )
        return self.annotate(economic_status=Subquery(latest))


# A person's member code: TV (thành viên) and the record's number, six digits at least, e.g.
# TV000123. Derived from the primary key, so it never changes and needs no column; lists kept on
# paper (the cut-off sheet of a club going live) name borrowers by it.
MEMBER_CODE_PREFIX = "TV"
# At most nine digits of number: more is a typing slip, and would not fit the database's integer.
MEMBER_CODE = re.compile(rf"{MEMBER_CODE_PREFIX}0*(?P<number>[1-9][0-9]{{0,8}})")


class Person(models.Model):
    full_name = models.CharField(_("full name"), max_length=200)
    # Written by the services: the accent-folded name to search on (core.text.fold) and the
    # Vietnamese sort key (core.text.vietnamese_sort_key: by given name, in Vietnamese letter order).
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), help_text=_("Enough when the exact date is not known.")
    )
    ethnicity = models.ForeignKey(
        Ethnicity, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ethnicity")
    )
    hamlet = models.CharField(_("hamlet / residential group"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    citizen_id = models.CharField(
        _("citizen ID number"), max_length=12, blank=True, help_text=_("12 digits (CCCD), if the person agrees.")
    )
    has_disability = models.BooleanField(_("person with disability"), default=False)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    receives_home_care = models.BooleanField(_("receives home care"), default=False)
    is_home_care_volunteer = models.BooleanField(_("home-care volunteer"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
        help_text=_("The account of a board member: a chair's position gives it the club-board role."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"], condition=~Q(citizen_id=""), name="person_citizen_id_unique_when_present"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1880, birth_year__lte=2200), name="person_birth_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def code(self) -> str:
        """The member code: TV000123."""
        return f"{MEMBER_CODE_PREFIX}{self.pk:06d}"

    @classmethod
    def pk_from_code(cls, text: str) -> int | None:
        """The record number a member code names ("tv 000 123" → 123), or None if it is no member code."""
        match = MEMBER_CODE.fullmatch("".join(str(text).split()).upper())
        return int(match["number"]) if match else None

    def clean(self) -> None:
        if self.birth_date is not None and self.birth_year != self.birth_date.year:
            raise ValidationError({"birth_year": _("The year of birth does not match the date of birth.")})

    def age_on(self, on: datetime.date) -> int:
        """Age in whole years; with only the year known, the age reached during that year."""
        if self.birth_date is None:
            return on.year - self.birth_year
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))

    def age_group_on(self, on: datetime.date) -> str:
        born_by = older_cutoff(on)
        if self.birth_date is not None:
            return AgeGroup.OLDER if self.birth_date <= born_by else AgeGroup.YOUNGER
        return AgeGroup.OLDER if self.birth_year <= on.year - settings.OLDER_PERSON_AGE else AgeGroup.YOUNGER

    def home_membership(self) -> "Membership | None":
        """The membership that decides who manages the person: the open one, else the latest."""
        return self.memberships.order_by(models.F("left_on").desc(nulls_first=True), "-joined_on", "-pk").first()

    @property
    def masked_citizen_id(self) -> str:
        """Only the last three digits, for everyone but province staff."""
        if not self.citizen_id:
            return ""
        return "•" * (len(self.citizen_id) - 3) + self.citizen_id[-3:]


class HouseholdStatusQuerySet(models.QuerySet["HouseholdStatus"]):
    def in_force(self, on: datetime.date) -> Self:
        """Each person's entry in force on `on`: the latest one valid from that day or before.

        The rule of PersonQuerySet.with_economic_status, written as an anti-join ("no later entry
        valid by `on`") that is not correlated with an outer query: the database works it out once
        for every person rather than once per row of a report (tests/members/test_rules.py checks
        the two forms agree)."""
        later = HouseholdStatus.objects.filter(person=OuterRef("person"), valid_from__lte=on).filter(
            Q(valid_from__gt=OuterRef("valid_from")) | Q(valid_from=OuterRef("valid_from"), pk__gt=OuterRef("pk"))
        )
        return self.filter(valid_from__lte=on).exclude(Exists(later))


class HouseholdStatus(models.Model):
    """The household's economic status from a date (usually 1 January of the review year)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_statuses", verbose_name=_("person")
    )
    status = models.CharField(_("economic status"), max_length=16, choices=EconomicStatus.choices)
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = HouseholdStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("household economic status")
        verbose_name_plural = _("household economic statuses")
        ordering = ["person", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["person", "valid_from"], name="household_status_one_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_status_display()} ({self.valid_from:%d/%m/%Y})"


_MembershipT = TypeVar("_MembershipT", bound="Membership", covariant=True)


class MembershipQuerySet(models.QuerySet[_MembershipT]):
    @staticmethod
    def active_condition(on: datetime.date, prefix: str = "") -> Q:
        """Q for "a member on a day" (joined by then, not yet left), as seen through `prefix` (e.g.
        "memberships__" from the club), for joins that need the condition itself."""
        return Q(**{f"{prefix}joined_on__lte": on}) & (
            Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})
        )

    def active_on(self, on: datetime.date) -> Self:
        """Members on a day: joined by then and not yet left (the day of leaving is not counted)."""
        return self.filter(self.active_condition(on))


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person"))
    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("club"))
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=16, choices=LeaveReason.choices, blank=True)
    leave_note = models.CharField(_("note on leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["person", "joined_on", "pk"]
        constraints = [
            # A person belongs to one club at a time.
            models.UniqueConstraint(
                fields=["person"], condition=Q(left_on__isnull=True), name="membership_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_not_before_joined",
            ),
            models.CheckConstraint(
                condition=(Q(left_on__isnull=True, leave_reason="") | (Q(left_on__isnull=False) & ~Q(leave_reason=""))),
                name="membership_leave_reason_with_left_on",
            ),
        ]
        indexes = [models.Index(fields=["club", "joined_on", "left_on"], name="membership_club_dates_idx")]

    def __str__(self) -> str:
        return f"{self.person} — {self.club}"

    def is_active_on(self, on: datetime.date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on > on)


class MeetingAttendance(models.Model):
    """Whether a member was present at a club's meeting, for the clubs that record it
    (Club.records_attendance): one row per member on the contributions sheet of that day.

    Here, in the register, rather than with the money: the contributions sheet (funds) writes it,
    and the meeting summary (loans) and the monthly report (activities) read it."""

    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("club"))
    meeting_on = models.DateField(_("meeting date"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("person"))
    present = models.BooleanField(_("present"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendance")
        ordering = ["club", "meeting_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["club", "meeting_on", "person"], name="attendance_one_per_member_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.club} {self.meeting_on}"
