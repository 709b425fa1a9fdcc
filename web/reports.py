from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from areas.selectors import scheme_default, scope_units
from loans import portfolio as loan_portfolio
from reports import selectors
from reports.forms import AsOfForm, OverdueFilterForm, PortfolioForm
from web.paging import paginate, report_clubs_page

OVERDUE_PER_PAGE = 50


@require_http_methods(["GET"])
def scorecard(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = AsOfForm(request.GET or None)
    on = form.as_of()
    scheme = scheme_default(on)  # clubs are grouped on the map in force on the report's date
    clubs = access.clubs_for(request.user, Cap.REPORT_VIEW)
    scope = scope_units(units=access.units_for(request.user, Cap.REPORT_VIEW), scheme=scheme)
    report = selectors.scorecard_report(clubs=clubs, on=on, scheme=scheme)
    return render(
        request,
        "reports/scorecard.html",
        {"form": form, "report": report, "scope": scope, **report_clubs_page(request, report.clubs)},
    )


# --- the loan portfolio: staff only; a club's board sees its own figures on its loan pages -------


def _portfolio_scope(user, on):
    """The clubs whose loan books the user reads, the map in force on `on` they are grouped on,
    and the top units of that scope on it."""
    scheme = scheme_default(on)
    clubs = access.clubs_for(user, Cap.FUNDS_VIEW)
    return clubs, scheme, scope_units(units=access.units_for(user, Cap.FUNDS_VIEW), scheme=scheme)


@require_http_methods(["GET"])
def portfolio(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = PortfolioForm(request.GET or None)
    clubs, scheme, scope = _portfolio_scope(request.user, form.as_of())
    report = loan_portfolio.portfolio_report(clubs=clubs, on=form.as_of(), period=form.period(), scheme=scheme)
    return render(
        request,
        "reports/portfolio.html",
        {"form": form, "report": report, "scope": scope, **report_clubs_page(request, report.clubs)},
    )


@require_http_methods(["GET"])
def portfolio_overdue(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    clubs, scheme, scope = _portfolio_scope(request.user, AsOfForm(request.GET or None).as_of())
    filters = OverdueFilterForm(
        request.GET or None, districts=loan_portfolio.district_choices(clubs, scheme), scheme=scheme
    )
    on = filters.as_of()
    page, query = paginate(request, filters.rows(clubs=clubs), OVERDUE_PER_PAGE)
    return render(
        request,
        "reports/portfolio_overdue.html",
        {
            "filters": filters,
            "on": on,
            "page": page,
            "rows": loan_portfolio.overdue_rows(page.object_list, on),
            "query": query,
            "scope": scope,
        },
    )
