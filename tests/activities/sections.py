"""Report sections for tests of what counts as activity (activities.selectors)."""

from clubs.models import ActivityArea

# One figure above 0 in each area. For income generation that is a technical advice session:
# without one, it counts only in a month with lending in the loan book.
EVERY_AREA_ACTIVE = {
    ActivityArea.INCOME: {"values": {"advice_sessions": 1}},
    ActivityArea.HEALTH: {"values": {"health_talks": 1}},
    ActivityArea.HOME_CARE: {"values": {"volunteers_active": 1, "visits": 4}},
    ActivityArea.SELF_HELP: {"values": {"cases_helped": 1}},
    ActivityArea.RIGHTS: {"values": {"social_pension": 1}},
    ActivityArea.LEARNING: {"values": {"sessions": 1}},
    ActivityArea.CULTURE: {"values": {"performances": 1}},
    ActivityArea.RESOURCES: {"values": {"member_fees": 50000}},
}
