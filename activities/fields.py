"""What a club reports each month in each of the eight activity areas: the one place that says it.

Each area (clubs.models.ActivityArea) has a list of fields, each with a code (stable: stored in
the reports), an English label (translated in locale/vi) and a kind:
- PEOPLE: a number of people; it cannot be more than the club's active members that month;
- COUNT: a number of sessions, visits, cases…;
- MONEY: whole đồng;
- DAYS: days of labour.
A field may name a doubtful check: a value past it is not refused but asks the chair to confirm
(more home-care visits than 31 a volunteer; more people cared for than the register records as
receiving home care).

Income generation's lending is not typed: loans disbursed and repaid come from the loan book
(loans.selectors), so only its technical advice sessions, its note and "no activity" are
entered. A province extends a list here; a report keeps the field list it was submitted with
(MonthlyReport.field_codes), so old reports stay readable.
"""

import dataclasses
import datetime
import enum

from django.utils.translation import gettext_lazy as _

from clubs.models import ActivityArea
from core.types import Text


class FieldKind(enum.StrEnum):
    PEOPLE = "people"
    COUNT = "count"
    MONEY = "money"
    DAYS = "days"


@dataclasses.dataclass(frozen=True)
class Field:
    code: str
    label: Text
    kind: FieldKind
    # (other field's code, factor): a value above factor × the other field's value is doubtful.
    doubtful_above: tuple[str, int] | None = None
    # Doubtful above the number of people the member register and the home-care team record as
    # receiving home care (the cross-check with the other modules).
    checked_against_home_care_register: bool = False

    @property
    def is_people(self) -> bool:
        return self.kind == FieldKind.PEOPLE


AREA_FIELDS: dict[str, tuple[Field, ...]] = {
    ActivityArea.INCOME: (Field("advice_sessions", _("technical advice sessions"), FieldKind.COUNT),),
    ActivityArea.HEALTH: (
        Field("checked", _("members whose blood pressure or weight was checked"), FieldKind.PEOPLE),
        Field("health_talks", _("health talks"), FieldKind.COUNT),
        Field("screened", _("people screened"), FieldKind.PEOPLE),
        Field("referrals", _("referrals to a health facility"), FieldKind.COUNT),
        Field("exercise_sessions", _("exercise sessions (dưỡng sinh)"), FieldKind.COUNT),
    ),
    ActivityArea.HOME_CARE: (
        Field("volunteers_active", _("volunteers active"), FieldKind.PEOPLE),
        Field("people_cared_for", _("people cared for"), FieldKind.COUNT, checked_against_home_care_register=True),
        Field("visits", _("home visits made"), FieldKind.COUNT, doubtful_above=("volunteers_active", 31)),
    ),
    ActivityArea.SELF_HELP: (
        Field("cases_helped", _("cases helped"), FieldKind.COUNT),
        Field("value_helped", _("value of the help (đồng)"), FieldKind.MONEY),
        Field("labour_days", _("labour days given"), FieldKind.DAYS),
    ),
    ActivityArea.RIGHTS: (
        Field("social_pension", _("members helped to obtain a social pension"), FieldKind.PEOPLE),
        Field("health_insurance", _("members helped to obtain health insurance"), FieldKind.PEOPLE),
        Field("other_entitlements", _("members helped to obtain another entitlement"), FieldKind.PEOPLE),
    ),
    ActivityArea.LEARNING: (
        Field("sessions", _("learning sessions"), FieldKind.COUNT),
        Field("attendance", _("attendance (people, all sessions)"), FieldKind.COUNT),
    ),
    ActivityArea.CULTURE: (
        Field("performances", _("performances"), FieldKind.COUNT),
        Field("exchanges", _("exchanges with other clubs"), FieldKind.COUNT),
        Field("visits_sick_bereaved", _("visits to sick or bereaved members"), FieldKind.COUNT),
    ),
    ActivityArea.RESOURCES: (
        Field("member_fees", _("member fees collected (đồng)"), FieldKind.MONEY),
        Field("golden_heart", _("Golden Heart book donations (đồng)"), FieldKind.MONEY),
        Field("collective_income", _("collective income activities (đồng)"), FieldKind.MONEY),
        Field("other_sources", _("other money raised (đồng)"), FieldKind.MONEY),
    ),
}


def fields_of(area: str) -> tuple[Field, ...]:
    return AREA_FIELDS[ActivityArea(area)]


def field_codes() -> dict[str, list[str]]:
    """{area: [field codes]}: what a report stores to remember the fields it was made with."""
    return {area.value: [field.code for field in fields_of(area)] for area in ActivityArea}


MEETING_FIELDS = ("meeting_date", "members_present", "meeting_topics")


def input_name(area: str, code: str) -> str:
    """The name of an area's input in the form and in a draft: "<area>-<code>" (a figure's code,
    "no_activity" or "note")."""
    return f"{area}-{code}"


def canonical(value: object) -> str:
    """A value as one string, to tell whether two values are the same whatever way they were typed
    ("1.180.000" and "1180000" are one amount; blank, None and an unticked box are all "")."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def invalid_canonical(text: str) -> str:
    """What could not be read, as typed: never equal to the canonical form of a value."""
    return "?" + text.strip()
