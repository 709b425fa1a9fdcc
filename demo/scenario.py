"""The demo data set: Quảng Ngãi on 24/11/2022 (docs/domain.md §7).

Seven launched clubs with 413 members — 289 older people, 289 women, 268 from poor or near-poor
households, 59 members and 41 older people per club on average — and three clubs decided but
not launched. Names, birth years and hamlets are invented; the totals are the report's. Used by
`manage.py seed_demo` and by the tests that check the report's figures.
"""

import dataclasses
import datetime

from members.models import EconomicStatus, Sex

D = datetime.date

# The seven active clubs of docs/domain.md §7, and three decided but not launched (names invented
# for the demo). (unit code, name, hamlets, decision date, launch date, meeting day)
CLUBS = [
    (
        "21103",
        "CLB Liên thế hệ tự giúp nhau thôn Liên Trì Tây",
        ["Thôn Liên Trì Tây"],
        D(2022, 3, 10),
        D(2022, 4, 5),
        5,
    ),
    (
        "21223",
        "CLB Liên thế hệ tự giúp nhau liên thôn Cộng Hòa – Thống Nhất – Độc Lập",
        ["Thôn Cộng Hòa 1", "Thôn Cộng Hòa 2", "Thôn Thống Nhất", "Thôn Độc Lập"],
        D(2022, 3, 18),
        D(2022, 4, 20),
        20,
    ),
    (
        "21262",
        "CLB Liên thế hệ tự giúp nhau liên khu dân cư Tân An – Tân Mỹ",
        ["Khu dân cư số 8 thôn Tân An", "Khu dân cư số 9 thôn Tân Mỹ"],
        D(2022, 4, 1),
        D(2022, 5, 10),
        10,
    ),
    (
        "21238",
        "CLB Liên thế hệ tự giúp nhau thị trấn Sông Vệ",
        ["Tổ dân phố 2", "Tổ dân phố 3"],
        D(2022, 4, 12),
        D(2022, 5, 18),
        18,
    ),
    ("21400", "CLB Liên thế hệ tự giúp nhau tổ dân phố 1", ["Tổ dân phố 1"], D(2022, 5, 6), D(2022, 6, 8), 8),
    (
        "21460",
        "CLB Liên thế hệ tự giúp nhau liên thôn Vĩnh Bình",
        ["Thôn Vĩnh Bình"],
        D(2022, 5, 20),
        D(2022, 6, 25),
        25,
    ),
    (
        "21439",
        "CLB Liên thế hệ tự giúp nhau tổ dân phố 4 và 5",
        ["Tổ dân phố 4", "Tổ dân phố 5"],
        D(2022, 6, 2),
        D(2022, 7, 12),
        12,
    ),
    ("21367", "CLB Liên thế hệ tự giúp nhau thôn Phú Lâm Đông", ["Thôn Phú Lâm Đông"], D(2022, 10, 14), None, None),
    ("21211", "CLB Liên thế hệ tự giúp nhau thôn Khê Thọ", ["Thôn Khê Thọ"], D(2022, 10, 28), None, None),
    ("21082", "CLB Liên thế hệ tự giúp nhau thôn Phú Long", ["Thôn Phú Long"], D(2022, 11, 7), None, None),
]


# Per launched club (in CLUBS order): members, older people, women, poor or near-poor.
MEMBER_MIX = [
    (59, 42, 42, 39),
    (59, 42, 41, 39),
    (59, 41, 42, 38),
    (59, 41, 41, 38),
    (59, 41, 41, 38),
    (59, 41, 41, 38),
    (59, 41, 41, 38),
]
AS_OF = D(2022, 11, 24)

# docs/domain.md §7: four of the seven clubs had raised initial capital by 24/11/2022, 238.500.000 đ:
# 218.500.000 from members (into the income-generation fund, the revolving loan fund) and
# 20.000.000 from the commune associations' Care Fund (into the activity fund). Per launched
# club (CLUBS order): (members' contributions, Care Fund), paid in at the launch meeting.
INITIAL_CAPITAL = [
    (55_000_000, 5_000_000),
    (55_000_000, 5_000_000),
    (54_500_000, 5_000_000),
    (54_000_000, 5_000_000),
]
# The loan rules every launched club adopted with its regulations (an assumption for the demo:
# docs/domain.md §4 leaves rate, term and grace to each club): up to 10.000.000 đ over 12 months,
# 0,5 % a month on the original amount, repaid monthly, 5 days' grace.
DEMO_LOAN_RULES = {
    "max_amount": 10_000_000,
    "max_term_months": 12,
    "monthly_rate": "0.5",
    "method": "flat",
    "frequency": "monthly",
    "grace_days": 5,
    "regulation_reference": "Quy chế hoạt động, Điều 12",
}
# Loans of the first club, so that its chair's login shows a loan book, a collection sheet and
# some arrears: (amount, term in months, months before today it was disbursed, meetings missed
# at the end — the borrower stopped paying that many meetings ago).
DEMO_LOANS = [
    (10_000_000, 12, 6, 0),
    (8_000_000, 10, 5, 0),
    (6_000_000, 6, 4, 2),
    (5_000_000, 6, 3, 0),
    (7_000_000, 12, 2, 1),
    (5_000_000, 6, 1, 0),
]

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ"]
WOMEN_NAMES = ["Lan", "Hoa", "Mai", "Đào", "Cúc", "Hồng", "Liên", "Thu", "Hạnh", "Xuân", "Nga", "Bình", "Tâm"]
MEN_NAMES = ["An", "Bình", "Dũng", "Hùng", "Sơn", "Tâm", "Minh", "Phúc", "Quang", "Thành", "Đức", "Long"]


@dataclasses.dataclass(frozen=True)
class DemoMember:
    full_name: str
    sex: str
    birth_year: int
    hamlet: str
    economic_status: str
    joined_on: datetime.date


def demo_members(club_index: int) -> list[DemoMember]:
    """The members of the club CLUBS[club_index] (a launched one), the same on every call."""
    _unit, _name, hamlets, _decided, launched, _day = CLUBS[club_index]
    size, older, women, poor_or_near_poor = MEMBER_MIX[club_index]
    members = []
    for number in range(size):
        # Different strides so that age, sex and poverty are spread independently over the list.
        is_older = number < older
        is_woman = (number * 7 + 3) % size < women
        is_poor_side = (number * 13 + 5) % size < poor_or_near_poor
        if is_poor_side:
            status = EconomicStatus.POOR if number % 3 == 0 else EconomicStatus.NEAR_POOR
        else:
            status = EconomicStatus.OTHER
        family = FAMILY_NAMES[(number + club_index) % len(FAMILY_NAMES)]
        given = (WOMEN_NAMES if is_woman else MEN_NAMES)[(number * 5 + club_index) % 12]
        middle = "Thị" if is_woman else "Văn"
        members.append(
            DemoMember(
                full_name=f"{family} {middle} {given}",
                sex=Sex.FEMALE if is_woman else Sex.MALE,
                # Older people were 60 or more in 2022 (born 1962 or before).
                birth_year=1935 + (number * 7) % 28 if is_older else 1963 + (number * 5) % 25,
                hamlet=hamlets[number % len(hamlets)],
                economic_status=status,
                joined_on=launched,
            )
        )
    return members


def initial_capital_record(club, index: int) -> None:
    """The initial capital of the launched club CLUBS[index], if it had any by 24/11/2022, as the
    club recorded it at its launch meeting: the members' contributions into the income-generation
    fund, the Care Fund's support into the activity fund."""
    # Imported here: demo.scenario is data first, and the funds app needs the apps loaded.
    from funds.models import CapitalSource, FundKind
    from funds.services import contribution_record

    if index >= len(INITIAL_CAPITAL):
        return
    from_members, from_care_fund = INITIAL_CAPITAL[index]
    funds = {fund.kind: fund for fund in club.funds.all()}
    contribution_record(
        actor=None,
        fund=funds[FundKind.INCOME],
        amount=from_members,
        entry_date=club.launch_date,
        source=CapitalSource.MEMBERS,
        description="Thành viên góp vốn ban đầu",
    )
    contribution_record(
        actor=None,
        fund=funds[FundKind.ACTIVITY],
        amount=from_care_fund,
        entry_date=club.launch_date,
        source=CapitalSource.CARE_FUND,
        contributor=f"Hội NCT {club.unit.name}",
        description="Hỗ trợ từ Quỹ chăm sóc và phát huy vai trò NCT",
    )
