"""Every URL that accepts POST, with what it takes to post a valid body to it for club A1 and
for club B1 (tests/test_data_isolation.py posts it in scope, out of scope and mixed).

An Action's `url(world, club)` makes what the page acts on in `club` and gives the URL's
arguments; `fields(world, club)` is what a user types or picks on top of the form as the page shows
it (its tokens and versions included), or the whole body for a POST-only URL (`shown=False`).
`foreign` names the fields that point at one of the club's own rows (a member, a team, a unit, a
club): the test posts them with the other club's rows instead. A field ending in "*" is a prefix
(the collection sheet's one field per loan). `not_offered(world)` gives fields with values the page
does not offer (where B1 has no such page to take them from): each is posted in place of the valid one.
"""

import dataclasses
import datetime
from collections.abc import Callable

from accounts.models import User
from activities import services as activities
from activities.models import MonthlyReport, ReportStatus
from areas.models import AdminUnit
from areas.signals import lineage_loaded
from clubs.models import ActivityArea, Club
from funds.models import CapitalSource, FundKind
from funds.services import contribution_record, month_close
from loans import services as loans
from members.models import Person
from spreadsheets.models import SpreadsheetImport
from tests import factories
from tests.loans import books
from tests.spreadsheets.files import club_row, cutoff_balance, cutoff_xlsx, xlsx

D = datetime.date
FEBRUARY = D(2025, 2, 1)
NAMES = {"a1": "Alpha Insider", "b1": "Zeta Outsider"}


def _tag(world, club) -> str:
    return NAMES["a1" if club == world.club_a1 else "b1"]


def member_of(world, club, label="Thành viên"):
    """A current member of `club` with a name that tells whose it is."""
    return factories.MembershipFactory(
        club=club, person=factories.PersonFactory(full_name=f"{_tag(world, club)} {label} {club.pk}")
    ).person


def club_kwargs(world, club):
    return {"club_pk": club.pk}


def club_pk_kwargs(world, club):
    return {"pk": club.pk}


def member_kwargs(world, club):
    return {"pk": member_of(world, club).pk}


def team_of(world, club, area=ActivityArea.HEALTH):
    return factories.TeamFactory(club=club, activity_area=area, name=f"Tổ {_tag(world, club)}")


def team_kwargs(world, club):
    return {"pk": club.pk, "team_pk": team_of(world, club).pk}


def home_care_team_kwargs(world, club):
    return {"pk": club.pk, "team_pk": team_of(world, club, ActivityArea.HOME_CARE).pk}


def team_membership_kwargs(world, club):
    membership = factories.TeamMembershipFactory(team=team_of(world, club), person=member_of(world, club, "Tổ viên"))
    return {"pk": club.pk, "team_pk": membership.team.pk, "membership_pk": membership.pk}


def board_position_kwargs(world, club):
    position = factories.BoardPositionFactory(club=club, holder=member_of(world, club, "Phó"))
    return {"pk": club.pk, "position_pk": position.pk}


def lending_kwargs(world, club):
    books.open_lending(club)
    return club_kwargs(world, club)


def loan_kwargs(make):
    def kwargs(world, club):
        books.open_lending(club)
        loan = make(club, borrower=member_of(world, club, "Người vay"))
        return {"club_pk": club.pk, "pk": loan.pk}

    return kwargs


def repayment_kwargs(world, club):
    kwargs = loan_kwargs(books.disbursed_loan)(world, club)
    loan = club.loans.get(pk=kwargs["pk"])
    repayment = loans.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2025, 1, 15))
    return {**kwargs, "repayment_pk": repayment.pk}


def sheet_kwargs(world, club):
    """March's collection sheet, with one loan due at the meeting."""
    loan_kwargs(books.disbursed_loan)(world, club)
    return {"club_pk": club.pk, "year": 2025, "month": 3}


def contributions_kwargs(world, club):
    member_of(world, club, "Góp")
    return {"club_pk": club.pk, "year": 2025, "month": 3}


def contributor(world, club):
    return Person.objects.get(memberships__club=club, full_name__contains="Góp")


def second_club(world, club):
    """Another club of the club's commune, the one members move to."""
    name = f"CLB {_tag(world, club)} 2"
    return Club.objects.filter(name=name).first() or factories.ClubFactory(unit=club.unit, name=name)


def move_kwargs(world, club):
    second_club(world, club)
    return member_kwargs(world, club)


def open_entry_kwargs(world, club):
    entry = contribution_record(
        actor=None,
        fund=club.funds.get(kind=FundKind.INCOME),
        amount=1_000_000,
        entry_date=D(2025, 3, 1),
        source=CapitalSource.MEMBERS,
    )
    return {"club_pk": club.pk, "entry_pk": entry.pk}


def closed_month_kwargs(world, club):
    return {"club_pk": club.pk, "closed_pk": month_close(actor=None, club=club, month=FEBRUARY).pk}


def month_kwargs(world, club):
    return {"club_pk": club.pk, "year": 2025, "month": 2}


def report_in(status):
    """February's report of the club, brought to `status` through the services."""

    def kwargs(world, club):
        report = activities.report_start(actor=None, club=club, month=FEBRUARY)
        if status != ReportStatus.DRAFT:
            sections = {area: {"no_activity": True} for area in ActivityArea}
            activities.report_save(actor=None, report=report, sections=sections)
            activities.report_submit(actor=None, report=report)
        if status == ReportStatus.ACCEPTED:
            activities.report_accept(actor=None, report=MonthlyReport.objects.get(pk=report.pk))
        return month_kwargs(world, club)

    return kwargs


def commune_kwargs(world, club):
    return {"pk": club.unit_id}


def split_kwargs(world, club):
    """The maps of 2025 (tests/clubs/maps.py): A1's commune splits in July, A1 waits for where it sits."""
    from tests.clubs.maps import build_maps

    if not AdminUnit.objects.filter(scheme__code="vn-2025-07").exists():
        build_maps(world)
        lineage_loaded.send(sender=AdminUnit, actor=None)
    return {"pk": club.pk}


def person_pk(world, club):
    return str(member_of(world, club, "Chọn").pk)


def unit_pk(world, club):
    return str(club.unit_id)


def upload_of(kind, username, content):
    """An upload of the persona named `username` waiting for its confirmation."""

    def kwargs(world, club):
        upload = SpreadsheetImport.objects.create(
            kind=kind,
            created_by=User.objects.get(username=username),
            original_name=f"{kind}.xlsx",
            content=content(world, club),
        )
        return {"pk": upload.pk}

    return kwargs


@dataclasses.dataclass(frozen=True)
class Action:
    actor: str  # the persona in scope who does it on club A1
    url: Callable
    fields: Callable = lambda world, club: {}
    foreign: tuple[str, ...] = ()
    shown: bool = True
    # Values the page does not offer for a field, each posted in place of the valid one.
    not_offered: Callable = lambda world: []


ACTIONS = {
    "areas:unit-detail": Action(
        "province_staff",
        commune_kwargs,
        lambda world, club: {"area_type": "mountain", "valid_from": "01/06/2024", "reason": "QĐ 12/QĐ-UBND"},
    ),
    "clubs:club-create": Action(
        "area_staff",
        lambda world, club: {},
        lambda world, club: {
            "name": f"CLB {_tag(world, club)} mới",
            "decision_number": "9/QĐ-UBND",
            "decision_date": "01/03/2024",
            "decision_issuer": "UBND xã",
            "unit": unit_pk(world, club),
            "launch_date": "10/03/2024",
            "meeting_day": "10",
        },
        foreign=("unit",),
    ),
    "clubs:club-update": Action(
        "area_staff", club_pk_kwargs, lambda world, club: {"name": f"CLB {_tag(world, club)} đổi tên"}
    ),
    "clubs:club-status-change": Action(
        "area_staff", club_pk_kwargs, lambda world, club: {"effective_on": "01/03/2025", "reason": "Tạm nghỉ"}
    ),
    "clubs:location-decide": Action(
        "province_staff",
        split_kwargs,
        lambda world, club: {
            "unit": str(AdminUnit.objects.get(scheme__code="vn-2025-07", code="21001").pk),
            "reason": "Thôn phía đông",
        },
        # B1's commune merged (nothing to decide there): its unit on the new map, and the unit
        # of B1 on the map before, are no place A1 was split into.
        not_offered=lambda world: [
            {"unit": str(AdminUnit.objects.get(scheme__code="vn-2025-07", code="21003").pk)},
            {"unit": str(world.commune_b1.pk)},
        ],
    ),
    "boards:board-position-create": Action(
        "area_staff",
        club_pk_kwargs,
        lambda world, club: {"holder": person_pk(world, club), "title": "vice_chair"},
        foreign=("holder",),
    ),
    "boards:board-position-end": Action("area_staff", board_position_kwargs),
    "boards:team-create": Action(
        "club_chair",
        club_pk_kwargs,
        lambda world, club: {"name": "Tổ mới", "leader": person_pk(world, club)},
        foreign=("leader",),
    ),
    "boards:team-update": Action(
        "club_chair", team_kwargs, lambda world, club: {"leader": person_pk(world, club)}, foreign=("leader",)
    ),
    "boards:team-end": Action("club_chair", team_kwargs),
    "boards:team-member-add": Action(
        "club_chair", home_care_team_kwargs, lambda world, club: {"person": person_pk(world, club)}, foreign=("person",)
    ),
    "boards:team-cared-for-create": Action(
        "club_chair",
        home_care_team_kwargs,
        lambda world, club: {"full_name": f"{_tag(world, club)} Được chăm", "birth_year": "1940", "hamlet": "Thôn"},
    ),
    "boards:team-member-end": Action("club_chair", team_membership_kwargs),
    "members:member-create": Action(
        "club_chair",
        club_kwargs,
        lambda world, club: {
            "full_name": f"{_tag(world, club)} Mới vào",
            "sex": "female",
            "birth_year": "1950",
            "ethnicity": str(factories.EthnicityFactory().pk),
            "status_from": "01/03/2025",
        },
    ),
    "members:member-update": Action("club_chair", member_kwargs, lambda world, club: {"phone": "0905123456"}),
    "members:member-status": Action("club_chair", member_kwargs, lambda world, club: {"valid_from": "01/03/2025"}),
    "members:member-leave": Action("club_chair", member_kwargs, lambda world, club: {"reason": "moved"}),
    # District A's staff move a member of A1 into another club of district A.
    "members:member-move": Action(
        "area_staff",
        move_kwargs,
        lambda world, club: {"to_club": str(second_club(world, club).pk)},
        foreign=("to_club",),
    ),
    "funds:contribution-create": Action("club_chair", club_kwargs, lambda world, club: {"amount": "500.000"}),
    "funds:spending-create": Action(
        "club_chair",
        lending_kwargs,
        lambda world, club: {"fund": "income", "amount": "100.000", "purpose": "Mua sổ"},
    ),
    "funds:transfer-create": Action("club_chair", lending_kwargs, lambda world, club: {"amount": "100.000"}),
    "funds:opening-balance-create": Action("club_chair", club_kwargs, lambda world, club: {"amount": "100.000"}),
    "funds:entry-correct": Action("club_chair", open_entry_kwargs, lambda world, club: {"reason": "Ghi nhầm"}),
    "funds:contributions-sheet": Action(
        "club_chair",
        contributions_kwargs,
        lambda world, club: {f"member_{contributor(world, club).pk}_income": "20.000"},
        foreign=("member_*",),
    ),
    "funds:usual-contributions": Action(
        "club_chair", club_kwargs, lambda world, club: {"income": "20.000", "activity": "10.000"}
    ),
    "funds:month-close": Action("club_chair", club_kwargs, lambda world, club: {"month": "2025-02-01"}, shown=False),
    "funds:month-reopen": Action("province_staff", closed_month_kwargs, lambda world, club: {"reason": "Sửa sổ"}),
    "loans:rules-create": Action(
        "club_chair",
        club_kwargs,
        lambda world, club: {
            "max_amount": "5.000.000",
            "max_term_months": "12",
            "monthly_rate": "0,5",
            "method": "flat",
            "frequency": "monthly",
        },
    ),
    "loans:loan-create": Action(
        "club_chair",
        lending_kwargs,
        lambda world, club: {"borrower": person_pk(world, club), "amount": "2.000.000", "term_months": "6"},
        foreign=("borrower",),
    ),
    "loans:loan-approve": Action(
        "club_chair",
        loan_kwargs(books.applied_loan),
        lambda world, club: {"decision_body": "board", "decision_reference": "BB 1"},
    ),
    "loans:loan-reject": Action(
        "club_chair",
        loan_kwargs(books.applied_loan),
        lambda world, club: {"decision_body": "board", "decision_reference": "BB 1", "reason": "Chưa đủ"},
    ),
    "loans:loan-disburse": Action("club_chair", loan_kwargs(books.approved_loan)),
    "loans:repayment-create": Action("club_chair", loan_kwargs(books.disbursed_loan)),
    "loans:repayment-reverse": Action("club_chair", repayment_kwargs, lambda world, club: {"reason": "Ghi nhầm"}),
    "loans:loan-write-off": Action(
        "club_chair",
        loan_kwargs(books.disbursed_loan),
        lambda world, club: {"reason": "Không đòi được", "decision_reference": "QĐ 2"},
    ),
    "loans:loan-reschedule": Action(
        "club_chair",
        loan_kwargs(books.disbursed_loan),
        lambda world, club: {"term_months": "8", "reason": "Mất mùa", "decision_reference": "QĐ 3"},
    ),
    "loans:collection-sheet": Action("club_chair", sheet_kwargs, foreign=("loan_*",)),
    "activities:report-start": Action("club_chair", month_kwargs, shown=False),
    "activities:report-edit": Action(
        "club_chair", report_in(ReportStatus.DRAFT), lambda world, club: {"meeting_topics": "Họp tháng"}
    ),
    "activities:report-return": Action(
        "area_staff", report_in(ReportStatus.SUBMITTED), lambda world, club: {"comment": "Thiếu số liệu"}
    ),
    "activities:report-accept": Action("area_staff", report_in(ReportStatus.SUBMITTED), shown=False),
    "activities:report-reopen": Action(
        "area_staff", report_in(ReportStatus.ACCEPTED), lambda world, club: {"reason": "Sửa số liệu"}
    ),
    # An upload is confirmed by its uploader only.
    "spreadsheets:club-import-confirm": Action(
        "province_staff", upload_of("clubs", "tinh", lambda world, club: xlsx([club_row()])), shown=False
    ),
    "spreadsheets:member-import-confirm": Action(
        "club_chair",
        upload_of(
            "members",
            "chunhiem_a1",
            lambda world, club: xlsx(
                [[club.code, f"{_tag(world, club)} Nhập", "Nữ", 1950, "Nghèo", "10/01/2023"]],
                headers=["Mã CLB", "Họ và tên", "Giới tính", "Năm sinh", "Hoàn cảnh kinh tế", "Ngày vào CLB"],
            ),
        ),
        shown=False,
    ),
    "spreadsheets:cutoff-import-confirm": Action(
        "club_chair",
        upload_of("cutoff", "chunhiem_a1", lambda world, club: cutoff_xlsx([cutoff_balance(club)])),
        shown=False,
    ),
}

# POST URLs without a club or area to be out of: what they act on is the user's own, or the
# province's as a whole.
NO_SCOPE = {
    "login": "signs in whoever the credentials name: no club or area in it",
    "logout": "ends the user's own session",
    "password_change": "changes the user's own password",
    "set_language": "sets the user's own language",
    # An upload only stores the user's own file; what it would write is checked when its uploader
    # confirms it (the -confirm rows above, and tests/spreadsheets for rows of clubs out of scope).
    "spreadsheets:club-import": "stores the user's own upload; writing is the confirm's",
    "spreadsheets:member-import": "stores the user's own upload; writing is the confirm's",
    "spreadsheets:cutoff-import": "stores the user's own upload; writing is the confirm's",
    "lockouts": "login lockouts are the province's as a whole (province staff only: the permission matrix)",
    "targets:plan-create": "target plans are the province's as a whole (province staff only: the permission matrix)",
    "targets:plan-edit": "target plans are the province's as a whole (province staff only: the permission matrix)",
}
