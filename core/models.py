"""Abstract building blocks shared by the apps' models, and the one table of core: the receipts
of the forms that write money once (core.once).

One convention for every dated row of the product: a row holds from its start day, included, up
to its end day, excluded — the end day is the first day it no longer holds — and an empty end
means it still holds (an empty start, which only the units of the earliest map may have, means
it held before anything the product knows). A board seat ended on 01/06 was held until 31/05 and its successor holds
it from 01/06; a map replaced on 01/01/2025 was in force until 31/12/2024. So a period's end is
the next one's start, nothing is counted twice or dropped on the day things change, and "held on
a day" is one test everywhere: start ≤ day < end. The same goes for a membership's `left_on`, a
loan's `closed_on` and an instalment's `cancelled_on`. Pages show a period by its last day held
(`last_day`), as people say it.
"""

import datetime
from typing import Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

_M = TypeVar("_M", bound=models.Model, covariant=True)


class ValidityQuerySet(models.QuerySet[_M]):
    def in_force(self, on: datetime.date) -> Self:
        """Rows in force on a day: valid from then or before, and not yet ended (see the convention above)."""
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=on), Q(valid_from__isnull=True) | Q(valid_from__lte=on)
        )


class ValidityPeriod(models.Model):
    """A row that holds for a period: administrative units and schemes, role assignments."""

    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("no longer valid from"),
        null=True,
        blank=True,
        help_text=_("The first day it no longer holds. Empty while still in force."),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="%(app_label)s_%(class)s_valid_until_after_valid_from",
            ),
        ]

    def is_in_force(self, on: datetime.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)

    @property
    def last_day(self) -> datetime.date | None:
        """The last day in force, as people say it ("until 31/12/2024"); None while still in force."""
        return None if self.valid_until is None else self.valid_until - datetime.timedelta(days=1)


class TenureQuerySet(models.QuerySet[_M]):
    @staticmethod
    def held_condition(on: datetime.date, prefix: str = "") -> Q:
        """Q for "held on a day" (started by then, not yet ended), as seen through `prefix`
        (e.g. "memberships__" from the person), for joins that need the condition itself."""
        return Q(**{f"{prefix}started_on__lte": on}) & (
            Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on})
        )

    def held_on(self, on: datetime.date) -> Self:
        """Held on a day: started by then and not yet ended (the end day is not counted)."""
        return self.filter(self.held_condition(on))

    def not_ended_by(self, on: datetime.date) -> Self:
        """Still holding after `on`, whenever it started: not ended, or ending after that day."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def current(self) -> Self:
        """Not ended (whatever the start date)."""
        return self.filter(ended_on__isnull=True)


class Tenure(models.Model):
    """Something held for a period: a board seat, a team, a place in a team.

    `ended_on` is the first day it no longer holds, as a membership's `left_on`: a chair replaced on
    01/06 holds the seat until 31/05, the new chair from 01/06.
    """

    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True, help_text=_("Empty while it still holds."))

    # Inherited by every tenure: the one definition of "held on a day".
    objects = TenureQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="%(app_label)s_%(class)s_ended_not_before_started",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class Submission(models.Model):
    """The receipt of one form that wrote money, by the one-time token the form carried
    (core.once.write_once): written in the write's own transaction, so a token is on record
    exactly when its write is. The unique token is what makes the second posting of a form
    wait for the first and then answer with what it saved, instead of saving again."""

    token = models.UUIDField(_("token"), unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("saved by")
    )
    kind = models.CharField(_("form"), max_length=100)
    # What the write produced, enough to answer again: {"model": "app.model", "pks": [...]}.
    result = models.JSONField(_("result"), default=dict)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved form")
        verbose_name_plural = _("saved forms")

    def __str__(self) -> str:
        return f"{self.kind} {self.token}"
