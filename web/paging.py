"""Lists cut into pages: the page a query string asks for, and the query its page links keep."""

from django.core.paginator import Page, Paginator


def page_query(request, *dropped: str) -> str:
    """The request's query string without ?page= (nor the keys `dropped`): what the links to the
    list's other pages keep, so that its filters stay as they are."""
    query = request.GET.copy()
    for key in ("page", *dropped):
        query.pop(key, None)
    return query.urlencode()


def paginate(request, rows, per_page: int) -> tuple[Page, str]:
    """The page of `rows` that ?page= asks for (the last one past the end, the first for anything
    else), and page_query for its links."""
    return Paginator(rows, per_page).get_page(request.GET.get("page")), page_query(request)
