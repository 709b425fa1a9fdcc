"""targets/glossary.py: the words behind the figures, in the user's language."""

from django.utils import translation

from targets.glossary import glossary
from tests.text import vi


def test_the_glossary_says_what_counts_as_activity_in_an_area_after_the_all_eight_figure(plan):
    with translation.override("vi"):
        entries = glossary(plan)
    terms = [term for term, _text in entries]
    position = terms.index(vi("Activity in an area"))
    assert terms[position - 1] == vi("Clubs doing all 8 activities")
    rule = entries[position][1]
    assert "sổ theo dõi cho vay" in rule and vi("technical advice sessions") in rule
