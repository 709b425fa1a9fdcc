"""The one view of every export (spreadsheets.registry.EXPORTS, spreadsheets/exporting.py says the steps):
/exports/<identifier>.<format> over the user's clubs, /exports/club/<club pk>/<identifier>.<format> for
one club. An export not registered, a format it does not offer or the wrong one of the two addresses
is not found (404). An export that lists people is audited (spreadsheets/personal_data.py)."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from accounts import access
from spreadsheets.exporting import Exporter, ExportFormat, ExportScope
from spreadsheets.personal_data import personal_data_export_record, readable_filters
from spreadsheets.registry import EXPORTS


def _scope(user, exporter: Exporter, club_pk) -> ExportScope:
    if exporter.per_club:
        return ExportScope(user=user, club=access.get_club(user, club_pk, exporter.capability))
    access.require_cap(user, exporter.capability)
    capability = exporter.clubs_capability or exporter.capability
    return ExportScope(user=user, clubs=access.clubs_for(user, capability), units=access.units_for(user, capability))


@require_http_methods(["GET"])
def download(request, identifier, export_format, club_pk=None):
    exporter = EXPORTS.get(identifier)
    if exporter is None or export_format not in exporter.formats or exporter.per_club != (club_pk is not None):
        raise Http404("No such export.")
    scope = _scope(request.user, exporter, club_pk)
    form = exporter.form(scope, request.GET)
    # In the user's language, whatever happens to be active (docs/style.md §6.6).
    with translation.override(request.LANGUAGE_CODE):
        report = exporter.build(scope, form) if exporter.accepts(form) else None
        if report is not None:
            written = exporter.write(scope, report, ExportFormat(export_format))
            if exporter.personal_data:
                personal_data_export_record(
                    actor=request.user,
                    export=identifier,
                    export_format=export_format,
                    file=written.filename,
                    club=scope.club,
                    filters=readable_filters(form),
                    rows=written.count_rows(),
                )
            return written.response
    # The page says what is wrong with the query, or that there is nothing to export yet.
    page = reverse(exporter.page, args=exporter.page_args(scope))
    return redirect(f"{page}?{request.GET.urlencode()}" if request.GET else page)
