"""Abstract building blocks shared by the apps' models (core itself has no tables)."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ValidityQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date):
        """Rows valid on a day: from `valid_from` to `valid_to`, both included; open-ended if empty."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class ValidityPeriod(models.Model):
    """A row that holds for a period: administrative units and schemes, role assignments."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty while still in force."))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_valid_from",
            ),
        ]

    def is_in_force(self, on: datetime.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class TenureQuerySet(models.QuerySet):
    def held_on(self, on: datetime.date):
        """Rows held on a day: started by then and not yet ended (the end day is not counted)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)

    def current(self):
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
