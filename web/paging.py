"""Lists cut into pages: the page a query string asks for, and the query its page links keep."""

from django.conf import settings
from django.core.paginator import Page, Paginator

from core.bounded import MAX_PAGE, bounded_int
from core.forms import query_without


def page_query(request, *dropped: str) -> str:
    """The request's query string without ?page= (nor the keys `dropped`): what the links to the
    list's other pages keep, so that its filters stay as they are."""
    return query_without(request.GET, "page", *dropped)


def page_number(request) -> int:
    """The page ?page= asks for: a number from 1 to core.bounded.MAX_PAGE, else the first."""
    return bounded_int(request.GET.get("page"), 1, MAX_PAGE) or 1


def report_clubs_page(request, clubs: list) -> dict:
    """The page of a report's club rows (settings.REPORT_CLUBS_PER_PAGE) and its links' query, for
    the template: `clubs_page`, `query`. The report itself counts every club."""
    page, query = paginate(request, clubs, settings.REPORT_CLUBS_PER_PAGE)
    return {"clubs_page": page, "query": query}


def paginate(request, rows, per_page: int, *, counted=None) -> tuple[Page, str]:
    """The page of `rows` that ?page= asks for (page_number; the last one past the end), and
    page_query for its links. `counted(rows, count)`, when given, puts the rows in the order the
    page is read in once their number is known (members.selectors.search_page_order)."""
    paginator = Paginator(rows, per_page)
    if counted is not None:
        paginator.object_list = counted(rows, paginator.count)  # the count, cached, is the same rows'
    return paginator.get_page(page_number(request)), page_query(request)
