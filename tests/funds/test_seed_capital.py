"""docs/domain.md §7: on 24/11/2022, 4 of the 7 active clubs had raised 238.500.000 đ of initial capital,
218.500.000 from members and 20.000.000 from the Care Fund. The demo data set is that province."""

from areas.selectors import scheme_default
from clubs.models import Club
from demo.scenario import AS_OF
from funds.models import CapitalSource, FundKind
from funds.selectors import capital_by_source
from loans.models import Loan, LoanStatus


def test_demo_capital_and_loans(demo_data):
    capital_figures_of_24_11_2022_per_club_district_and_province()
    demo_loans_run_through_the_chairs_club()


def demo_loans_run_through_the_chairs_club():
    club = Club.objects.get(name__endswith="Liên Trì Tây")
    loans = Loan.objects.filter(club=club)
    assert loans.count() == 6
    assert set(loans.values_list("status", flat=True)) == {LoanStatus.DISBURSED}
    income = club.funds.get(kind=FundKind.INCOME)
    disbursed = sum(loans.values_list("amount", flat=True))
    repaid = sum(r.amount for loan in loans for r in loan.repayments.all())
    assert income.balance() == 55_000_000 - disbursed + repaid


def capital_figures_of_24_11_2022_per_club_district_and_province():
    report = capital_by_source(clubs=Club.objects.all(), on=AS_OF, scheme=scheme_default(AS_OF))
    province = report.total
    assert province.clubs_with_capital == 4
    assert province.total == 238_500_000
    assert {source: amount for source, amount in province.by_source.items() if amount} == {
        CapitalSource.MEMBERS: 218_500_000,
        CapitalSource.CARE_FUND: 20_000_000,
    }
    assert province.opening == province.interest == 0
    # The four clubs (in TP Quảng Ngãi, Bình Sơn and Tư Nghĩa) add up to the province.
    funded = [row for row in report.clubs if row.capital.total]
    assert len(funded) == 4
    assert sum(row.capital.total for row in funded) == 238_500_000
    assert sum(row.capital.total for row in report.districts) == 238_500_000
    by_district = {row.unit.name: row.capital.total for row in report.districts if row.capital.total}
    assert by_district == {
        "Huyện Bình Sơn": 60_000_000,
        "Thành phố Quảng Ngãi": 119_500_000,
        "Huyện Tư Nghĩa": 59_000_000,
    }
