"""The club standards a scorecard measures against, as data.

Decision 1336/QĐ-TTg of 31/08/2020 (the national plan for Intergenerational Self-Help Clubs,
2021–2025) sets for each club: 50–70 members; 60–70 % women; 60–70 % older people and 30–40 %
younger ones; priority to poor and near-poor people, with no figure (docs/domain.md §2). Both ends of
each range are included. Another plan with other figures is another ClubStandards value, not
another code path.
"""

import dataclasses
from decimal import Decimal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Mark(models.TextChoices):
    # Shown next to a figure in a column headed by the standard, e.g. "Women (60–70 %)".
    BELOW = "below", pgettext_lazy("against a standard", "below")
    MEETS = "meets", pgettext_lazy("against a standard", "meets")
    ABOVE = "above", pgettext_lazy("against a standard", "above")


@dataclasses.dataclass(frozen=True)
class Standard:
    """A range both ends included: a number of people, or a share in percent."""

    low: Decimal
    high: Decimal
    percent: bool = False

    def mark(self, value: int | Decimal | None) -> Mark | None:
        """Below, meets or above; None when there is nothing to measure (no members)."""
        if value is None:
            return None
        if value < self.low:
            return Mark.BELOW
        if value > self.high:
            return Mark.ABOVE
        return Mark.MEETS


@dataclasses.dataclass(frozen=True)
class ClubStandards:
    source: Promise
    members: Standard
    women: Standard
    older: Standard
    younger: Standard

    def criteria(self) -> list[tuple[Promise, Standard]]:
        """What is measured, in the order reports show it."""
        return [
            (_("members"), self.members),
            (_("women"), self.women),
            (_("older people"), self.older),
            (_("younger members"), self.younger),
        ]


DECISION_1336 = ClubStandards(
    source=_("Decision 1336/QĐ-TTg of 31/08/2020"),
    members=Standard(Decimal(50), Decimal(70)),
    women=Standard(Decimal(60), Decimal(70), percent=True),
    older=Standard(Decimal(60), Decimal(70), percent=True),
    younger=Standard(Decimal(30), Decimal(40), percent=True),
)
