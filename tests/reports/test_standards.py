"""reports/standards.py and the figures' formatting: the edges of each range, one decimal at most."""

from decimal import Decimal

import pytest
from django.utils import translation

from reports.standards import DECISION_1336, Mark
from reports.templatetags.scorecard import percent, standard_range


@pytest.mark.parametrize(
    ("value", "mark"),
    [
        (Decimal("59.9"), Mark.BELOW),
        (Decimal("60"), Mark.MEETS),
        (Decimal("70.0"), Mark.MEETS),
        (Decimal("70.1"), Mark.ABOVE),
    ],
)
def test_share_standards_include_both_ends(value, mark):
    assert DECISION_1336.women.mark(value) == mark
    assert DECISION_1336.older.mark(value) == mark


@pytest.mark.parametrize(("members", "mark"), [(49, Mark.BELOW), (50, Mark.MEETS), (70, Mark.MEETS), (71, Mark.ABOVE)])
def test_members_standard(members, mark):
    assert DECISION_1336.members.mark(members) == mark


def test_younger_standard_and_nothing_to_measure():
    assert [DECISION_1336.younger.mark(Decimal(value)) for value in ("29.9", "30", "40", "40.1")] == [
        Mark.BELOW,
        Mark.MEETS,
        Mark.MEETS,
        Mark.ABOVE,
    ]
    assert DECISION_1336.younger.mark(None) is None


def test_the_standards_cite_their_source():
    assert "1336/QĐ-TTg" in str(DECISION_1336.source)
    with translation.override("en"):
        labels = [str(label) for label, _standard in DECISION_1336.criteria()]
    assert labels == [
        "members",
        "women",
        "older people",
        "younger members",
    ]


@pytest.mark.parametrize(
    ("language", "share", "shown"),
    [
        ("vi", Decimal("64.9"), "64,9\u00a0%"),
        ("en", Decimal("64.9"), "64.9\u00a0%"),
        ("vi", Decimal("70.0"), "70\u00a0%"),
        ("vi", Decimal("100"), "100\u00a0%"),
        ("vi", Decimal("0"), "0\u00a0%"),
        ("vi", None, "—"),
    ],
)
def test_percent_shows_one_decimal_at_most(language, share, shown):
    with translation.override(language):
        assert percent(share) == shown


def test_standard_range():
    assert standard_range(DECISION_1336.members) == "50–70"
    assert standard_range(DECISION_1336.women) == "60–70\u00a0%"
