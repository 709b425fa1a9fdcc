"""An audit entry in words: labels, Vietnam time, money, dates and choices as the pages show them."""

import datetime

from django.utils import translation

from audit import display
from audit.models import AuditEntry
from funds.models import EntryType, FundKind
from loans.models import LoanStatus
from members.models import EconomicStatus, HouseholdStatus, LeaveReason, Membership
from tests.text import vi

UTC = datetime.UTC


def entry(action, target_type, data, **fields):
    return AuditEntry(action=action, target_type=target_type, target_id="7", target_repr="X", data=data, **fields)


def rows(an_entry):
    with translation.override("vi"):
        return [(row.label, row.before, row.after) for row in display.details(an_entry)]


def test_the_time_is_vietnam_time_whatever_the_database_holds():
    # 17:05 UTC on 15/03 is past midnight in Vietnam (UTC+7): the 16th.
    moment = datetime.datetime(2025, 3, 15, 17, 5, tzinfo=UTC)
    assert display.local_time(moment) == "16/03/2025 00:05"
    assert str(entry("clubs.club.created", "clubs.club", {}, created_at=moment)).startswith("16/03/2025 00:05 · ")


def test_the_action_and_object_type_are_words():
    with translation.override("vi"):
        assert display.action_label("loans.collection_sheet.recorded") == vi("meeting collection sheet saved")
        assert display.target_type_name("clubs.club") == vi("club")
        assert display.target_type_name("loans.loan") == vi("loan")
    # A code from an older version, or a type no longer known, is shown as it is.
    assert display.action_label("clubs.club.renamed") == "clubs.club.renamed"
    assert display.target_type_name("gone.thing") == "gone.thing"


def test_money_has_thousand_separators_and_dates_are_day_first():
    data = {"fund": FundKind.INCOME, "type": EntryType.CONTRIBUTION, "amount": 238_500_000, "date": "2022-11-24"}
    data["balance"] = [0, 238_500_000]
    assert rows(entry("funds.entry.recorded", "funds.fundentry", data)) == [
        (vi("fund"), "", vi(FundKind.INCOME.label)),
        (vi("type"), "", vi(EntryType.CONTRIBUTION.label)),
        (vi("amount (đồng)"), "", "238.500.000\u00a0đ"),
        (vi("date"), "", "24/11/2022"),
        (vi("balance"), "0\u00a0đ", "238.500.000\u00a0đ"),
    ]


def test_a_change_shows_before_and_after_with_choices_by_their_label():
    data = {"status": [None, EconomicStatus.POOR], "valid_from": "2023-01-10"}
    status_field = HouseholdStatus._meta.get_field("status")
    assert rows(entry("members.household_status.set", "members.person", data)) == [
        (vi(status_field.verbose_name), "—", vi(EconomicStatus.POOR.label)),
        (vi("valid from"), "", "10/01/2023"),
    ]
    data = {"status": [LoanStatus.APPLIED, LoanStatus.APPROVED], "decided_on": "2025-03-01"}
    label, before, after = rows(entry("loans.loan.approved", "loans.loan", data))[0]
    assert (before, after) == (vi(LoanStatus.APPLIED.label), vi(LoanStatus.APPROVED.label))


def test_a_reason_for_leaving_is_its_label():
    data = {"club": "QNG-0001", "left_on": "2024-01-01", "reason": LeaveReason.MOVED}
    reason_field = Membership._meta.get_field("leave_reason")
    assert rows(entry("members.membership.ended", "members.person", data))[1:] == [
        (vi("left on"), "", "01/01/2024"),
        (vi(reason_field.verbose_name), "", vi(LeaveReason.MOVED.label)),
    ]


def test_months_rates_counts_lists_and_unknown_keys():
    assert rows(entry("funds.month.closed", "clubs.club", {"month": "2025-02-01"})) == [(vi("month"), "", "02/2025")]
    assert rows(entry("loans.rules.recorded", "loans.loanrules", {"monthly_rate": "0.005"}))[0][2] == "0,5 %"
    assert rows(entry("areas.units.loaded", "areas.adminscheme", {"created": 1234}))[0][2] == "1.234"
    assert rows(entry("loans.collection_sheet.recorded", "clubs.club", {"repayments": [3, 4]}))[0][1:] == ("", "3, 4")
    # A key no label knows is shown as it is, with its value.
    assert rows(entry("clubs.club.updated", "clubs.club", {"colour": "xanh"})) == [("colour", "", "xanh")]
    assert rows(entry("areas.unit.classified", "areas.adminunit", {"is_border": True}))[0][2] == vi("yes")
    located = rows(entry("clubs.club.located", "clubs.club", {"added": {"vn-2025-07": "22015"}}))
    assert located == [(vi("placed on"), "", "vn-2025-07: 22015")]
